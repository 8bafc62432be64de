import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Document } from 'yaml';
import { loadDeploymentFile } from '../../../lib/contracts/deployment';
import { gatherContext } from '../../../lib/contracts/prr/gather';
import { PRR_CHECKS, runPrr } from '../../../lib/contracts/prr/index';
import {
  copyFixture,
  editDeployment,
  examplePolicy,
  PYTHON_MODEL,
  removeCopies,
  review,
  statusOf,
  TS_MODEL,
} from '../helpers';

afterEach(removeCopies);

/** A PEM private key block with a body, assembled at run time so this file holds none. */
const pemBlock = () =>
  [
    `-----BEGIN ${'RSA PRIVATE'} KEY-----`,
    ...Array.from(
      { length: 4 },
      (_, i) => `MIIEpAIBAAKCAQEA${'q'.repeat(i)}${'Zm9vYmFyYmF6'.repeat(4)}`,
    ),
    `-----END ${'RSA PRIVATE'} KEY-----`,
    '',
  ].join('\n');

const write = (dir: string, file: string, text: string) =>
  writeFileSync(path.join(dir, file), text);
const set =
  (keyPath: (string | number)[], value: unknown) =>
  (dir: string): void =>
    editDeployment(dir, (doc: Document) => doc.setIn(keyPath, value));
const remove =
  (keyPath: (string | number)[]) =>
  (dir: string): void =>
    editDeployment(dir, (doc: Document) => doc.deleteIn(keyPath));

describe('prr check fixtures', () => {
  it.each([
    ['Python', PYTHON_MODEL],
    ['TypeScript', TS_MODEL],
  ])('the %s model passes every check', async (_name, fixture) => {
    // Prepare / Act
    const report = await review(copyFixture(fixture));
    // Assess
    // Assess: without a signed review document only the sign-off check warns.
    expect(report.checks.map((c) => [c.id, c.status])).toEqual(
      PRR_CHECKS.map((c) => [c.id, c.id === 'review-signoff' ? 'warn' : 'pass']),
    );
    expect(report.verdict).toBe('pass');
    expect(report.blockingIssues).toEqual([]);
  });
});

type Variant = [string, string, string, (dir: string) => void];

/** [description, fixture, check id, modification]: each must fail exactly its check. */
const PYTHON_VARIANTS: Variant[] = [
  ['project unknown to the policy', PYTHON_MODEL, 'policy', set(['project'], 'no-such-project')],
  [
    'model not listed under the project',
    PYTHON_MODEL,
    'policy',
    set(['model', 'name'], 'other_model'),
  ],
  [
    'only print(), no logging library',
    PYTHON_MODEL,
    'structured-logging',
    (d) =>
      write(
        d,
        'src/fraud_detection/app.py',
        'from prometheus_client import Counter\nC = Counter("x", "y")\nprint("scored")\n',
      ),
  ],
  [
    'a commented-out logging import does not count',
    PYTHON_MODEL,
    'structured-logging',
    (d) =>
      write(
        d,
        'src/fraud_detection/app.py',
        '# import structlog\nfrom prometheus_client import Counter\nC = Counter("x", "y")\n',
      ),
  ],
  [
    'no metrics library',
    PYTHON_MODEL,
    'metrics',
    (d) =>
      write(d, 'src/fraud_detection/app.py', 'import structlog\nlog = structlog.get_logger()\n'),
  ],
  ['no runbook', PYTHON_MODEL, 'runbook', remove(['observability', 'runbook'])],
  [
    'an http runbook',
    PYTHON_MODEL,
    'runbook',
    set(['observability', 'runbook'], 'http://runbooks.example.com/x'),
  ],
  [
    'image pinned by tag only',
    PYTHON_MODEL,
    'versioning',
    set(['image'], '111122223333.dkr.ecr.eu-west-1.amazonaws.com/fraud-detection:latest'),
  ],
  ['no commit SHA', PYTHON_MODEL, 'versioning', remove(['commitSha'])],
  ['commit SHA that is not hex', PYTHON_MODEL, 'versioning', set(['commitSha'], 'main')],
  [
    'model card file missing',
    PYTHON_MODEL,
    'model-card',
    (d) => rmSync(path.join(d, 'MODEL_CARD.md')),
  ],
  ['model card empty', PYTHON_MODEL, 'model-card', (d) => write(d, 'MODEL_CARD.md', '  \n')],
  ['model card not declared', PYTHON_MODEL, 'model-card', remove(['modelCard'])],
  [
    'load-test p99 above the policy SLA (150 ms)',
    PYTHON_MODEL,
    'load-test',
    (d) => write(d, 'load-test.json', '{"p99LatencyMs": 151, "requests": 5000}'),
  ],
  [
    'load-test file missing',
    PYTHON_MODEL,
    'load-test',
    (d) => rmSync(path.join(d, 'load-test.json')),
  ],
  [
    'load-test file without p99',
    PYTHON_MODEL,
    'load-test',
    (d) => write(d, 'load-test.json', '{"p95LatencyMs": 90}'),
  ],
  ['no resource limits', PYTHON_MODEL, 'resources', remove(['resources', 'limits'])],
  [
    'memory limit below the request',
    PYTHON_MODEL,
    'resources',
    set(['resources', 'limits', 'memory'], '2Gi'),
  ],
  [
    'CPU limit below the request',
    PYTHON_MODEL,
    'resources',
    set(['resources', 'limits', 'cpu'], '1500m'),
  ],
  ['no circuit breaker', PYTHON_MODEL, 'resilience', remove(['resilience', 'circuitBreaker'])],
  ['no timeout', PYTHON_MODEL, 'resilience', remove(['resilience', 'timeoutMs'])],
  ['no rollback plan', PYTHON_MODEL, 'rollback', remove(['rollback'])],
  [
    'first release without a procedure',
    PYTHON_MODEL,
    'rollback',
    (d) => {
      set(['rollback', 'previousVersion'], 'none')(d);
      remove(['rollback', 'procedure'])(d);
    },
  ],
  [
    'cost estimate over the $10,000 budget',
    PYTHON_MODEL,
    'cost',
    set(['cost', 'monthlyEstimateUsd'], 10_001),
  ],
  ['no cost estimate', PYTHON_MODEL, 'cost', remove(['cost'])],
  [
    'an AWS access key id in the code',
    PYTHON_MODEL,
    'secrets',
    // Built by concatenation so no scanner flags this test file itself.
    (d) => write(d, 'src/fraud_detection/config.py', `KEY_ID = "${'AKIA'}${'Z7Q2MX4P9KTL3RWB'}"\n`),
  ],
  ['a private key block', PYTHON_MODEL, 'secrets', (d) => write(d, 'deploy.pem', pemBlock())],
  [
    'a wildcard service action',
    PYTHON_MODEL,
    'iam',
    (d) =>
      write(
        d,
        'iam-policy.json',
        JSON.stringify({
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }],
        }),
      ),
  ],
  [
    'the full wildcard action',
    PYTHON_MODEL,
    'iam',
    (d) =>
      write(
        d,
        'iam-policy.json',
        JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }),
      ),
  ],
  [
    'a prefix wildcard action',
    PYTHON_MODEL,
    'iam',
    (d) =>
      write(
        d,
        'iam-policy.json',
        JSON.stringify({
          Statement: [{ Effect: 'Allow', Action: ['s3:Get*'], Resource: 'arn:aws:s3:::b/*' }],
        }),
      ),
  ],
  [
    'Allow with NotAction',
    PYTHON_MODEL,
    'iam',
    (d) =>
      write(
        d,
        'iam-policy.json',
        JSON.stringify({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }),
      ),
  ],
  ['IAM policy not JSON', PYTHON_MODEL, 'iam', (d) => write(d, 'iam-policy.json', 'Statement: []')],
  ['IAM policy not declared', PYTHON_MODEL, 'iam', remove(['iamPolicy'])],
];

const TS_VARIANTS: Variant[] = [
  [
    'console.log only',
    TS_MODEL,
    'structured-logging',
    (d) =>
      write(
        d,
        'src/handler.ts',
        "import { Metrics } from '@aws-lambda-powertools/metrics';\nconst m = new Metrics();\nm.addMetric('x', 'Count', 1);\nconsole.log('priced');\n",
      ),
  ],
  [
    'no metrics library',
    TS_MODEL,
    'metrics',
    (d) =>
      write(
        d,
        'src/handler.ts',
        "import pino from 'pino';\nconst log = pino();\nlog.info('priced');\n",
      ),
  ],
  [
    'k6 summary without p(99)',
    TS_MODEL,
    'load-test',
    (d) =>
      write(
        d,
        'k6-summary.json',
        JSON.stringify({ metrics: { http_req_duration: { values: { 'p(95)': 120 } } } }),
      ),
  ],
  [
    'k6 p99 above the policy SLA (200 ms)',
    TS_MODEL,
    'load-test',
    (d) =>
      write(
        d,
        'k6-summary.json',
        JSON.stringify({
          metrics: { http_req_duration: { 'p(99)': 240 }, http_reqs: { count: 9000 } },
        }),
      ),
  ],
  [
    'a GitHub token in a config file',
    TS_MODEL,
    'secrets',
    (d) =>
      write(
        d,
        'src/config.ts',
        `export const token = '${'ghp_'}${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}';\n`,
      ),
  ],
];

/** One variant per item of the full review that deployment.yaml declares. */
const READINESS_VARIANTS: Variant[] = [
  [
    'log level DEBUG in production',
    PYTHON_MODEL,
    'logging-practice',
    set(['observability', 'logLevel'], 'DEBUG'),
  ],
  [
    'payloads logged without PII redaction',
    PYTHON_MODEL,
    'logging-practice',
    set(['observability', 'payloadLogging'], { enabled: true, piiRedaction: false }),
  ],
  [
    'no correlation id',
    PYTHON_MODEL,
    'logging-practice',
    remove(['observability', 'correlationIdHeader']),
  ],
  [
    'no p95 latency',
    PYTHON_MODEL,
    'logging-practice',
    set(['observability', 'latencyPercentiles'], [50, 99]),
  ],
  [
    'an abbreviated training commit',
    PYTHON_MODEL,
    'reproducibility',
    set(['trainingCommitSha'], '9a1c3e5'),
  ],
  ['no data version', PYTHON_MODEL, 'reproducibility', remove(['dataVersion'])],
  ['no feature definitions', PYTHON_MODEL, 'reproducibility', remove(['featureDefinitions'])],
  ['no preserved test dataset', PYTHON_MODEL, 'reproducibility', remove(['testDataset'])],
  ['no hyperparameters', PYTHON_MODEL, 'reproducibility', remove(['hyperparameters'])],
  ['no target throughput', PYTHON_MODEL, 'throughput', remove(['targetQps'])],
  ['no GPU declaration', PYTHON_MODEL, 'throughput', remove(['resources', 'gpu'])],
  ['no autoscaling', PYTHON_MODEL, 'throughput', remove(['autoscaling'])],
  [
    'autoscaling max below min',
    PYTHON_MODEL,
    'throughput',
    set(['autoscaling', 'maxInstances'], 1),
  ],
  [
    'no scale-down stabilization',
    PYTHON_MODEL,
    'throughput',
    set(['autoscaling', 'scaleDownStabilizationSeconds'], 0),
  ],
  ['a load test below the target QPS', PYTHON_MODEL, 'load-test', set(['targetQps'], 500)],
  [
    'an untested dependency failure',
    PYTHON_MODEL,
    'dependencies',
    set(['dependencies', 1, 'tested'], false),
  ],
  ['no dependency table', PYTHON_MODEL, 'dependencies', remove(['dependencies'])],
  [
    'a rollback slower than 5 minutes',
    PYTHON_MODEL,
    'rollback-rehearsal',
    set(['rollback', 'targetMinutes'], 12),
  ],
  [
    'a rollback last tested 91 days ago',
    PYTHON_MODEL,
    'rollback-rehearsal',
    set(['rollback', 'lastTestedOn'], '2026-08-30'),
  ],
  [
    'a rollback never tested',
    PYTHON_MODEL,
    'rollback-rehearsal',
    remove(['rollback', 'lastTestedOn']),
  ],
  [
    'unit costs that do not add up to the estimate',
    PYTHON_MODEL,
    'cost-attribution',
    set(['cost', 'lineItems', 0, 'monthlyUsage'], 100),
  ],
  ['no unit costs', PYTHON_MODEL, 'cost-attribution', remove(['cost', 'lineItems'])],
  [
    "another project's CostCenter tag",
    PYTHON_MODEL,
    'cost-attribution',
    set(['tags', 'CostCenter'], 'CC-2200-ADS'),
  ],
  ['no CostCenter tag', PYTHON_MODEL, 'cost-attribution', remove(['tags'])],
  [
    'no input validation',
    PYTHON_MODEL,
    'request-safety',
    set(['security', 'inputValidation'], false),
  ],
  ['no rate limit', PYTHON_MODEL, 'request-safety', remove(['security', 'rateLimitRps'])],
];

describe('prr check variants', () => {
  it.each(
    [...PYTHON_VARIANTS, ...TS_VARIANTS, ...READINESS_VARIANTS].map(
      ([n, f, id, m]) => [n, id, f, m] as const,
    ),
  )('fails on %s (check %s)', async (_name, checkId, fixture, modify) => {
    // Prepare
    const dir = copyFixture(fixture);
    modify(dir);
    // Act
    const report = await review(dir);
    // Assess
    expect(statusOf(report, checkId)).toBe('fail');
    expect(report.verdict).toBe('fail');
    expect(report.blockingIssues.map((c) => c.id)).toContain(checkId);
  });

  it.each([
    ['89 days ago', '2026-09-01', 'pass'],
    ['90 days ago', '2026-08-31', 'pass'],
    ['91 days ago', '2026-08-30', 'fail'],
    ['tomorrow', '2026-11-30', 'fail'],
  ])('rates a rollback rehearsal %s as %s', async (_name, day, expected) => {
    // Prepare: the review day is 2026-11-29.
    const dir = copyFixture(PYTHON_MODEL);
    set(['rollback', 'lastTestedOn'], day)(dir);
    // Act / Assess
    expect(statusOf(await review(dir), 'rollback-rehearsal')).toBe(expected);
  });

  it('reports a missing dashboard as an advisory warning that does not fail the review', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    remove(['observability', 'dashboards'])(dir);
    // Act
    const report = await review(dir);
    // Assess
    expect(report.checks.find((c) => c.id === 'dashboards')).toMatchObject({
      blocking: false,
      status: 'warn',
      details: ['observability.dashboards is empty or missing'],
    });
    expect(report.verdict).toBe('pass');
  });

  it.each([
    ['an estimate at the 95% auto-stop threshold', 9500, 'warn'],
    ['an estimate just under the threshold', 9499, 'pass'],
    ['an estimate equal to the budget', 10_000, 'warn'],
  ])('rates %s as %s', async (_name, usd, expected) => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    set(['cost', 'monthlyEstimateUsd'], usd)(dir);
    // Act / Assess
    expect(statusOf(await review(dir), 'cost')).toBe(expected);
  });

  it('accepts a p99 exactly at the SLA', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    write(
      dir,
      'load-test.json',
      '{"p99LatencyMs": 150, "requests": 5000, "requestsPerSecond": 300}',
    );
    // Act / Assess
    expect(statusOf(await review(dir), 'load-test')).toBe('pass');
  });

  it('warns when the load test has too few requests for a meaningful p99', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    write(dir, 'load-test.json', '{"p99LatencyMs": 100, "requests": 200}');
    // Act
    const check = (await review(dir)).checks.find((c) => c.id === 'load-test');
    // Assess
    expect(check?.status).toBe('warn');
    expect(check?.details.join('\n')).toMatch(/only 200 requests/);
  });

  it("measures against the policy's SLA when both the policy and the deployment set one", async () => {
    // Prepare: the policy says 200 ms for dynamic_pricing, the deployment file 150 ms.
    const dir = copyFixture(PYTHON_MODEL);
    editDeployment(dir, (doc) => {
      doc.setIn(['project'], 'real-time-bidding');
      doc.setIn(['model', 'name'], 'dynamic_pricing');
    });
    write(
      dir,
      'load-test.json',
      '{"p99LatencyMs": 199, "requests": 5000, "requestsPerSecond": 300}',
    );
    // Act
    const check = (await review(dir)).checks.find((c) => c.id === 'load-test');
    // Assess
    expect(check?.status).toBe('pass');
    expect(check?.details[0]).toBe('p99 199 ms vs SLA 200 ms (guardrails policy, summary)');
  });

  it("falls back to the deployment's SLA when the policy has none for the model", async () => {
    // Prepare: the same policy without the model's SLA.
    const base = examplePolicy();
    const policy = {
      ...base,
      projects: base.projects.map((p) => ({
        ...p,
        models: p.models.map((m) => ({ name: m.name, endpoints: m.endpoints })),
      })),
    };
    const dir = copyFixture(PYTHON_MODEL);
    write(dir, 'load-test.json', '{"p99LatencyMs": 160, "requests": 5000}');
    // Act
    const check = (await review(dir, {}, policy)).checks.find((c) => c.id === 'load-test');
    // Assess
    expect(check?.status).toBe('fail');
    expect(check?.details[0]).toBe(
      'p99 160 ms vs SLA 150 ms (deployment.yaml, summary): above the SLA',
    );
  });

  it('fails the load test when neither the policy nor the deployment sets a p99 SLA', async () => {
    // Prepare
    const base = examplePolicy();
    const policy = {
      ...base,
      projects: base.projects.map((p) => ({
        ...p,
        models: p.models.map((m) => ({ name: m.name, endpoints: m.endpoints })),
      })),
    };
    const dir = copyFixture(PYTHON_MODEL);
    remove(['sla'])(dir);
    // Act
    const check = (await review(dir, {}, policy)).checks.find((c) => c.id === 'load-test');
    // Assess
    expect(check?.status).toBe('fail');
    expect(check?.details[0]).toMatch(/^no p99 latency SLA for model fraud_detection/);
  });

  it('ignores wildcards in Deny statements', async () => {
    // Prepare
    const dir = copyFixture(TS_MODEL);
    write(
      dir,
      'iam-policy.json',
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:::table/t' },
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    );
    // Act / Assess
    expect(statusOf(await review(dir), 'iam')).toBe('pass');
  });

  it('honours secretScan.ignorePaths and allowValues from the deployment file', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    const key = `${'AKIA'}${'Z7Q2MX4P9KTL3RWB'}`;
    write(dir, 'tests/recorded.py', `KEY = "${key}"\n`);
    write(dir, 'notes.md', `rotated key ${key}\n`);
    editDeployment(dir, (doc) => {
      doc.setIn(['secretScan', 'ignorePaths'], ['tests/**']);
      doc.setIn(['secretScan', 'allowValues'], []);
    });
    // Act
    const check = (await review(dir)).checks.find((c) => c.id === 'secrets');
    // Assess: the ignored folder's finding is covered, the same key elsewhere is still found.
    expect(check?.status).toBe('fail');
    expect(check?.details.slice(1)).toEqual(['notes.md:1 aws (20 chars)']);
  });
});

describe('SLA in the deployment file vs the policy', () => {
  it('warns when deployment.yaml promises a looser SLA than the policy', async () => {
    // Prepare: the policy says p99 150 ms and 99.95 % for fraud_detection.
    const dir = copyFixture(PYTHON_MODEL);
    editDeployment(dir, (doc) => doc.setIn(['sla'], { p99LatencyMs: 400, availabilityPct: 99 }));
    // Act
    const check = (await review(dir)).checks.find((c) => c.id === 'load-test');
    // Assess
    expect(check?.status).toBe('warn');
    expect(check?.details).toEqual([
      'p99 121 ms vs SLA 150 ms (guardrails policy, locust)',
      "deployment.yaml declares p99 400 ms, looser than the policy's 150 ms (the policy applies)",
      "deployment.yaml declares availability 99%, below the policy's 99.95% (the policy applies)",
    ]);
  });
});

describe('runPrr', () => {
  it('turns a check that throws into a failure of that check, never a pass', async () => {
    // Prepare
    const dir = copyFixture(TS_MODEL);
    const crashing = {
      id: 'crashing',
      title: 'Crashing check',
      blocking: true,
      evaluate: () => {
        throw new Error('boom');
      },
    };
    const ctx = await gatherContext(
      dir,
      loadDeploymentFile(path.join(dir, 'deployment.yaml')),
      examplePolicy(),
    );
    // Act
    const report = runPrr(ctx, [crashing]);
    // Assess
    expect(report.checks).toEqual([
      {
        id: 'crashing',
        title: 'Crashing check',
        blocking: true,
        status: 'fail',
        details: ['the check crashed: boom'],
      },
    ]);
    expect(report.verdict).toBe('fail');
  });
});
