import { describe, expect, it, vi } from 'vitest';
import { type CommandEntry, type CommandModule, UsageError } from '../../lib/cli/command';
import { COMMANDS, main } from '../../lib/cli/main';
import { runCli } from '../helpers/cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const entry = (path: string[], module: CommandModule): CommandEntry => ({
  path,
  summary: `summary of ${path.join(' ')}`,
  load: async () => module,
});

describe('guardrails (router)', () => {
  it('lists the commands and the global options with --help and exits 0', async () => {
    const run = await runCli('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: guardrails <command> \[options\]/);
    expect(run.stdout).toMatch(/\n {2}validate +Check one or more guardrails policy files/);
    for (const option of ['--policy <file>', '--json', '--region <region>', '--profile <name>'])
      expect(run.stdout).toContain(`  ${option}`);
    expect(run.stdout).toContain('Exit codes: 0 ok, 1 findings or failure, 2 usage error.');
  });

  it('lists the commands with exit 0 when run without a command', async () => {
    const run = await runCli();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Commands:/);
    expect(run.stderr).toBe('');
  });

  it('lists the commands of a group with exit 0', async () => {
    const run = await runCli('prr');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'Usage: guardrails prr <command> [options]',
      '',
      'Commands:',
      expect.stringMatching(/^ {2}prr init +Write a Production Readiness Review/),
      expect.stringMatching(/^ {2}prr check +Run the Production Readiness Review; exit 1/),
    ]);
  });

  it('prints the package version with --version', async () => {
    const run = await runCli('--version');
    expect(run).toEqual({ code: 0, stdout: '0.1.0', stderr: '' });
  });

  it("shows a command's help for `guardrails help <command>`", async () => {
    const run = await runCli('help', 'validate');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: guardrails validate \[options\] \[files\.\.\.\]/);
  });

  it('names an unknown command on stderr and exits 2', async () => {
    const run = await runCli('deploy', 'everything');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'guardrails: unknown command "deploy everything"; run `guardrails --help` for the list of commands',
    );
  });

  it("prints a command's generated help with its options and the global ones", async () => {
    const run = await runCli('paging', 'route', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: guardrails paging route \[options\]/);
    expect(run.stdout).toMatch(/--event <file> +the alarm JSON/);
    expect(run.stdout).toMatch(/--profile <name> +AWS profile/);
  });

  it('rejects an unknown option in one line naming the help, with exit 2', async () => {
    const run = await runCli('validate', '--frobnicate');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "guardrails validate: Unknown option '--frobnicate' (see `guardrails validate --help`)",
    );
  });

  it('rejects arguments a command does not take, with exit 2', async () => {
    const run = await runCli('raci', 'extra');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^guardrails raci: unexpected argument "extra"/);
  });

  it('accepts the old spellings of renamed commands with a note naming the new one', async () => {
    const run = await runCli('tags', 'audit', '--help');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'note: `guardrails tags audit` is now `guardrails tag-compliance audit`',
    );
    expect(run.stdout).toMatch(/^Usage: guardrails tag-compliance audit/);
  });

  it('maps UsageError to 2, an expected failure to 1 and an unexpected error to 1 without a stack', async () => {
    // Prepare
    const failing = (error: Error) => ({
      commands: [
        entry(['x'], {
          run: async () => {
            throw error;
          },
        }),
      ],
    });
    const usage = capture();
    const unexpected = capture();
    // Act
    const usageCode = await main(['x'], usage.io, failing(new UsageError('bad')));
    const unexpectedCode = await main(['x'], unexpected.io, failing(new Error('boom')));
    // Assess
    expect(usageCode).toBe(2);
    expect(unexpectedCode).toBe(1);
    expect(unexpected.err).toEqual([
      'guardrails x: unexpected error: boom (run again with --debug for details)',
    ]);
  });

  it('prints the stack of an unexpected error with --debug', async () => {
    const c = capture();
    const commands = [
      entry(['x'], {
        run: async () => {
          throw new Error('boom');
        },
      }),
    ];
    expect(await main(['x', '--debug'], c.io, { commands })).toBe(1);
    expect(c.err.join('\n')).toMatch(/Error: boom\n\s+at /);
  });

  it('picks the longest matching command path and passes the rest as arguments', async () => {
    const calls: string[] = [];
    const cmd = (path: string[]) =>
      entry(path, {
        arguments: [{ name: 'dir', description: 'd' }],
        run: async ({ args }) => {
          calls.push(`${path.join(' ')}|${args.join(' ')}`);
          return { exitCode: 0 };
        },
      });
    await main(['prr', 'check', 'dir'], capture().io, {
      commands: [cmd(['prr']), cmd(['prr', 'check'])],
    });
    expect(calls).toEqual(['prr check|dir']);
  });

  it('resolves the global options anywhere on the line and hands the rest to the command', async () => {
    // Prepare
    const seen: unknown[] = [];
    const commands = [
      entry(['x'], {
        options: [{ flags: '--dry-run', description: 'd' }],
        run: async ({ options, global }) => {
          seen.push(options, global);
          return { exitCode: 0, text: 'done' };
        },
      }),
    ];
    const env: NodeJS.ProcessEnv = {};
    // Act
    const code = await main(
      ['--policy', 'p.yaml', 'x', '--dry-run', '--region', 'eu-central-1', '--profile', 'ci'],
      capture().io,
      { commands, env },
    );
    // Assess
    expect(code).toBe(0);
    expect(seen).toEqual([
      { dryRun: true },
      {
        policyFile: 'p.yaml',
        policyExplicit: true,
        json: false,
        debug: false,
        region: 'eu-central-1',
        profile: 'ci',
      },
    ]);
    // The SDK's standard chain reads these, so every client follows --region and --profile.
    expect(env).toMatchObject({ AWS_REGION: 'eu-central-1', AWS_PROFILE: 'ci' });
  });

  it('collects a repeatable option into a list', async () => {
    const seen: unknown[] = [];
    const commands = [
      entry(['x'], {
        options: [{ flags: '--tag <key=value>', description: 't', repeatable: true }],
        run: async ({ options }) => {
          seen.push(options.tag);
          return { exitCode: 0 };
        },
      }),
    ];
    await main(['x', '--tag', 'a=1', '--tag', 'b=2'], capture().io, { commands });
    expect(seen).toEqual([['a=1', 'b=2']]);
  });

  it('takes the policy from GUARDRAILS_POLICY_FILE when --policy is not given', async () => {
    const seen: string[] = [];
    const commands = [
      entry(['x'], {
        run: async ({ global }) => {
          seen.push(global.policyFile);
          return { exitCode: 0 };
        },
      }),
    ];
    await main(['x'], capture().io, { commands, env: { GUARDRAILS_POLICY_FILE: 'env.yaml' } });
    expect(seen).toEqual(['env.yaml']);
  });

  it('prints progress as plain stderr lines, a status line on a terminal, and nothing with --json', async () => {
    // Prepare
    const commands = [
      entry(['x'], {
        run: async ({ io }) => {
          io.progress('step 1/2');
          io.progress('step 2/2');
          return { exitCode: 0, text: 'done', json: { ok: true } };
        },
      }),
    ];
    const plain = capture();
    const json = capture();
    const status = vi.fn();
    const tty = { ...capture().io, stderrIsTTY: true, status };
    // Act
    await main(['x'], plain.io, { commands });
    await main(['x', '--json'], json.io, { commands });
    await main(['x'], tty, { commands });
    // Assess
    expect(plain.err).toEqual(['step 1/2', 'step 2/2']);
    expect(json.err).toEqual([]);
    expect(json.out).toEqual([JSON.stringify({ ok: true }, null, 2)]);
    expect(status.mock.calls).toEqual([['| step 1/2'], ['/ step 2/2'], ['']]);
  });

  it('declares every command once, with a summary, and loads each module', async () => {
    const names = COMMANDS.map((c) => c.path.join(' '));
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) {
      expect(c.summary).not.toBe('');
      expect(typeof (await c.load()).run).toBe('function');
    }
  });
});
