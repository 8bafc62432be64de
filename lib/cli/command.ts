/**
 * The `guardrails` CLI's command contract. Each command is a module in `commands/` that the
 * router lists; commands write through `io` so tests capture output without a child process.
 */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface CliCommand {
  /** Words that select the command, e.g. `['auto-stop', 'plan']`. */
  readonly path: readonly string[];
  /** One line for `guardrails --help`. */
  readonly summary: string;
  /** Full usage text for `guardrails <command> --help`. */
  readonly usage: string;
  /** Runs with the arguments after the command words; resolves to the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A user error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
