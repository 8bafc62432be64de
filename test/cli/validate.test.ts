import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { editedExample } from '../helpers/policy-factory';

describe('guardrails validate', () => {
  it('accepts the shipped example and summarises it', async () => {
    const run = await runCli('validate', EXAMPLE_POLICY_FILE);
    expect(run).toEqual({
      code: 0,
      stdout: `${EXAMPLE_POLICY_FILE}: valid (3 projects, 4 teams, 8 incident types)`,
      stderr: '',
    });
  });

  it('prints a JSON summary with --json', async () => {
    const run = await runCli('validate', EXAMPLE_POLICY_FILE, '--json');
    expect(JSON.parse(run.stdout)).toEqual({
      file: EXAMPLE_POLICY_FILE,
      valid: true,
      projects: 3,
      teams: 4,
      incidentTypes: 8,
    });
  });

  it('lists every problem with file:line on stderr and exits 1', async () => {
    // Prepare
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'validate-')), 'policy.yaml');
    writeFileSync(
      file,
      editedExample([['projects', 0, 'monthlyBudgetUsd'], 0], [['projects', 1, 'team'], 'nobody']),
    );
    // Act
    const run = await runCli('validate', file);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe(`Invalid guardrails policy ${file} (3 problems):`);
    expect(run.stderr).toMatch(
      new RegExp(
        `\\n${file.replace(/[/.]/g, '\\$&')}:\\d+ projects\\[0\\]\\.monthlyBudgetUsd: must be greater than 0`,
      ),
    );
    expect(run.stderr).toMatch(/:\d+ projects\[1\]\.team: unknown team "nobody"/);
    expect(run.stderr).toMatch(
      /:\d+ projects\[1\]\.team: "nobody" is not an allowed value of Team/,
    );
  });
});
