import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDeploymentFile } from '../../../lib/contracts/deployment';
import { parseReview, REQUIRED_APPROVERS, reviewProblems } from '../../../lib/contracts/prr/review';
import { renderPrrTemplate } from '../../../lib/contracts/prr/template';
import {
  copyFixture,
  editDeployment,
  examplePolicy,
  PYTHON_MODEL,
  removeCopies,
  review,
  statusOf,
} from '../helpers';

afterEach(removeCopies);

const EXPECTED = { model: 'fraud_detection', version: '3.2.0' };

/** The template `prr init` writes for the Python fixture. */
function template(): string {
  const deployment = loadDeploymentFile(path.join(PYTHON_MODEL, 'deployment.yaml')).deployment;
  return renderPrrTemplate({
    ...EXPECTED,
    date: '2026-11-28',
    deployment,
    policy: examplePolicy(),
  });
}

/** The template with every box ticked and every approver signed. */
function signedReview(): string {
  return template()
    .replace(/- \[ \]/g, '- [x]')
    .replace(
      /^\| (Data Science Lead|ML Engineering Lead|Platform Lead|Product Manager) \| \| \| \|$/gm,
      (_m, role: string) => `| ${role} | A. Lead | /signed/ | 2026-11-28 |`,
    );
}

describe('the review template', () => {
  it.each([
    // One label per checklist item of the six sections, the date and the approvers.
    'Date: ',
    'Structured JSON logging',
    'Log level in production: INFO',
    'Request/response payloads: logged with PII redaction',
    'Correlation ids propagated in: X-Request-Id',
    'Latency histogram: p50, p95, p99',
    'Request count exposed',
    'Error rate exposed',
    'Business metrics exposed',
    'Dashboards: ',
    'Alarms paged through PagerDuty: ',
    'Runbook: ',
    'Training code commit: 9a1c3e5b',
    'Inference code commit: 4015b57a',
    'Image (by digest): ',
    'Training data version: dvc:',
    'Feature definitions: https://',
    'Test dataset preserved: s3://',
    'Model artifact in the registry: s3://',
    'Model card: MODEL_CARD.md',
    'Hyperparameters documented: ',
    'Target throughput: 300 QPS',
    'Load test results: load-test.json',
    'p99 latency SLA (the load test must stay under it): 150 ms',
    'Memory request: 4Gi',
    'Memory limit: 8Gi',
    'CPU request: 2',
    'GPU: none',
    'Instances: min 2, max 8',
    'Scale-up threshold: 70%',
    'Scale-down stabilization: 300 s',
    '| Feature store | return cached value | ✅ |',
    'Circuit breaker: opens at 50% failures for 30 s',
    'Timeout: 300 ms',
    'Retry policy: 3 attempts, exponential-jitter backoff',
    'Previous version deployable in under 5 minutes: 4 min (blue-green)',
    'Rollback tested on: 2026-11-01',
    '| Compute (2 x ml.c6i.xlarge) | $0.2/instance-hour | 14,500 | $2,900 |',
    'Cost below budget: $3,200 per month',
    'CostCenter tag applied: CC-1100-RISK',
    'No secrets in the code',
    'IAM role follows least privilege: iam-policy.json',
    'Input validation: yes',
    'Rate limiting: 800 requests/s',
    '| Data Science Lead | | | |',
    '| ML Engineering Lead | | | |',
    '| Platform Lead | | | |',
    '| Product Manager | | | |',
  ])('carries "%s"', (label) => {
    expect(template().replace(/- \[[ x]\] /g, '')).toContain(label);
  });

  it('is signed when every box is ticked and every approver signed', () => {
    // Act
    const problems = reviewProblems(parseReview(signedReview(), 'PRR.md'), EXPECTED);
    // Assess
    expect(problems).toEqual([]);
  });
});

describe('reviewProblems', () => {
  it.each([
    [
      'an unticked manual item',
      (t: string) => t.replace('- [x] Error rate exposed', '- [ ] Error rate exposed'),
      'unticked: 1. Observability: Error rate exposed',
    ],
    [
      "the Product Manager's missing row",
      (t: string) => t.replace(/^\| Product Manager .*$/m, ''),
      'approval missing: Product Manager (no row in the Approvals table)',
    ],
    [
      'an approval without a signature',
      (t: string) =>
        t.replace('| Platform Lead | A. Lead | /signed/ |', '| Platform Lead | A. Lead | |'),
      'approval of Platform Lead lacks signature',
    ],
    [
      'an approval without a date',
      (t: string) =>
        t.replace(
          '| Data Science Lead | A. Lead | /signed/ | 2026-11-28 |',
          '| Data Science Lead | A. Lead | /signed/ | soon |',
        ),
      'approval of Data Science Lead lacks date (YYYY-MM-DD)',
    ],
    [
      'no review date',
      (t: string) => t.replace(/^Date: .*$/m, ''),
      'PRR.md has no review date (Date: YYYY-MM-DD)',
    ],
    [
      'another version',
      (t: string) => t.replace('fraud_detection 3.2.0', 'fraud_detection 3.1.0'),
      'PRR.md does not name version 3.2.0 in its title',
    ],
  ])('reports %s', (_name, edit, expected) => {
    // Act
    const problems = reviewProblems(parseReview(edit(signedReview()), 'PRR.md'), EXPECTED);
    // Assess
    expect(problems).toEqual([expected]);
  });

  it('requires the four approvers of the chapter', () => {
    expect(REQUIRED_APPROVERS).toEqual([
      'Data Science Lead',
      'ML Engineering Lead',
      'Platform Lead',
      'Product Manager',
    ]);
  });
});

describe('the review gate', () => {
  it('passes the sign-off check with the signed review', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    // Act
    const report = await review(dir, { review: parseReview(signedReview(), 'PRR.md') });
    // Assess
    expect(statusOf(report, 'review-signoff')).toBe('pass');
    expect(report.verdict).toBe('pass');
  });

  it('fails the review when an approval is missing', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    const text = signedReview().replace(/^\| Product Manager .*$/m, '');
    // Act
    const report = await review(dir, { review: parseReview(text, 'PRR.md') });
    // Assess
    expect(statusOf(report, 'review-signoff')).toBe('fail');
    expect(report.verdict).toBe('fail');
  });

  it('makes the signed review mandatory under operating model B', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    const base = examplePolicy();
    const policy = { ...base, contracts: { ...base.contracts, operatingModel: 'B' as const } };
    // Act
    const report = await review(dir, {}, policy);
    // Assess
    expect(statusOf(report, 'review-signoff')).toBe('fail');
  });

  it('accepts secret-scan exceptions only when the signed review lists them', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    writeFileSync(
      path.join(dir, 'src', 'fixture_token.py'),
      `TOKEN = "${'Zx8Qm2Lp'}${'9Vr4Tn7K'}"\n`,
    );
    editDeployment(dir, (doc) => doc.setIn(['secretScan', 'ignorePaths'], ['src/fixture_*.py']));
    const deployment = loadDeploymentFile(path.join(dir, 'deployment.yaml')).deployment;
    const listed = signedReview().replace(
      "## Secret-scan exceptions\n\nSigning this review accepts these entries of the deployment file's `secretScan`:\n\nNone.",
      '## Secret-scan exceptions\n\n- `ignorePaths: src/fixture_*.py`',
    );
    // Act
    const unsigned = await review(dir);
    const signed = await review(dir, { review: parseReview(listed, 'PRR.md') });
    // Assess
    expect(deployment.secretScan?.ignorePaths).toEqual(['src/fixture_*.py']);
    expect(statusOf(unsigned, 'secret-allowlist')).toBe('fail');
    expect(statusOf(unsigned, 'secrets')).toBe('pass');
    expect(statusOf(signed, 'secret-allowlist')).toBe('pass');
  });
});
