/**
 * How a `guardrails` command is declared (the only way; docs/cli.md is the user manual).
 *
 * A command is a module in `commands/` that exports a `CommandModule`, plus one line in the
 * `COMMANDS` table of `main.ts` that gives its words, its one-line summary and a lazy loader
 * (commands load only when chosen, so `guardrails --help` stays fast):
 *
 * ```ts
 * // lib/cli/commands/thing.ts
 * export const thingCommand: CommandModule = {
 *   arguments: [{ name: 'model-dir', description: 'the model folder', required: true }],
 *   options: [
 *     { flags: '--project <id>', description: 'project of the policy (required)' },
 *     { flags: '--dry-run', description: 'change nothing' },          // options.dryRun
 *   ],
 *   help: 'What it does, in prose. Exit code 0 ok, 1 findings, 2 usage.',
 *   aws: true, // region and credentials are checked first; --region and --profile apply
 *   // Input checks that need no AWS run before that check (exit 2, not "no AWS region").
 *   checkInput: ({ options, loadPolicy }) => { requiredProject(options, loadPolicy()); },
 *   async run({ args, options, loadPolicy, io }) {
 *     if (args.length !== 1) throw new UsageError('one model folder expected');  // exit 2
 *     const project = stringOption(options, 'project');
 *     if (!project) throw new UsageError('--project <id> is required');
 *     const result = await runThing(deps, { project, dryRun: flagOption(options, 'dryRun'),
 *       policy: loadPolicy() });
 *     io.progress('thing: 3/10');          // stderr; a status line on a terminal; not with --json
 *     return { exitCode: result.ok ? 0 : 1, text: renderThing(result), json: result };
 *   },
 * };
 *
 * // lib/cli/main.ts, one line in COMMANDS (the `.js` suffix is how TypeScript spells a lazy
 * // import of the .ts module; esbuild and Vitest resolve it):
 * { path: ['thing'], summary: 'One line for the command list',
 *   load: async () => (await import('./commands/thing.js')).thingCommand },
 * ```
 *
 * Arguments: a command that declares none gets none (the router rejects extra words); one that
 * declares some checks their number itself, in its own words. Options: `repeatable: true`
 * collects `--tag a --tag b` into a list. Inputs that people paste (a Budgets message, an alarm,
 * an SNS notification or a Lambda event) go through `input.ts`.
 *
 * The framework owns what every command shares: the global options (`--policy`, `--json`,
 * `--region`, `--profile`, `--debug`, declared once in main.ts), `--help` generated from the
 * declaration, printing (`text` without `--json`, `json` with it: exactly one JSON document on
 * stdout), and errors: a thrown `UsageError` is exit 2, a thrown `CliError`, an invalid YAML
 * file or a known AWS failure (no region, no credentials, no network, throttled, access denied)
 * is one line on stderr and exit 1, and with `--json` the document `{"ok": false, "errors":
 * [...]}`. Never print a stack trace; `--debug` adds it for unexpected errors.
 *
 * Porting a command written against the former `CliCommand { path, summary, usage, run(args,
 * io) }` (a few minutes): move the `parseArgs` options into `options` (drop `--json` and
 * `--policy`: they are global, read `global.json` and `global.policyFile`), the usage prose into
 * `help`, `path` and `summary` into the COMMANDS line; `args` are the positionals; return `{
 * exitCode, text, json }` instead of calling `io.out` (the router prints one or the other);
 * replace `io.err` progress with `io.progress` and warnings with `io.note`; catch nothing just to
 * print it: throw `UsageError` / `CliError` and let YAML and AWS errors through.
 */

import type { GuardrailsPolicy } from '../config/schema';

/** Where a command writes; tests pass their own to capture output without a child process. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** True when stderr is a terminal: progress then rewrites one status line. @default false */
  readonly stderrIsTTY?: boolean;
  /** Rewrites the terminal's status line in place ('' clears it); used when stderrIsTTY. */
  readonly status?: (text: string) => void;
}

/**
 * A positional argument, for the help (`<name>` when required, `[name]` otherwise; `name` ends
 * with `...` for a list). The command checks the number of `args` itself, in its own words; a
 * command that declares no arguments gets none (the router rejects them).
 */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  /** Shown as required in the help. @default false */
  readonly required?: boolean;
}

/** An option as commander spells it: `--project <id>`, `--dry-run`, `--format <markdown|json>`. */
export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  /** Several `--tag a --tag b` values collected into a list. @default false */
  readonly repeatable?: boolean;
}

/** The options every command accepts, resolved. */
export interface GlobalOptions {
  /** `--policy`, else `GUARDRAILS_POLICY_FILE`, else `config/guardrails.yaml`. */
  readonly policyFile: string;
  /** True when the policy file was named (`--policy` or `GUARDRAILS_POLICY_FILE`). */
  readonly policyExplicit: boolean;
  readonly json: boolean;
  readonly region?: string;
  readonly profile?: string;
  readonly debug: boolean;
}

/** Option values by camel-cased name (`--dry-run` is `dryRun`). */
export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

export interface CommandInput {
  /** Positional arguments, in order. */
  readonly args: readonly string[];
  readonly options: OptionValues;
  readonly global: GlobalOptions;
  /**
   * The policy named by `global.policyFile`, loaded and validated on the first call and then
   * kept for the invocation, so `checkInput`, `run` and stack discovery read the file once.
   */
  readonly loadPolicy: () => GuardrailsPolicy;
  readonly io: CommandIo;
}

export interface CommandIo {
  /** Progress for long work: stderr, one rewritten line on a terminal, nothing with --json. */
  readonly progress: (text: string) => void;
  /** Warnings and notes for people: stderr (also with --json, stdout stays one document). */
  readonly note: (text: string) => void;
}

export interface CommandResult {
  /** 0 ok, 1 findings or failure, 2 usage. */
  readonly exitCode: number;
  /** Printed on stdout without --json. */
  readonly text?: string;
  /** Printed on stdout with --json (as one JSON document). */
  readonly json?: unknown;
}

export interface CommandModule {
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  /** Prose shown after the options in `guardrails <command> --help`. */
  readonly help?: string;
  /** Calls AWS: region and credentials are checked first, with a clear error when missing. */
  readonly aws?: boolean;
  /**
   * Checks of the input that need no AWS (required options, ids the policy must know); throws a
   * UsageError. The router runs it before the region and credentials check, so a usage error is
   * never hidden behind a missing region. `run` gets the same input afterwards.
   */
  checkInput?(input: Omit<CommandInput, 'io'>): void;
  run(input: CommandInput): Promise<CommandResult>;
}

/** One entry of the command table: words, summary, and the module loaded on demand. */
export interface CommandEntry {
  /** Words that select the command, e.g. `['auto-stop', 'plan']`. */
  readonly path: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

/** Wrong use of the command line: one line naming the fix, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure (input file, AWS state): one line naming the fix, exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** A string option's value, or undefined. */
export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean flag's value (false when absent). */
export function flagOption(options: OptionValues, name: string): boolean {
  return options[name] === true;
}

/** `--project <id>` when given, checked against the policy's projects (UsageError otherwise). */
export function projectOption(
  options: OptionValues,
  policy: Pick<GuardrailsPolicy, 'projects'>,
): string | undefined {
  const id = stringOption(options, 'project');
  if (id !== undefined && !policy.projects.some((p) => p.id === id))
    throw new UsageError(
      `--project "${id}" is not a project of the policy (${policy.projects.map((p) => p.id).join(', ')})`,
    );
  return id;
}

/** `--project <id>`, required and a project of the policy (UsageError otherwise). */
export function requiredProject(
  options: OptionValues,
  policy: Pick<GuardrailsPolicy, 'projects'>,
): string {
  const id = projectOption(options, policy);
  if (id === undefined) throw new UsageError('--project is required');
  return id;
}
