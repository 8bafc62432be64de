import { describe, expect, it } from 'vitest';
import type { PrrReport } from '../../../lib/contracts/prr/index';
import { renderPrrJson, renderPrrMarkdown } from '../../../lib/contracts/prr/render';

const report: PrrReport = {
  model: { name: 'fraud_detection', version: '3.2.0' },
  project: 'fraud-detection',
  deploymentFile: 'models/fraud/deployment.yaml',
  modelDir: 'models/fraud',
  verdict: 'fail',
  counts: { pass: 1, warn: 1, fail: 1 },
  checks: [
    {
      id: 'runbook',
      title: 'Runbook link',
      blocking: true,
      status: 'pass',
      details: ['https://r.example.com/x'],
    },
    {
      id: 'dashboards',
      title: 'Dashboard links',
      blocking: false,
      status: 'warn',
      details: ['observability.dashboards is empty or missing'],
    },
    {
      id: 'iam',
      title: 'IAM policy without wildcard actions',
      blocking: true,
      status: 'fail',
      details: [
        'iam.json statement 0: wildcard action "s3:*"',
        'iam.json statement 1: wildcard action "*"',
      ],
    },
  ],
  blockingIssues: [],
};
const failing = { ...report, blockingIssues: [report.checks[2] as PrrReport['checks'][number]] };

describe('renderPrrMarkdown', () => {
  it('renders the verdict, a table with ✅ / ⚠️ / ❌ and the blocking issues', () => {
    // Act
    const md = renderPrrMarkdown(failing);
    // Assess
    expect(md).toBe(
      [
        '# Production Readiness Review: fraud_detection 3.2.0',
        '',
        'Project `fraud-detection` · deployment `models/fraud/deployment.yaml` · code `models/fraud`',
        '',
        '**Verdict: ❌ not ready** (1 passed, 1 warnings, 1 failed)',
        '',
        '| | Check | Blocking | Details |',
        '| :---: | --- | :---: | --- |',
        '| ✅ | Runbook link | yes | https://r.example.com/x |',
        '| ⚠️ | Dashboard links | no | observability.dashboards is empty or missing |',
        '| ❌ | IAM policy without wildcard actions | yes | iam.json statement 0: wildcard action "s3:*"; iam.json statement 1: wildcard action "*" |',
        '',
        '## Blocking issues',
        '',
        '- ❌ **IAM policy without wildcard actions** (`iam`)',
        '  - iam.json statement 0: wildcard action "s3:*"',
        '  - iam.json statement 1: wildcard action "*"',
        '',
        '## Warnings',
        '',
        '- ⚠️ **Dashboard links** (`dashboards`, advisory)',
        '  - observability.dashboards is empty or missing',
      ].join('\n'),
    );
  });

  it('says there are no blocking issues on a passing review', () => {
    // Act
    const md = renderPrrMarkdown({ ...report, verdict: 'pass', checks: report.checks.slice(0, 1) });
    // Assess
    expect(md).toContain('**Verdict: ✅ ready**');
    expect(md).toContain('## Blocking issues\n\nNone.');
    expect(md).not.toContain('## Warnings');
  });

  it('escapes pipes so a detail cannot break the table', () => {
    // Prepare
    const withPipe = {
      ...report,
      checks: [{ ...(report.checks[0] as PrrReport['checks'][number]), details: ['a | b'] }],
    };
    // Act / Assess
    expect(renderPrrMarkdown(withPipe)).toContain('| a \\| b |');
  });
});

describe('renderPrrJson', () => {
  it('round-trips the whole report', () => {
    expect(JSON.parse(renderPrrJson(failing))).toEqual({ ok: false, ...failing });
  });
});

describe('renderPrrMarkdown escaping', () => {
  it('escapes angle brackets so GitHub does not swallow them as HTML', () => {
    // Prepare
    const check = {
      id: 'versioning',
      title: 'Versioning',
      blocking: true,
      status: 'fail' as const,
      details: ['use <repository>@sha256:<64 hex>'],
    };
    // Act
    const md = renderPrrMarkdown({ ...report, checks: [check], blockingIssues: [check] });
    // Assess
    expect(md).toContain('| use &lt;repository&gt;@sha256:&lt;64 hex&gt; |');
    expect(md).toContain('  - use &lt;repository&gt;@sha256:&lt;64 hex&gt;');
  });
});
