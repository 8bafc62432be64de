import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { editedExample } from '../helpers/policy-factory';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

/** Run bin/guardrails.ts as `cdk synth` does: context in CDK_CONTEXT_JSON, output dir in CDK_OUTDIR. */
async function synth(policyFile: string) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'synth-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // cdk.json's context (feature flags) as the CLI passes it; bundling is skipped here.
    CDK_CONTEXT_JSON: JSON.stringify({
      ...(JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: object })
        .context,
      config: policyFile,
      'aws:cdk:bundling-stacks': [],
    }),
    CDK_OUTDIR: outdir,
    // As the CDK CLI does with no AWS configuration: a default region, no account.
    CDK_DEFAULT_REGION: 'us-east-1',
  };
  delete env.CDK_DEFAULT_ACCOUNT;
  try {
    const { stdout, stderr } = await run(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'bin', 'guardrails.ts')],
      { env, cwd: ROOT },
    );
    return { code: 0, stdout, stderr, outdir };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, outdir };
  }
}

describe('bin/guardrails.ts (the app cdk synth runs)', () => {
  it('synthesizes the policy named by -c config', async () => {
    const result = await synth('config/guardrails.yaml');
    expect(result.code).toBe(0);
    expect(readdirSync(result.outdir)).toContain('MlGuardrails-AutoStop.template.json');
    // cdk-nag reports through the validation report, which makes `cdk synth` fail: it is clean.
    const report = JSON.parse(
      readFileSync(path.join(result.outdir, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: { violations: { ruleName: string }[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName))).toEqual([]);
  });

  it('fails with exit code 1, every problem with file:line, and synthesizes nothing for an invalid policy', async () => {
    // Prepare
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'policy-')), 'bad.yaml');
    writeFileSync(
      file,
      editedExample(
        [['projects', 0, 'monthlyBudgetUsd'], -1],
        [['teams', 1, 'onCall', 'timeZone'], 'Moon/Base'],
      ),
    );
    // Act
    const result = await synth(file);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Invalid guardrails policy .*bad\.yaml \(2 problems\):/);
    expect(result.stderr).toMatch(
      /bad\.yaml:\d+ projects\[0\]\.monthlyBudgetUsd: must be greater than 0 \(got -1\)/,
    );
    expect(result.stderr).toMatch(
      /bad\.yaml:\d+ teams\[1\]\.onCall\.timeZone: unknown IANA time zone "Moon\/Base"/,
    );
    expect(readdirSync(result.outdir)).toEqual([]);
  });
});
