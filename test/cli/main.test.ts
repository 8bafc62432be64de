import { describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/cli/command';
import { main } from '../../lib/cli/main';
import { runCli } from '../helpers/cli';

describe('guardrails (router)', () => {
  it('lists the commands with --help and exits 0', async () => {
    const run = await runCli('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: guardrails <command> \[options\]/);
    expect(run.stdout).toMatch(/\n {2}validate +Check a guardrails policy/);
  });

  it('prints help and exits 2 with no command', async () => {
    const run = await runCli();
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/Commands:/);
  });

  it('names an unknown command on stderr and exits 2', async () => {
    const run = await runCli('deploy', 'everything');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^guardrails: unknown command "deploy everything"/);
  });

  it("prints a command's usage with --help", async () => {
    const run = await runCli('validate', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: guardrails validate \[file\]/);
  });

  it('rejects an unknown option with the command usage and exit 2', async () => {
    const run = await runCli('validate', '--frobnicate');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^guardrails validate: Unknown option '--frobnicate'/);
    expect(run.stderr).toMatch(/Usage: guardrails validate/);
  });

  it('turns a UsageError into exit 2 and lets other errors escape', async () => {
    const io = { out: () => {}, err: () => {} };
    const failing = (error: Error) => [
      {
        path: ['x'],
        summary: 's',
        usage: 'Usage: x',
        run: async () => {
          throw error;
        },
      },
    ];
    expect(await main(['x'], io, failing(new UsageError('bad')))).toBe(2);
    await expect(main(['x'], io, failing(new Error('boom')))).rejects.toThrow('boom');
  });

  it('picks the longest matching command path', async () => {
    const calls: string[] = [];
    const cmd = (path: string[]) => ({
      path,
      summary: '',
      usage: '',
      run: async (args: string[]) => {
        calls.push(`${path.join(' ')}|${args.join(' ')}`);
        return 0;
      },
    });
    await main(['prr', 'check', 'dir'], { out: () => {}, err: () => {} }, [
      cmd(['prr']),
      cmd(['prr', 'check']),
    ]);
    expect(calls).toEqual(['prr check|dir']);
  });
});
