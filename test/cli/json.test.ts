import { describe, expect, it } from 'vitest';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';
import { runCli } from '../helpers/cli';

const P = ['--policy', EXAMPLE_POLICY_FILE];

describe('--json on failure: stdout holds exactly one JSON document', () => {
  it.each([
    [['validate', '/nonexistent/policy.yaml'], 1, 'invalid-file'],
    [['auto-stop', 'plan', ...P], 2, 'usage'],
    [['auto-stop', 'plan', '--message', '/nonexistent/m.txt', ...P], 1, 'failed'],
    [['endpoints', 'restore', '--table', 'audit', ...P], 2, 'usage'],
    [['tag-compliance', 'audit', '--project', 'nope', ...P], 2, 'usage'],
    [['paging', 'route', ...P], 2, 'usage'],
    [['paging', 'route', '--event', '/nonexistent/e.json', ...P], 1, 'failed'],
    [['raci', '--owner', 'Baking', ...P], 2, 'usage'],
    [['prr', 'init', ...P], 2, 'usage'],
    [['prr', 'check', '/nonexistent-model', ...P], 1, 'failed'],
    [['api-contract', 'check'], 2, 'usage'],
    [['api-contract', 'check', '/nonexistent/c.yaml'], 1, 'invalid-file'],
    [['deploy'], 2, 'usage'],
    [['validate', '--frobnicate'], 2, 'usage'],
  ])(
    '%j exits %i with {"ok": false, "errors": [{"code": "%s", ...}]}',
    async (argv, exitCode, code) => {
      // Act
      const run = await runCli(...argv, '--json');
      // Assess
      expect(run.code).toBe(exitCode);
      const doc = JSON.parse(run.stdout);
      expect(doc).toMatchObject({ ok: false });
      expect(doc.errors.length).toBeGreaterThan(0);
      expect(doc.errors[0]).toMatchObject({ code, message: expect.any(String) });
      // People still read the reason on stderr; it is never a stack trace.
      expect(run.stderr).not.toBe('');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('prints the command document on success', async () => {
    const run = await runCli('raci', ...P, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ activities: { title: 'Activity ownership' } });
  });
});
