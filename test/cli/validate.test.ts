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

  it('prints a JSON document with one entry per file with --json', async () => {
    const run = await runCli('validate', EXAMPLE_POLICY_FILE, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: true,
      files: [{ file: EXAMPLE_POLICY_FILE, valid: true, projects: 3, teams: 4, incidentTypes: 8 }],
      errors: [],
    });
  });

  it('checks every file given, and fails when one of them is invalid', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'validate-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, editedExample([['projects', 0, 'monthlyBudgetUsd'], 0]));
    // Act
    const run = await runCli('validate', EXAMPLE_POLICY_FILE, bad, '--json');
    // Assess
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.files.map((f: { file: string; valid: boolean }) => [f.file, f.valid])).toEqual([
      [EXAMPLE_POLICY_FILE, true],
      [bad, false],
    ]);
    expect(doc.errors).toEqual([
      expect.objectContaining({
        code: 'invalid-file',
        file: bad,
        path: 'projects[0].monthlyBudgetUsd',
        message: expect.stringMatching(
          /:\d+ projects\[0\]\.monthlyBudgetUsd: must be greater than 0 \(got 0\)$/,
        ),
      }),
    ]);
  });

  it('validates the --policy file when no file is named', async () => {
    const run = await runCli('validate', '--policy', EXAMPLE_POLICY_FILE);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${EXAMPLE_POLICY_FILE}: valid (3 projects, 4 teams, 8 incident types)`,
    );
  });

  it('reports a missing file in one line with exit 1, and as JSON with --json', async () => {
    const text = await runCli('validate', '/nonexistent/policy.yaml');
    const json = await runCli('validate', '/nonexistent/policy.yaml', '--json');
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(
      '/nonexistent/policy.yaml:1 cannot read the policy: file not found',
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      errors: [{ code: 'invalid-file', file: '/nonexistent/policy.yaml', line: 1 }],
    });
  });

  it('reports a YAML alias bomb as an invalid file, not a crash', async () => {
    // Prepare: each level refers nine times to the one before (a "billion laughs" document).
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'validate-')), 'bomb.yaml');
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
    ])
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    writeFileSync(file, `${levels.join('\n')}\n`);
    // Act
    const run = await runCli('validate', file, '--json');
    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).errors).toEqual([
      expect.objectContaining({
        code: 'invalid-file',
        line: 1,
        message: expect.stringContaining('YAML aliases expand too much'),
      }),
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
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
