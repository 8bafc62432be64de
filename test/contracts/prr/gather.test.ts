import * as nodeFs from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReviewFileSystem } from '../../../lib/contracts/prr/gather';
import { scanDirectory } from '../../../lib/contracts/prr/secrets/scan';
import { createSecretlintScanner } from '../../../lib/contracts/prr/secrets/secretlint';
import { LINE_CAPS, SEGMENT_CAPS } from '../../../lib/contracts/prr/secrets/segments';
import { copyFixture, editDeployment, PYTHON_MODEL, removeCopies, review } from '../helpers';

afterEach(removeCopies);

// Every credential-like value is assembled at run time so this file itself holds none.
const j = (...parts: string[]) => parts.join('');
const TOKEN = j('Zx8Qm2Lp', '9Vr4Tn7K');
const GITHUB = j('ghp_', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx');
const AWS_KEY_ID = j('AKIA', 'Z7VRSQ5TJN4WDQCH');

/** A file system whose reads fail for one path: a root-run test cannot rely on chmod. */
function failingOn(target: string, code: string): ReviewFileSystem {
  const fail = (p: string) => {
    if (p === target) throw Object.assign(new Error(`${code}: ${p}`), { code });
  };
  return {
    ...nodeFs,
    readdirSync: (dir, options) => {
      fail(dir);
      return nodeFs.readdirSync(dir, options);
    },
    openSync: (file, flags) => {
      fail(file);
      return nodeFs.openSync(file, flags);
    },
    readFileSync: (file) => {
      fail(file);
      return nodeFs.readFileSync(file);
    },
  };
}

const secrets = async (dir: string) => (await review(dir)).checks.find((c) => c.id === 'secrets');

describe('the PRR gate cannot be switched off by the reviewed repository', () => {
  it('fails when a subdirectory cannot be read', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    // Act
    const report = await review(dir, { fs: failingOn(path.join(dir, 'src'), 'EACCES') });
    // Assess
    expect(report.checks.find((c) => c.id === 'secrets')?.status).toBe('fail');
    expect(report.verdict).toBe('fail');
  });

  it('fails the gate when ignorePaths ["**"] covers every file', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    writeFileSync(path.join(dir, 'settings.py'), `API_TOKEN = "${TOKEN}"\n`);
    editDeployment(dir, (doc) => doc.setIn(['secretScan', 'ignorePaths'], ['**']));
    // Act
    const report = await review(dir);
    // Assess: the file is still scanned, and the unsigned exception blocks the review.
    expect(report.checks.find((c) => c.id === 'secret-allowlist')?.status).toBe('fail');
    expect(report.verdict).toBe('fail');
  });

  it('refuses iamPolicy: /etc/passwd without reading it', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    editDeployment(dir, (doc) => doc.setIn(['iamPolicy'], '/etc/passwd'));
    const read: string[] = [];
    const fs: ReviewFileSystem = {
      ...nodeFs,
      readFileSync: (f) => {
        read.push(String(f));
        return nodeFs.readFileSync(f);
      },
    };
    // Act
    const check = (await review(dir, { fs })).checks.find((c) => c.id === 'iam');
    // Assess
    expect(check?.status).toBe('fail');
    expect(check?.details.join('\n')).toMatch(/outside the model directory/);
    expect(check?.details.join('\n')).not.toMatch(/root:/);
    expect(read).not.toContain('/etc/passwd');
  });

  it('fails when the model directory holds no file at all', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    // Act
    const result = await scanDirectory(empty, {
      fs: nodeFs,
      scanner: await createSecretlintScanner(),
      now: () => 0,
    });
    // Assess
    expect(result.filesScanned).toBe(0);
  });
});

describe('secret scan', () => {
  it.each([
    ['a token in a Dockerfile ENV', 'Dockerfile', `FROM python:3.12\nENV API_TOKEN=${TOKEN}\n`, 2],
    ['a GitHub token in a Dockerfile ARG', 'Dockerfile', `FROM python\nARG GH=${GITHUB}\n`, 2],
    ['an unquoted YAML password', 'config.yaml', `db:\n  password: ${TOKEN}\n`, 2],
    ['a .env entry', '.env', `DEBUG=true\nDB_PASSWORD=${TOKEN}\n`, 2],
    [
      'a Kubernetes Secret whose kind comes after its data',
      'k8s/secret.yaml',
      `apiVersion: v1\ndata:\n  tls.key: ${j('LS0tLS1', 'CRUdJTiBQUklW')}\nkind: Secret\n`,
      3,
    ],
    ['an AWS access key id in code', 'app.py', `KEY = "${AWS_KEY_ID}"\n`, 1],
  ])('finds %s', async (_name, file, text, line) => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
    // Act
    const check = await secrets(dir);
    // Assess: where and which rule, never any character of the secret.
    expect(check?.status).toBe('fail');
    expect(check?.details.join('\n')).toMatch(
      new RegExp(`^${file.replace('.', '\\.')}:${line} `, 'm'),
    );
    for (const secret of [TOKEN, GITHUB, AWS_KEY_ID])
      expect(check?.details.join('\n')).not.toContain(secret.slice(0, 4));
  });

  it('reports a PEM private key block once', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    const body = Array.from({ length: 6 }, (_, i) => `MIIEpAIBAAKCAQEA${i}${'Zm9vYmFy'.repeat(6)}`);
    writeFileSync(
      path.join(dir, 'key.pem'),
      [
        `-----BEGIN ${'RSA PRIVATE'} KEY-----`,
        ...body,
        `-----END ${'RSA PRIVATE'} KEY-----`,
        '',
      ].join('\n'),
    );
    // Act
    const check = await secrets(dir);
    // Assess
    expect(check?.details.filter((d) => d.startsWith('key.pem'))).toEqual([
      expect.stringMatching(/^key\.pem:1 privatekey \(\d+ chars\)$/),
    ]);
  });

  it('streams a notebook over 1 MiB and reports the line of the secret', async () => {
    // Prepare: a large image output after the cell that holds the token.
    const dir = copyFixture(PYTHON_MODEL);
    const notebook = {
      cells: [
        {
          cell_type: 'code',
          source: ['import os\n', `token = "${TOKEN}"\n`],
          outputs: [{ data: { 'image/png': 'iVBORw0KGgo'.repeat(120_000) } }],
        },
      ],
    };
    writeFileSync(path.join(dir, 'explore.ipynb'), JSON.stringify(notebook, null, 1));
    // Act
    const check = await secrets(dir);
    // Assess
    expect(nodeFs.statSync(path.join(dir, 'explore.ipynb')).size).toBeGreaterThan(1024 * 1024);
    expect(check?.details).toContain('explore.ipynb:7 secret-assignment (16 chars)');
  });

  it('reports no finding in clean configuration and code', async () => {
    // Prepare: names, references and placeholders, not values.
    const dir = copyFixture(PYTHON_MODEL);
    writeFileSync(
      path.join(dir, 'clean.py'),
      'password = os.environ["DB_PASSWORD"]\ntoken = get_token()\napi_key = settings.API_KEY\n',
    );
    writeFileSync(
      path.join(dir, 'values.yaml'),
      `db:\n  password: ${'$'}{DB_PASSWORD}\n  user: app\n`,
    );
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      'FROM python:3.12\nARG GITHUB_TOKEN\nENV LOG_LEVEL=INFO\n',
    );
    writeFileSync(path.join(dir, '.env.example'), 'DB_PASSWORD=changeme\n');
    writeFileSync(
      path.join(dir, 'config.yaml'),
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: production\n',
    );
    // Act
    const check = await secrets(dir);
    // Assess
    expect(check?.status).toBe('pass');
  });

  it('scans a 1 MiB single-line file in pieces of bounded size and finds a secret at its end', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    const big = path.join(dir, 'big');
    mkdirSync(big);
    writeFileSync(path.join(big, 'minified.js'), `${'a=1;'.repeat(256 * 1024)}k="${GITHUB}"`);
    const real = await createSecretlintScanner();
    const pieces: number[] = [];
    // Act
    const result = await scanDirectory(big, {
      fs: nodeFs,
      scanner: (text, file) => {
        pieces.push(text.length);
        return real(text, file);
      },
      now: () => 0,
    });
    // Assess: no piece exceeds the cap and the total work is linear in the file size.
    expect(Math.max(...pieces)).toBeLessThanOrEqual(SEGMENT_CAPS.size);
    expect(pieces.reduce((a, b) => a + b, 0)).toBeLessThan(1.5 * 1024 * 1024);
    expect(LINE_CAPS.size).toBeLessThanOrEqual(SEGMENT_CAPS.size);
    expect(result.findings.map((f) => f.rule)).toEqual(['github']);
  });

  it('reports the right line for secrets far into a long file, found by either kind of rule', async () => {
    // Prepare: 40 KB of filler spans several pieces.
    const dir = copyFixture(PYTHON_MODEL);
    const filler = Array.from({ length: 2000 }, (_, i) => `value_${i} = ${i}`);
    writeFileSync(
      path.join(dir, 'settings.py'),
      [...filler, `GH = "${GITHUB}"`, ...filler, `API_TOKEN = "${TOKEN}"`, ''].join('\n'),
    );
    // Act
    const check = await secrets(dir);
    // Assess
    expect(check?.details.filter((d) => d.startsWith('settings.py'))).toEqual([
      'settings.py:2001 github (40 chars)',
      'settings.py:4002 secret-assignment (16 chars)',
    ]);
  });

  it('stops at its time budget and fails instead of passing', async () => {
    // Prepare: a clock that jumps past the budget after the first piece.
    const dir = copyFixture(PYTHON_MODEL);
    let t = 0;
    // Act
    const result = await scanDirectory(
      dir,
      {
        fs: nodeFs,
        scanner: async () => {
          t += 10_000;
          return [];
        },
        now: () => t,
      },
      { budgetMs: 5_000 },
    );
    // Assess
    expect(result.incomplete).toMatch(/budget/);
  });
});
