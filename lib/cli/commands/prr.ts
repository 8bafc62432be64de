import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadPolicyFile } from '../../config/load';
import type { GuardrailsPolicy } from '../../config/schema';
import { type LoadedDeployment, loadDeploymentFile } from '../../contracts/deployment';
import { gatherContext } from '../../contracts/prr/gather';
import { runPrr } from '../../contracts/prr/index';
import { renderPrrJson, renderPrrMarkdown } from '../../contracts/prr/render';
import { renderPrrTemplate } from '../../contracts/prr/template';
import { type CommandModule, flagOption, stringOption, UsageError } from '../command';
import { outputFormat } from './format';

export const prrInitCommand: CommandModule = {
  options: [
    { flags: '--model <name>', description: 'model name (or from --deployment)' },
    { flags: '--version <v>', description: 'model version (or from --deployment)' },
    {
      flags: '--deployment <file>',
      description: 'deployment file whose declarations fill the review',
    },
    { flags: '--output <file>', description: 'write this file instead of printing' },
    { flags: '--force', description: 'overwrite an existing --output file' },
  ],
  help: `Prints the review (observability, reproducibility, scalability and performance, failure modes,
cost estimate, security, approvals) with what the deployment file declares filled in and the
rest as open checkboxes. --output writes a file instead (never overwrites one without --force).
The policy (used when it exists) adds the project's budget, owners and the RACI groups as
approvers.`,
  async run({ options, global, io }) {
    const deployment = stringOption(options, 'deployment');
    // An invalid file is a YamlValidationError: the router prints its problems, exit code 1.
    const loaded: LoadedDeployment | undefined =
      deployment === undefined ? undefined : loadDeploymentFile(deployment);
    const policy: GuardrailsPolicy | undefined =
      global.policyExplicit || existsSync(global.policyFile)
        ? loadPolicyFile(global.policyFile)
        : undefined;
    const model = stringOption(options, 'model') ?? loaded?.deployment.model.name;
    const version = stringOption(options, 'version') ?? loaded?.deployment.model.version;
    if (!model || !version)
      throw new UsageError(
        '--model and --version are required (or a --deployment that names them)',
      );
    const declared = loaded?.deployment.model;
    if (declared && (declared.name !== model || declared.version !== version))
      io.note(
        `warning: ${loaded?.file} describes ${declared.name} ${declared.version}, not ${model} ${version}`,
      );
    const text = renderPrrTemplate({
      model,
      version,
      ...(loaded ? { deployment: loaded.deployment } : {}),
      ...(policy ? { policy } : {}),
    });
    const output = stringOption(options, 'output');
    if (output === undefined)
      return { exitCode: 0, text, json: { ok: true, model, version, document: text } };
    if (existsSync(output) && !flagOption(options, 'force'))
      throw new UsageError(`${output} exists; pass --force to overwrite it`);
    writeFileSync(output, text);
    io.note(`wrote ${output}`);
    return { exitCode: 0, json: { ok: true, model, version, output } };
  },
};

export const prrCheckCommand: CommandModule = {
  arguments: [{ name: 'model-dir', description: 'the model folder to review', required: true }],
  options: [
    {
      flags: '--deployment <file>',
      description:
        'deployment file (default: <model-dir>/deployment.yaml; paths inside are relative to it)',
    },
    { flags: '--format <markdown|json>', description: 'output format (default: markdown)' },
  ],
  help: `Reviews the code in <model-dir> and the deployment file against the policy.
Prints a Markdown report (✅ pass, ⚠️ warning, ❌ failed) or JSON.
Exit code 0 when no blocking check fails (warnings allowed), 1 when one does or an input file
is invalid, 2 on usage errors.`,
  async run({ args, options, global }) {
    const format = outputFormat({ format: stringOption(options, 'format'), json: global.json });
    if (args.length !== 1)
      throw new UsageError(
        args.length === 0
          ? 'the model directory is required'
          : `one model directory expected (got ${args.length})`,
      );
    const modelDir = args[0] as string;
    // An invalid file is a YamlValidationError: the router prints its problems, exit code 1.
    const loaded = loadDeploymentFile(
      stringOption(options, 'deployment') ?? path.join(modelDir, 'deployment.yaml'),
    );
    const policy = loadPolicyFile(global.policyFile);
    const report = runPrr(gatherContext(modelDir, loaded, policy));
    return {
      exitCode: report.verdict === 'pass' ? 0 : 1,
      text: format === 'json' ? renderPrrJson(report) : renderPrrMarkdown(report),
      json: JSON.parse(renderPrrJson(report)),
    };
  },
};
