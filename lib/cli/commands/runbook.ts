import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_POLICY_FILE,
  loadPolicyFile,
  PolicyValidationError,
  YamlValidationError,
} from '../../config/load';
import type { GuardrailsPolicy } from '../../config/schema';
import {
  checkRunbooks,
  DEFAULT_INCIDENT,
  RUNBOOK_SECTIONS,
  RunbookInputError,
  renderRunbook,
  runbookFileName,
} from '../../contracts/runbook';
import { type CliCommand, UsageError } from '../command';

/** Default folder of runbooks, next to the policy in a platform repository. */
export const DEFAULT_RUNBOOK_DIR = 'runbooks';

type Result = { exitCode: number; text: string; stderr?: boolean };

function loadPolicy(file: string, json: boolean): GuardrailsPolicy | Result {
  try {
    return loadPolicyFile(file);
  } catch (err) {
    if (err instanceof YamlValidationError || err instanceof PolicyValidationError)
      return json
        ? { exitCode: 1, text: JSON.stringify({ ok: false, errors: [err.message] }, null, 2) }
        : { exitCode: 1, text: err.message, stderr: true };
    throw err;
  }
}

export interface RunbookInitOptions {
  readonly policyFile: string;
  readonly model: string;
  readonly incident: string;
  /** Write here instead of printing; an existing file needs `force`. */
  readonly output?: string;
  readonly force: boolean;
}

/** `runbook init` without the CLI; unknown model or incident and a bad output are usage errors. */
export function runRunbookInit(o: RunbookInitOptions): Result {
  const policy = loadPolicy(o.policyFile, false);
  if ('exitCode' in policy) return policy;
  let text: string;
  try {
    text = renderRunbook(policy, o.model, o.incident);
  } catch (err) {
    if (err instanceof RunbookInputError) throw new UsageError(err.message);
    throw err;
  }
  if (o.output === undefined) return { exitCode: 0, text };
  const target =
    existsSync(o.output) && !o.output.endsWith('.md')
      ? path.join(o.output, runbookFileName(o.model, o.incident))
      : o.output;
  if (!existsSync(path.dirname(path.resolve(target))))
    throw new UsageError(`cannot write ${target}: folder ${path.dirname(target)} does not exist`);
  if (existsSync(target) && !o.force)
    throw new UsageError(`${target} exists; pass --force to overwrite it`);
  writeFileSync(target, text);
  return { exitCode: 0, text: `wrote ${target}`, stderr: true };
}

/** `runbook check` without the CLI. */
export function runRunbookCheck(o: { policyFile: string; dir: string; json: boolean }): Result {
  const policy = loadPolicy(o.policyFile, o.json);
  if ('exitCode' in policy) return policy;
  const files = existsSync(o.dir)
    ? readdirSync(o.dir)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((name) => ({ name, text: readFileSync(path.join(o.dir, name), 'utf8') }))
    : [];
  const problems = checkRunbooks(policy, files);
  const exitCode = problems.length === 0 ? 0 : 1;
  if (o.json)
    return {
      exitCode,
      text: JSON.stringify(
        { ok: exitCode === 0, dir: o.dir, runbooks: files.map((f) => f.name), problems },
        null,
        2,
      ),
    };
  return {
    exitCode,
    text:
      problems.length === 0
        ? `${files.length} runbooks in ${o.dir} cover every model of the policy.`
        : [
            `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${o.dir}:`,
            ...problems.map((p) => `  ✗ ${p.message}`),
          ].join('\n'),
  };
}

export const runbookInitCommand: CliCommand = {
  path: ['runbook', 'init'],
  summary: 'Write an incident runbook for a SageMaker model from the policy',
  usage: `Usage: guardrails runbook init --model <name> [--incident <type>] [--policy file]
                            [--output file-or-folder] [--force]

Writes the runbook of a model for one incident type (default ${DEFAULT_INCIDENT}): the trigger
from the model's SLA, severity, a five-minute diagnosis as AWS CLI commands (traffic,
dependencies, instance and GPU utilisation, autoscaling, recent deployments and rollback),
mitigations (degraded mode, load shedding), the paged team's escalation chain with minutes,
and post-incident duties. Prints it, or writes it to --output (a folder gets
<model>--<incident>.md); never overwrites without --force.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        incident: { type: 'string' },
        policy: { type: 'string' },
        output: { type: 'string' },
        force: { type: 'boolean' },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.model === undefined) throw new UsageError('--model is required');
    const r = runRunbookInit({
      policyFile: values.policy ?? DEFAULT_POLICY_FILE,
      model: values.model,
      incident: values.incident ?? DEFAULT_INCIDENT,
      force: values.force === true,
      ...(values.output === undefined ? {} : { output: values.output }),
    });
    if (r.stderr) io.err(r.text);
    else io.out(r.text);
    return r.exitCode;
  },
};

export const runbookCheckCommand: CliCommand = {
  path: ['runbook', 'check'],
  summary: 'Fail when a model of the policy has no runbook or a runbook lacks a section',
  usage: `Usage: guardrails runbook check [dir] [--policy file] [--json]

Reads the Markdown runbooks in dir (default ${DEFAULT_RUNBOOK_DIR}/): every model of the policy
needs <model>.md or <model>--<incident>.md, and every runbook the sections
${RUNBOOK_SECTIONS.map((s) => `"## ${s}"`).join(', ')}.
Exit code 0 when complete, 1 otherwise.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { policy: { type: 'string' }, json: { type: 'boolean' } },
    });
    if (positionals.length > 1) throw new UsageError('at most one runbook folder');
    const r = runRunbookCheck({
      policyFile: values.policy ?? DEFAULT_POLICY_FILE,
      dir: positionals[0] ?? DEFAULT_RUNBOOK_DIR,
      json: values.json === true,
    });
    if (r.stderr) io.err(r.text);
    else io.out(r.text);
    return r.exitCode;
  },
};
