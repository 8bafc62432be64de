import { describe, expect, it } from 'vitest';
import { globMatch } from '../../../lib/contracts/prr/secrets/glob';
import { isSecretValue, LineRules } from '../../../lib/contracts/prr/secrets/line-rules';
import { NotebookTextExtractor } from '../../../lib/contracts/prr/secrets/notebook';
import { dedupe } from '../../../lib/contracts/prr/secrets/scan';
import { LineSplitter, SegmentBuffer } from '../../../lib/contracts/prr/secrets/segments';

const j = (...parts: string[]) => parts.join('');
const TOKEN = j('Zx8Qm2Lp', '9Vr4Tn7K');

describe('SegmentBuffer', () => {
  it('cuts a long single line into overlapping pieces that cover it', () => {
    // Prepare
    const buf = new SegmentBuffer({ size: 100, overlap: 20 });
    const text = 'x'.repeat(1000);
    // Act
    const pieces = [...buf.push(text), ...buf.end()];
    // Assess
    expect(Math.max(...pieces.map((p) => p.text.length))).toBeLessThanOrEqual(100);
    for (const [i, p] of pieces.entries()) {
      expect(text.slice(p.start, p.start + p.text.length)).toBe(p.text);
      const next = pieces[i + 1];
      if (next) expect(next.start).toBe(p.start + p.text.length - 20);
    }
    const last = pieces[pieces.length - 1];
    expect(last && last.start + last.text.length).toBe(1000);
  });

  it('numbers the first line of every piece', () => {
    // Prepare: ten lines of 29 characters and a break each.
    const buf = new SegmentBuffer({ size: 100, overlap: 20 });
    const text = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(29, '.')).join('\n');
    // Act
    const pieces = [...buf.push(text), ...buf.end()];
    // Assess: each piece's line is the number of breaks before its start, plus one.
    for (const p of pieces) expect(p.line).toBe(text.slice(0, p.start).split('\n').length);
  });

  it('ends pieces at line breaks when it can', () => {
    // Prepare
    const buf = new SegmentBuffer({ size: 100, overlap: 20 });
    // Act
    const [first] = buf.push(`${'a'.repeat(59)}\n${'b'.repeat(59)}\n${'c'.repeat(59)}\n`);
    // Assess
    expect(first?.text).toBe(`${'a'.repeat(59)}\n`);
  });

  it('refuses an overlap larger than half a piece', () => {
    expect(() => new SegmentBuffer({ size: 10, overlap: 6 })).toThrow(RangeError);
  });
});

describe('LineSplitter', () => {
  it('splits across pushes and windows an overlong line', () => {
    // Prepare
    const lines = new LineSplitter({ size: 10, overlap: 2 });
    // Act
    const out = [...lines.push('ab\r\ncd'), ...lines.push(`e\n${'z'.repeat(25)}`), ...lines.end()];
    // Assess
    expect(out.map((l) => [l.start, l.line, l.text])).toEqual([
      [0, 1, 'ab'],
      [4, 2, 'cde'],
      [8, 3, 'zzzzzzzzzz'],
      [16, 3, 'zzzzzzzzzz'],
      [24, 3, 'zzzzzzzzz'],
    ]);
  });
});

describe('NotebookTextExtractor', () => {
  it('decodes escaped cell source and maps each decoded line to its notebook line', () => {
    // Prepare
    const nb = new NotebookTextExtractor();
    const json = '{\n "source": [\n  "x = \\"a\\\\tb\\"\\n",\n  "y = \\u0031"\n ]\n}';
    // Act: fed in two chunks that split an escape.
    const text = nb.push(json.slice(0, 30)) + nb.push(json.slice(30));
    // Assess
    expect(text).toBe('source\nx = "a\\tb"\ny = 1\n');
    expect([1, 2, 3].map((l) => nb.fileLineOf(l))).toEqual([2, 3, 4]);
  });
});

describe('globMatch', () => {
  it.each([
    ['**', 'a/b/c.py', true],
    ['tests/**', 'tests/x/y.py', true],
    ['tests/**', 'src/tests/y.py', false],
    ['**/fixtures/*.json', 'fixtures/a.json', true],
    ['**/fixtures/*.json', 'a/b/fixtures/a.json', true],
    ['*.py', 'src/a.py', false],
    ['src/?.py', 'src/a.py', true],
    ['src/?.py', 'src/ab.py', false],
  ])('%s matches %s: %s', (glob, file, expected) => {
    expect(globMatch(glob, file)).toBe(expected);
  });

  it('decides a crafted many-star pattern on a long path without backtracking', () => {
    // Prepare: a pattern that takes exponential time in a backtracking matcher.
    const glob = `${'*a'.repeat(30)}b`;
    const file = 'a'.repeat(5000);
    // Act / Assess: the DP visits at most pattern length × path length states.
    expect(globMatch(glob, file)).toBe(false);
  });
});

describe('LineRules', () => {
  const find = (file: string, text: string) => {
    const rules = new LineRules(file);
    let start = 0;
    const out = [];
    for (const [i, t] of text.split('\n').entries()) {
      out.push(...rules.line({ start, line: i + 1, text: t }));
      start += t.length + 1;
    }
    out.push(...rules.end());
    // As the scan does: Kubernetes entries first, then one finding per secret.
    const k8s = out.filter((f) => f.rule === 'kubernetes-secret');
    return dedupe([...k8s, ...out.filter((f) => f.rule !== 'kubernetes-secret')]).map((f) => [
      f.rule,
      text.slice(f.start, f.end),
    ]);
  };

  it.each([
    ['Dockerfile ENV with a space', 'Dockerfile', `ENV API_TOKEN ${TOKEN}`, 'dockerfile-secret'],
    ['Dockerfile ARG default', 'Dockerfile', `ARG DB_PASSWORD=${TOKEN}`, 'secret-assignment'],
    [
      'Dockerfile ENV of an unusual name',
      'Dockerfile',
      `ENV HF_TOKEN ${TOKEN}`,
      'dockerfile-secret',
    ],
    ['unquoted YAML', 'values.yaml', `  password: ${TOKEN}`, 'secret-assignment'],
    ['quoted JSON', 'config.json', `"apiKey": "${TOKEN}"`, 'secret-assignment'],
    ['exported shell variable', 'deploy.sh', `export CLIENT_SECRET=${TOKEN}`, 'secret-assignment'],
  ])('finds %s and locates exactly the value', (_name, file, text, rule) => {
    expect(find(file, text)).toEqual([[rule, TOKEN]]);
  });

  it('reports every data and stringData value of a Kubernetes Secret, whatever the key order', () => {
    // Prepare
    const yaml = [
      'apiVersion: v1',
      'stringData:',
      `  token: ${TOKEN}`,
      'data:',
      '  user: YWRtaW4=',
      'kind: Secret',
      '---',
      'kind: ConfigMap',
      'data:',
      '  mode: prod',
    ].join('\n');
    // Act / Assess
    expect(find('secret.yaml', yaml)).toEqual([
      ['kubernetes-secret', TOKEN],
      ['kubernetes-secret', 'YWRtaW4='],
    ]);
  });

  it.each([
    `${'$'}{DB_PASSWORD}`,
    '{{ vault_password }}',
    '<your-token>',
    'changeme123',
    'settings.API_KEY',
    'get_token',
    './secrets/token.json',
    'https://vault.example.com',
  ])('does not take "%s" for a secret', (value) => {
    expect(isSecretValue(value)).toBe(false);
  });
});

describe('dedupe', () => {
  it('keeps one finding per secret, preferring the earlier rule', () => {
    expect(
      dedupe([
        { rule: 'privatekey', start: 0, end: 100 },
        { rule: 'secret-assignment', start: 10, end: 20 },
        { rule: 'privatekey', start: 0, end: 100 },
        { rule: 'github', start: 150, end: 190 },
      ]),
    ).toEqual([
      { rule: 'privatekey', start: 0, end: 100 },
      { rule: 'github', start: 150, end: 190 },
    ]);
  });
});
