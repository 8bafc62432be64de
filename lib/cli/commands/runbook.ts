import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { GuardrailsPolicy } from '../../config/schema';
import {
  checkRunbooks,
  DEFAULT_INCIDENT,
  RUNBOOK_SECTIONS,
  RunbookInputError,
  renderRunbook,
  runbookFileName,
} from '../../contracts/runbook';
import {
  type CommandModule,
  type CommandResult,
  flagOption,
  stringOption,
  UsageError,
} from '../command';

/** Default folder of runbooks, next to the policy in a platform repository. */
export const DEFAULT_RUNBOOK_DIR = 'runbooks';

export interface RunbookInitOptions {
  readonly model: string;
  readonly incident: string;
  /** Write here instead of printing; an existing file needs `force`. */
  readonly output?: string;
  readonly force: boolean;
}

/**
 * `runbook init` without the CLI; unknown model or incident and a bad output are usage errors.
 * `written` names the file written with `output`.
 */
export function runRunbookInit(
  policy: GuardrailsPolicy,
  o: RunbookInitOptions,
): CommandResult & { written?: string } {
  let text: string;
  try {
    text = renderRunbook(policy, o.model, o.incident);
  } catch (err) {
    if (err instanceof RunbookInputError) throw new UsageError(err.message);
    throw err;
  }
  const result = { ok: true, model: o.model, incident: o.incident };
  if (o.output === undefined) return { exitCode: 0, text, json: { ...result, document: text } };
  const target =
    existsSync(o.output) && !o.output.endsWith('.md')
      ? path.join(o.output, runbookFileName(o.model, o.incident))
      : o.output;
  if (!existsSync(path.dirname(path.resolve(target))))
    throw new UsageError(`cannot write ${target}: folder ${path.dirname(target)} does not exist`);
  if (existsSync(target) && !o.force)
    throw new UsageError(`${target} exists; pass --force to overwrite it`);
  writeFileSync(target, text);
  return { exitCode: 0, json: { ...result, output: target }, written: target };
}

/** `runbook check` without the CLI. */
export function runRunbookCheck(policy: GuardrailsPolicy, dir: string): CommandResult {
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }))
    : [];
  const problems = checkRunbooks(policy, files);
  const exitCode = problems.length === 0 ? 0 : 1;
  return {
    exitCode,
    json: { ok: exitCode === 0, dir, runbooks: files.map((f) => f.name), problems },
    text:
      problems.length === 0
        ? `${files.length} runbooks in ${dir} cover every model of the policy.`
        : [
            `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dir}:`,
            ...problems.map((p) => `  ✗ ${p.message}`),
          ].join('\n'),
  };
}

export const runbookInitCommand: CommandModule = {
  options: [
    { flags: '--model <name>', description: 'model of the policy (required)' },
    {
      flags: '--incident <type>',
      description: `incident type of the policy (default: ${DEFAULT_INCIDENT})`,
    },
    { flags: '--output <file-or-folder>', description: 'write here instead of printing' },
    { flags: '--force', description: 'overwrite an existing runbook' },
  ],
  help: `Writes the runbook of a model for one incident type: the trigger from the model's SLA,
severity, a five-minute diagnosis as AWS CLI commands (traffic, dependencies, instance and GPU
utilisation, autoscaling, recent deployments and rollback), mitigations (degraded mode, load
shedding), the paged team's escalation chain with minutes, and post-incident duties. Prints it,
or writes it to --output (a folder gets <model>--<incident>.md); never overwrites without --force.`,
  async run({ options, io, loadPolicy }) {
    const model = stringOption(options, 'model');
    if (model === undefined) throw new UsageError('--model is required');
    const output = stringOption(options, 'output');
    // An invalid or missing policy is reported by the router (exit code 1, JSON with --json).
    const result = runRunbookInit(loadPolicy(), {
      model,
      incident: stringOption(options, 'incident') ?? DEFAULT_INCIDENT,
      force: flagOption(options, 'force'),
      ...(output === undefined ? {} : { output }),
    });
    const { written, ...printed } = result;
    if (written !== undefined) io.note(`wrote ${written}`);
    return printed;
  },
};

export const runbookCheckCommand: CommandModule = {
  arguments: [{ name: 'dir', description: `folder of runbooks (default: ${DEFAULT_RUNBOOK_DIR})` }],
  help: `Reads the Markdown runbooks in dir: every model of the policy needs <model>.md or
<model>--<incident>.md, and every runbook the sections
${RUNBOOK_SECTIONS.map((s) => `"## ${s}"`).join(', ')}.
Exit code 0 when complete, 1 otherwise.`,
  async run({ args, loadPolicy }) {
    if (args.length > 1) throw new UsageError('at most one runbook folder');
    return runRunbookCheck(loadPolicy(), args[0] ?? DEFAULT_RUNBOOK_DIR);
  },
};
