/**
 * The `guardrails` command router: picks the longest matching command path, prints help,
 * and turns known errors into clear messages and exit codes (0 ok, 1 failed check, 2 usage).
 */
import { PolicyValidationError } from '../config/load';
import { type CliCommand, type CliIo, UsageError } from './command';
import { apiContractCheckCommand } from './commands/api-contract';
import { autoStopPlanCommand } from './commands/auto-stop-plan';
import { contractsCommand } from './commands/contracts';
import { prrCheckCommand, prrInitCommand } from './commands/prr';
import { raciCommand } from './commands/raci';
import { restoreCommand } from './commands/restore';
import { routeCommand } from './commands/route';
import { runbookCheckCommand, runbookInitCommand } from './commands/runbook';
import { tagsAuditCommand } from './commands/tags-audit';
import { validateCommand } from './commands/validate';

/** Every command the CLI offers; a new command is one module and one line here. */
export const COMMANDS: readonly CliCommand[] = [
  validateCommand,
  autoStopPlanCommand,
  routeCommand,
  tagsAuditCommand,
  restoreCommand,
  raciCommand,
  prrInitCommand,
  prrCheckCommand,
  apiContractCheckCommand,
  contractsCommand,
  runbookInitCommand,
  runbookCheckCommand,
];

function help(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'Usage: guardrails <command> [options]',
    '',
    'ml-guardrails: FinOps and incident automation for ML on AWS.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    "Run `guardrails <command> --help` for a command's options.",
  ].join('\n');
}

function findCommand(
  argv: readonly string[],
  commands: readonly CliCommand[],
): CliCommand | undefined {
  return [...commands]
    .sort((a, b) => b.path.length - a.path.length)
    .find((c) => c.path.every((word, i) => argv[i] === word));
}

export async function main(
  argv: string[],
  io: CliIo,
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(help(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const command = findCommand(argv, commands);
  if (!command) {
    io.err(`guardrails: unknown command "${argv.join(' ')}"\n\n${help(commands)}`);
    return 2;
  }
  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof PolicyValidationError) {
      io.err(err.message);
      return 1;
    }
    // parseArgs rejects unknown or malformed options with ERR_PARSE_ARGS_* codes.
    const code = (err as { code?: string }).code ?? '';
    if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`guardrails ${command.path.join(' ')}: ${(err as Error).message}\n\n${command.usage}`);
      return 2;
    }
    throw err;
  }
}
