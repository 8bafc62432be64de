import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { DeploymentSchema, loadDeploymentFile } from '../../lib/contracts/deployment';
import { PRR_CHECKS } from '../../lib/contracts/prr/index';
import {
  captureIo,
  copyFixture,
  editDeployment,
  POLICY_FILE,
  PYTHON_MODEL,
  removeCopies,
  TS_MODEL,
} from '../contracts/helpers';

afterEach(removeCopies);

const check = (dir: string, ...extra: string[]) => [
  'prr',
  'check',
  dir,
  '--policy',
  POLICY_FILE,
  ...extra,
];

describe('guardrails prr check', () => {
  it.each([
    ['Python', PYTHON_MODEL],
    ['TypeScript', TS_MODEL],
  ])('exits 0 for the passing %s model and prints the Markdown report', async (_n, fixture) => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(check(fixture), c.io);
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toContain('**Verdict: ✅ ready**');
    expect(c.out()).toContain('## Blocking issues\n\nNone.');
  });

  it('exits 1 on a blocking failure and lists it', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    writeFileSync(
      path.join(dir, 'iam-policy.json'),
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    );
    const c = captureIo();
    // Act
    const code = await main(check(dir), c.io);
    // Assess
    expect(code).toBe(1);
    expect(c.out()).toContain('| ❌ | IAM policy without wildcard actions | yes |');
    expect(c.out()).toContain('- ❌ **IAM policy without wildcard actions** (`iam`)');
    expect(c.out()).toContain('  - iam-policy.json statement 0: wildcard action "s3:*"');
  });

  it('exits 0 when only an advisory check fails', async () => {
    // Prepare
    const dir = copyFixture(TS_MODEL);
    editDeployment(dir, (doc) => doc.deleteIn(['observability', 'dashboards']));
    const c = captureIo();
    // Act
    const code = await main(check(dir), c.io);
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toContain('| ⚠️ | Dashboard links | no |');
  });

  it('prints JSON with --format json, with the same exit code', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    editDeployment(dir, (doc) => doc.setIn(['cost', 'monthlyEstimateUsd'], 50_000));
    const c = captureIo();
    // Act
    const code = await main(check(dir, '--format', 'json'), c.io);
    // Assess
    expect(code).toBe(1);
    const report = JSON.parse(c.out());
    expect(report).toMatchObject({
      ok: false,
      verdict: 'fail',
      model: { name: 'fraud_detection', version: '3.2.0' },
      // The line items no longer add up to the estimate either.
      blockingIssues: [
        { id: 'cost', status: 'fail', blocking: true },
        { id: 'cost-attribution', status: 'fail', blocking: true },
      ],
    });
    expect(report.checks).toHaveLength(PRR_CHECKS.length);
  });

  it('refuses evidence files that --deployment places outside the model directory', async () => {
    // Prepare: the deployment file and its evidence live outside the code folder.
    const deployDir = copyFixture(PYTHON_MODEL);
    const c = captureIo();
    // Act
    const code = await main(
      check(
        path.join(deployDir, 'src'),
        '--deployment',
        path.join(deployDir, 'deployment.yaml'),
        '--json',
      ),
      c.io,
    );
    // Assess
    expect(code).toBe(1);
    const report = JSON.parse(c.out());
    expect(report.modelDir).toBe(path.join(deployDir, 'src'));
    expect(report.checks.find((x: { id: string }) => x.id === 'iam').details).toEqual([
      'iamPolicy iam-policy.json: is outside the model directory: only files of the reviewed model are read',
    ]);
  });

  it('exits 1 with file:line problems for an invalid deployment file', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    editDeployment(dir, (doc) => doc.setIn(['resources', 'limits', 'cpu'], 'lots'));
    const c = captureIo();
    // Act
    const code = await main(check(dir), c.io);
    // Assess
    expect(code).toBe(1);
    expect(c.err()).toMatch(/deployment\.yaml:\d+ resources\.limits\.cpu: must be a CPU quantity/);
    expect(c.out()).toBe('');
  });

  it('exits 1 when the deployment file is missing', async () => {
    // Prepare
    const c = captureIo();
    // Act / Assess
    expect(await main(check('/nonexistent-model'), c.io)).toBe(1);
    expect(c.err()).toContain('model directory /nonexistent-model not found');
  });

  it('explains what the deployment file is and how to create one for an empty model folder', async () => {
    // Prepare
    const dir = path.join(copyFixture(PYTHON_MODEL), 'empty');
    mkdirSync(dir);
    const c = captureIo();
    // Act
    const code = await main(check(dir), c.io);
    // Assess
    expect(code).toBe(1);
    expect(c.err()).toContain('deployment.yaml declares what the review checks');
    expect(c.err()).toContain(
      'guardrails prr init --model <name> --version <v> --deployment-output',
    );
  });

  it('refuses a deployment.yaml that links outside the model directory without parsing it', async () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    rmSync(path.join(dir, 'deployment.yaml'));
    symlinkSync('/etc/passwd', path.join(dir, 'deployment.yaml'));
    const c = captureIo();
    // Act
    const code = await main(check(dir, '--json'), c.io);
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(c.out()).errors).toEqual([
      {
        code: 'failed',
        message: `${path.join(dir, 'deployment.yaml')} links outside the model directory: only files of the reviewed model are read`,
      },
    ]);
    expect(c.out()).not.toContain('root:');
  });

  it('prints one JSON document with ok false when the deployment file is missing', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(check('/nonexistent-model', '--json'), c.io);
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(c.out())).toEqual({
      ok: false,
      errors: [{ code: 'failed', message: 'model directory /nonexistent-model not found' }],
    });
  });

  it('prints a compact list with --format list', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(check(copyFixture(PYTHON_MODEL), '--format', 'list'), c.io);
    // Assess
    expect(code).toBe(0);
    expect(c.out().split('\n')[0]).toBe(
      'PRR fraud_detection 3.2.0 (fraud-detection): ready · 22 passed, 1 warnings, 0 failed',
    );
    expect(c.out()).toMatch(/^✓ secrets +No secrets in the code$/m);
  });

  it.each([
    [['prr', 'check'], 'the model directory is required'],
    [['prr', 'check', 'a', 'b'], 'one model directory expected (got 2)'],
    [['prr', 'check', 'a', '--format', 'html'], '--format must be list, markdown or json'],
    [['prr', 'check', 'a', '--nope'], "Unknown option '--nope'"],
  ])('exits 2 on a usage error: %j', async (argv, message) => {
    // Prepare
    const c = captureIo();
    // Act / Assess
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err()).toContain(message);
  });
});

describe('guardrails prr init', () => {
  it('fills the review from the deployment file and the policy', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(
      [
        'prr',
        'init',
        '--model',
        'fraud_detection',
        '--version',
        '3.2.0',
        '--deployment',
        path.join(PYTHON_MODEL, 'deployment.yaml'),
        '--policy',
        POLICY_FILE,
      ],
      c.io,
    );
    // Assess
    const md = c.out();
    expect(code).toBe(0);
    expect(md).toMatch(/^# Production Readiness Review: fraud_detection 3\.2\.0\n/);
    for (const section of [
      '1. Observability',
      '2. Reproducibility',
      '3. Scalability and performance',
      '4. Failure modes',
      '5. Cost estimate',
      '6. Security',
      'Secret-scan exceptions',
      'Approvals',
    ])
      expect(md).toContain(`\n## ${section}\n`);
    expect(md).toContain('- [x] Runbook: https://runbooks.example.com/ml/fraud-detection');
    expect(md).toContain('- [x] Inference code commit: 4015b57a143aec5156fd1444a017a32137a3fd0f');
    expect(md).toContain('- [x] p99 latency SLA (the load test must stay under it): 150 ms');
    expect(md).toContain(
      '- [x] Cost below budget: $3,200 per month (32.0% of the fraud-detection budget of $10,000)',
    );
    expect(md).toContain('- [x] Owning team: ml-engineering');
    expect(md).toMatch(/^Date: \d{4}-\d{2}-\d{2}$/m);
    expect(md).toContain('| Role | Name | Signature | Date |');
    expect(md).toContain('| ML Engineering Lead | | | |');
    expect(md).toContain('| Product Manager | | | |');
    expect(c.err()).toBe('');
  });

  it('leaves unknown values as open checkboxes without a deployment file', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(
      ['prr', 'init', '--model', 'm', '--version', '1', '--policy', POLICY_FILE],
      c.io,
    );
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toContain('- [ ] Runbook: _runbook link (guardrails runbook init)_');
    expect(c.out()).toContain('- [ ] Image (by digest): _<repository>@sha256:<digest>_');
    expect(c.out()).not.toContain('- [x]');
  });

  it('refuses a deployment file that describes another model version', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(
      [
        'prr',
        'init',
        '--model',
        'fraud_detection',
        '--version',
        '9.9.9',
        '--deployment',
        path.join(PYTHON_MODEL, 'deployment.yaml'),
        '--policy',
        POLICY_FILE,
      ],
      c.io,
    );
    // Assess
    expect(code).toBe(2);
    expect(c.err()).toContain('describes fraud_detection 3.2.0, not fraud_detection 9.9.9');
    expect(c.out()).toBe('');
  });

  it('scaffolds a commented deployment file that the review reads', async () => {
    // Prepare
    const dir = copyFixture(TS_MODEL);
    const out = path.join(dir, 'new-deployment.yaml');
    const c = captureIo();
    // Act
    const code = await main(
      [
        'prr',
        'init',
        '--model',
        'churn_prediction',
        '--version',
        '1.0.0',
        '--project',
        'churn-prediction',
        '--policy',
        POLICY_FILE,
        '--deployment-output',
        out,
      ],
      c.io,
    );
    // Assess: it parses, names every section the checks read, and explains each field.
    expect(code).toBe(0);
    const { deployment } = loadDeploymentFile(out);
    expect(deployment.model).toEqual({ name: 'churn_prediction', version: '1.0.0' });
    expect(Object.keys(deployment).sort()).toEqual(
      Object.keys(DeploymentSchema.shape)
        .filter((k) => k !== 'secretScan')
        .sort(),
    );
    expect(readFileSync(out, 'utf8')).toMatch(/# secretScan:/);
  });

  it('exits 2 with a clear message when --output names a missing folder', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(
      [
        'prr',
        'init',
        '--model',
        'm',
        '--version',
        '1',
        '--policy',
        POLICY_FILE,
        '--output',
        '/no/such/folder/PRR.md',
      ],
      c.io,
    );
    // Assess
    expect(code).toBe(2);
    expect(c.err()).toContain(
      'cannot write /no/such/folder/PRR.md: folder /no/such/folder does not exist',
    );
  });

  it('writes --output and never overwrites without --force', async () => {
    // Prepare
    const dir = copyFixture(TS_MODEL);
    const out = path.join(dir, 'PRR.md');
    const argv = [
      'prr',
      'init',
      '--deployment',
      path.join(dir, 'deployment.yaml'),
      '--policy',
      POLICY_FILE,
      '--output',
      out,
    ];
    // Act
    const first = await main(argv, captureIo().io);
    writeFileSync(out, 'reviewer notes');
    const c = captureIo();
    const second = await main(argv, c.io);
    // Assess
    expect(first).toBe(0);
    expect(second).toBe(2);
    expect(c.err()).toContain('PRR.md exists; pass --force to overwrite it');
    expect(readFileSync(out, 'utf8')).toBe('reviewer notes');
    expect(await main([...argv, '--force'], captureIo().io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(
      /^# Production Readiness Review: dynamic_pricing 1\.4\.0/,
    );
  });

  it('exits 2 without a model and version', async () => {
    // Prepare
    const c = captureIo();
    // Act / Assess
    expect(await main(['prr', 'init', '--policy', POLICY_FILE], c.io)).toBe(2);
    expect(c.err()).toContain('--model and --version are required');
    expect(existsSync('PRR.md')).toBe(false);
  });
});

describe('the guardrails binary', () => {
  it('gates CI: the process exits 1 on a blocking failure and 0 on a pass', async () => {
    // Prepare
    const { spawnSync } = await import('node:child_process');
    const tsx = path.join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const bin = path.join(__dirname, '..', '..', 'bin', 'guardrails-cli.ts');
    const dir = copyFixture(TS_MODEL);
    const run = () =>
      spawnSync(
        process.execPath,
        [tsx, bin, 'prr', 'check', dir, '--policy', POLICY_FILE, '--json'],
        {
          encoding: 'utf8',
        },
      );
    // Act
    const passing = run();
    writeFileSync(
      path.join(dir, 'iam-policy.json'),
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    );
    const failing = run();
    // Assess
    expect(passing.status).toBe(0);
    expect(failing.status).toBe(1);
    expect(JSON.parse(failing.stdout).blockingIssues.map((c: { id: string }) => c.id)).toEqual([
      'iam',
    ]);
  });
});
