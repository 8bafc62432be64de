import { describe, expect, it } from 'vitest';
import {
  BASE64_ENTROPY_LIMIT,
  globToRegExp,
  scanText,
  shannonEntropy,
} from '../../../lib/contracts/prr/checks/secret-rules';

// Every credential-like value is assembled at run time so this file itself holds none.
const j = (...parts: string[]) => parts.join('');
const AWS_KEY_ID = j('AKIA', 'Z7Q2MX4P9KTL3RWB');
const AWS_SECRET = j('q8Zr', '3kT1mVx9', 'Lp2Wn5Bc7Yd', '4Hf6Js0Ag', 'Qe1Ru8Ti');
const RANDOM_B64 = j('Zx8', 'Qm2Lp9Vr4Tn7Kw1', 'Bj6Hc3Yf5Gd0Sa8', 'Ue2Io4Pk');

const rulesIn = (file: string, text: string) => scanText(file, text).map((f) => f.rule);

describe('scanText', () => {
  it.each([
    ['an AWS access key id', 'app.py', `key = ${AWS_KEY_ID}`, 'aws-access-key-id'],
    [
      'a temporary (ASIA) key id',
      'app.py',
      `"${j('ASIA', 'Q4RT7YU2IO9PLK3J')}"`,
      'aws-access-key-id',
    ],
    [
      'an AWS secret key next to its name',
      'config.ini',
      `aws_secret_access_key = ${AWS_SECRET}`,
      'aws-secret-access-key',
    ],
    [
      'a private key block',
      'key.pem',
      j('-----BEGIN ', 'OPENSSH PRIVATE', ' KEY-----'),
      'private-key',
    ],
    [
      'an EC private key block',
      'k.txt',
      j('-----BEGIN ', 'EC PRIVATE', ' KEY-----'),
      'private-key',
    ],
    [
      'a GitHub token',
      'a.ts',
      `const t = '${j('ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8')}';`,
      'github-token',
    ],
    [
      'a fine-grained GitHub token',
      'a.ts',
      j('github_pat_', '11ABCDEFG0', 'abcdefghijKLMNOPQRST_uvwxyz0123456789'),
      'github-token',
    ],
    [
      'a Slack bot token',
      'a.py',
      `SLACK = "${j('xoxb-', '1234567890-', 'abcdefghijABCD')}"`,
      'slack-token',
    ],
    [
      'a Slack webhook',
      'a.py',
      j('https://hooks.slack.com/services/', 'T0123ABCD/', 'B0456EFGH/', 'xYz12AbC34dEf56GhI78jKl'),
      'slack-webhook',
    ],
    [
      'a Stripe live key',
      'pay.ts',
      `stripe('${j('sk_', 'live_', '4eC39HqLyjWDarjtT1zdp7dc')}')`,
      'stripe-key',
    ],
    [
      'a Google API key',
      'maps.js',
      `key: "${j('AIza', 'SyD4x9Qm2Lp7Vr4Tn1Kw8Bj6Hc3Yf5Gd0aB')}"`,
      'google-api-key',
    ],
    ['a password assignment', 'db.py', 'password = "Tr0ub4dor&3xyz"', 'generic-secret'],
    ['a token in JSON', 'cfg.json', '"api_token": "9f8e7d6c5b4a3921"', 'generic-secret'],
    ['an unquoted secret in a .env file', '.env', 'DB_PASSWORD=hunter2hunter2', 'generic-secret'],
    [
      'credentials in a URL',
      'db.py',
      'DSN = "postgres://app:s3cretpass@db:5432/x"',
      'credentials-in-url',
    ],
    ['a high-entropy string', 'a.py', `blob = "${RANDOM_B64}"`, 'high-entropy-string'],
    [
      'a hex key next to a secret word',
      'a.py',
      `signing_key = "${j('9f86d081884c7d65', '9a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')}"`,
      'high-entropy-hex',
    ],
  ])('finds %s', (_name, file, text, rule) => {
    // Act / Assess
    expect(rulesIn(file, text)).toContain(rule);
  });

  it.each([
    ["AWS's documented example key id", 'k = "AKIAIOSFODNN7EXAMPLE"'],
    [
      "AWS's documented example secret",
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['a password read from the environment', 'password = os.environ["DB_PASSWORD"]'],
    ['a placeholder', 'password = "<your-password>"'],
    ['a templated value', `token: "${'$'}{{ secrets.API_TOKEN }}"`],
    ['a changeme default', 'password = "changeme-please"'],
    [
      'an image digest',
      'image: repo@sha256:6105d6cc76af400325e94d588ce511be5bfdbb73b437dc51eca43917d7a43e3d',
    ],
    ['a commit SHA', 'commitSha: 4015b57a143aec5156fd1444a017a32137a3fd0f'],
    ['a URL', 'runbook: https://runbooks.example.com/ml/fraud-detection#rollback'],
    ['a long identifier', 'const createFeatureStoreReadRolePolicyDocument = 1;'],
    [
      'a line with the allow marker',
      `k = "${AWS_KEY_ID}"  # guardrails:allow-secret (revoked key in a test)`,
    ],
    ['a token path', 'token_file = "secrets/token.json"'],
    ['a header name', "const API_KEY_HEADER = 'x-api-key';"],
    ['the name of an environment variable', 'password_env = "DB_PASSWORD"'],
    ['a secret name in Secrets Manager', "secretName: 'ml-guardrails/pagerduty/platform-infra'"],
  ])('ignores %s', (_name, text) => {
    // Act / Assess
    expect(scanText('file.py', text)).toEqual([]);
  });

  it('skips entropy rules in lockfiles but still finds real key formats there', () => {
    // Prepare
    const text = `"integrity": "sha512-${RANDOM_B64}"\n"x": "${RANDOM_B64}"\n${AWS_KEY_ID}`;
    // Act / Assess
    expect(rulesIn('package-lock.json', text)).toEqual(['aws-access-key-id']);
  });

  it('honours exact allowed values', () => {
    // Act / Assess
    expect(scanText('a.py', `k = "${AWS_KEY_ID}"`, { allowValues: [AWS_KEY_ID] })).toEqual([]);
  });

  it('reports the line and a redacted preview, never the secret', () => {
    // Act
    const [finding] = scanText('src/app.py', `x = 1\nKEY = "${AWS_KEY_ID}"\n`);
    // Assess
    expect(finding).toEqual({
      rule: 'aws-access-key-id',
      file: 'src/app.py',
      line: 2,
      preview: 'AKIA… (20 chars)',
    });
    expect(JSON.stringify(finding)).not.toContain(AWS_KEY_ID);
  });
});

describe('shannonEntropy', () => {
  it.each([
    ['', 0],
    ['aaaa', 0],
    ['ab', 1],
    ['abcd', 2],
  ])('of "%s" is %d bits per character', (s, bits) => {
    expect(shannonEntropy(s)).toBeCloseTo(bits);
  });

  it('puts a random base64 string above the limit and English below it', () => {
    expect(shannonEntropy(RANDOM_B64)).toBeGreaterThanOrEqual(BASE64_ENTROPY_LIMIT);
    expect(shannonEntropy('thisisaverylongvariablenameinpython')).toBeLessThan(
      BASE64_ENTROPY_LIMIT,
    );
  });
});

describe('globToRegExp', () => {
  it.each([
    ['tests/**', 'tests/a/b.py', true],
    ['tests/**', 'src/tests.py', false],
    ['*.md', 'README.md', true],
    ['*.md', 'docs/README.md', false],
    ['**/*.md', 'docs/README.md', true],
    ['data/?.csv', 'data/a.csv', true],
  ])('%s matches %s: %s', (glob, file, expected) => {
    expect(globToRegExp(glob).test(file)).toBe(expected);
  });
});
