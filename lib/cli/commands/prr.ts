import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY_FILE, loadPolicyFile, YamlValidationError } from '../../config/load';
import type { GuardrailsPolicy } from '../../config/schema';
import { type LoadedDeployment, loadDeploymentFile } from '../../contracts/deployment';
import { gatherContext } from '../../contracts/prr/gather';
import { runPrr } from '../../contracts/prr/index';
import { renderPrrJson, renderPrrMarkdown } from '../../contracts/prr/render';
import { renderPrrTemplate } from '../../contracts/prr/template';
import { type CliCommand, type CliIo, UsageError } from '../command';
import { outputFormat } from './format';

/** Print an invalid input file's problems; the review cannot run, so the gate fails (1). */
function reportInvalid(err: unknown, io: CliIo): number {
  if (err instanceof YamlValidationError) {
    io.err(err.message);
    return 1;
  }
  throw err;
}

export const prrInitCommand: CliCommand = {
  path: ['prr', 'init'],
  summary: 'Write a Production Readiness Review document (Markdown) for a model version',
  usage: `Usage: guardrails prr init --model <name> --version <v> [--deployment deployment.yaml]
                       [--policy file] [--output file] [--force]

Prints the review (observability, reproducibility, scalability and performance, failure modes,
cost estimate, security, approvals) with what the deployment file declares filled in and the
rest as open checkboxes. --output writes a file instead (never overwrites one without --force).
The policy (default ${DEFAULT_POLICY_FILE}, used when it exists) adds the project's budget,
owners and the RACI groups as approvers.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        version: { type: 'string' },
        deployment: { type: 'string' },
        policy: { type: 'string' },
        output: { type: 'string' },
        force: { type: 'boolean' },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    let loaded: LoadedDeployment | undefined;
    let policy: GuardrailsPolicy | undefined;
    try {
      loaded = values.deployment === undefined ? undefined : loadDeploymentFile(values.deployment);
      const policyFile = values.policy ?? DEFAULT_POLICY_FILE;
      if (values.policy !== undefined || existsSync(policyFile))
        policy = loadPolicyFile(policyFile);
    } catch (err) {
      return reportInvalid(err, io);
    }
    const model = values.model ?? loaded?.deployment.model.name;
    const version = values.version ?? loaded?.deployment.model.version;
    if (!model || !version)
      throw new UsageError(
        '--model and --version are required (or a --deployment that names them)',
      );
    const declared = loaded?.deployment.model;
    if (declared && (declared.name !== model || declared.version !== version))
      io.err(
        `warning: ${loaded?.file} describes ${declared.name} ${declared.version}, not ${model} ${version}`,
      );
    const text = renderPrrTemplate({
      model,
      version,
      ...(loaded ? { deployment: loaded.deployment } : {}),
      ...(policy ? { policy } : {}),
    });
    if (values.output === undefined) {
      io.out(text);
      return 0;
    }
    if (existsSync(values.output) && !values.force)
      throw new UsageError(`${values.output} exists; pass --force to overwrite it`);
    writeFileSync(values.output, text);
    io.err(`wrote ${values.output}`);
    return 0;
  },
};

export const prrCheckCommand: CliCommand = {
  path: ['prr', 'check'],
  summary: 'Run the automated Production Readiness Review; exit 1 on any blocking failure',
  usage: `Usage: guardrails prr check <model-dir> [--deployment file] [--policy file]
                        [--format markdown|json] [--json]

Reviews the code in <model-dir> and the deployment file (default <model-dir>/deployment.yaml;
paths inside it are relative to it) against the policy (default ${DEFAULT_POLICY_FILE}).
Prints a Markdown report (✅ pass, ⚠️ warning, ❌ failed) or JSON.
Exit code 0 when no blocking check fails (warnings allowed), 1 when one does or an input file
is invalid, 2 on usage errors.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        deployment: { type: 'string' },
        policy: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const format = outputFormat(values);
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? 'the model directory is required'
          : `one model directory expected (got ${positionals.length})`,
      );
    const modelDir = positionals[0] as string;
    let loaded: LoadedDeployment;
    let policy: GuardrailsPolicy;
    try {
      loaded = loadDeploymentFile(values.deployment ?? path.join(modelDir, 'deployment.yaml'));
      policy = loadPolicyFile(values.policy ?? DEFAULT_POLICY_FILE);
    } catch (err) {
      return reportInvalid(err, io);
    }
    const report = runPrr(gatherContext(modelDir, loaded, policy));
    io.out(format === 'json' ? renderPrrJson(report) : renderPrrMarkdown(report));
    return report.verdict === 'pass' ? 0 : 1;
  },
};
