import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadPolicyFile } from '../../config/load';
import type { GuardrailsPolicy } from '../../config/schema';
import { type LoadedDeployment, loadDeploymentFile } from '../../contracts/deployment';
import { renderDeploymentScaffold } from '../../contracts/deployment-scaffold';
import { type GatherDeps, gatherContext, readReferenced } from '../../contracts/prr/gather';
import { runPrr } from '../../contracts/prr/index';
import { renderPrrJson, renderPrrList, renderPrrMarkdown } from '../../contracts/prr/render';
import { parseReview, type ReviewDocument } from '../../contracts/prr/review';
import { renderPrrTemplate } from '../../contracts/prr/template';
import {
  CliError,
  type CommandModule,
  type CommandResult,
  flagOption,
  stringOption,
  UsageError,
} from '../command';
import { type OutputFormat, outputFormat } from './format';

export const prrInitCommand: CommandModule = {
  options: [
    { flags: '--model <name>', description: 'model name (or from --deployment)' },
    { flags: '--version <v>', description: 'model version (or from --deployment)' },
    {
      flags: '--deployment <file>',
      description: 'deployment file whose declarations fill the review',
    },
    { flags: '--output <file>', description: 'write this file instead of printing' },
    {
      flags: '--deployment-output <file>',
      description: 'also write a commented deployment file with every field the checks read',
    },
    { flags: '--project <id>', description: 'project of the policy, for --deployment-output' },
    { flags: '--force', description: 'overwrite an existing --output or --deployment-output file' },
  ],
  help: `Prints the review (observability, reproducibility, scalability and performance, failure modes,
cost estimate, security, approvals) with what the deployment file declares filled in and the
rest as open checkboxes. --output writes a file instead (never overwrites one without --force).
--deployment-output writes a commented deployment file with every field the checks read.
A --deployment that names another model or version is refused (exit code 2).
The policy (used when it exists) adds the project's budget, owners and the RACI groups as
approvers.`,
  async run({ options, global, io, loadPolicy }) {
    const deployment = stringOption(options, 'deployment');
    // An invalid file is a YamlValidationError: the router prints its problems, exit code 1.
    const loaded: LoadedDeployment | undefined =
      deployment === undefined ? undefined : loadDeploymentFile(deployment);
    const policy: GuardrailsPolicy | undefined =
      global.policyExplicit || existsSync(global.policyFile) ? loadPolicy() : undefined;
    const model = stringOption(options, 'model') ?? loaded?.deployment.model.name;
    const version = stringOption(options, 'version') ?? loaded?.deployment.model.version;
    if (!model || !version)
      throw new UsageError(
        '--model and --version are required (or a --deployment that names them)',
      );
    const declared = loaded?.deployment.model;
    if (declared && (declared.name !== model || declared.version !== version))
      throw new UsageError(
        `${loaded?.file} describes ${declared.name} ${declared.version}, not ${model} ${version}: pass the version the deployment file declares, or update it`,
      );
    const output = stringOption(options, 'output');
    const scaffold = stringOption(options, 'deploymentOutput');
    const force = flagOption(options, 'force');
    for (const out of [output, scaffold])
      if (out !== undefined && !existsSync(path.dirname(path.resolve(out))))
        throw new UsageError(`cannot write ${out}: folder ${path.dirname(out)} does not exist`);
    if (scaffold !== undefined) {
      if (existsSync(scaffold) && !force)
        throw new UsageError(`${scaffold} exists; pass --force to overwrite it`);
      const project = stringOption(options, 'project');
      writeFileSync(
        scaffold,
        renderDeploymentScaffold({ model, version, ...(project === undefined ? {} : { project }) }),
      );
      io.note(`wrote ${scaffold}`);
    }
    const text = renderPrrTemplate({
      model,
      version,
      date: new Date().toISOString().slice(0, 10),
      ...(loaded ? { deployment: loaded.deployment } : {}),
      ...(policy ? { policy } : {}),
    });
    const written = scaffold === undefined ? {} : { deploymentOutput: scaffold };
    if (output === undefined)
      return { exitCode: 0, text, json: { ok: true, model, version, document: text, ...written } };
    if (existsSync(output) && !force)
      throw new UsageError(`${output} exists; pass --force to overwrite it`);
    writeFileSync(output, text);
    io.note(`wrote ${output}`);
    return { exitCode: 0, json: { ok: true, model, version, output, ...written } };
  },
};

export interface PrrCheckOptions {
  readonly modelDir: string;
  readonly deploymentFile?: string;
  readonly policyFile: string;
  readonly reviewFile?: string;
  readonly format: OutputFormat;
}

/**
 * The review, without the CLI. A review that cannot run (missing folder or file, a link out of
 * the model directory) throws a `CliError`; an invalid file throws its `YamlValidationError`.
 */
export async function runPrrCheck(
  options: PrrCheckOptions,
  deps: GatherDeps = {},
): Promise<CommandResult> {
  const deploymentFile = options.deploymentFile ?? path.join(options.modelDir, 'deployment.yaml');
  if (!existsSync(options.modelDir))
    throw new CliError(`model directory ${options.modelDir} not found`);
  if (!existsSync(deploymentFile))
    throw new CliError(
      `no deployment file at ${deploymentFile}. deployment.yaml declares what the review checks (model and version, project, SLA, resources, autoscaling, rollback, cost, IAM policy); create a commented one with: guardrails prr init --model <name> --version <v> --deployment-output ${deploymentFile}`,
    );
  // The default deployment file belongs to the reviewed repository: it must be a regular file
  // inside the model directory, so a link to /etc/passwd is never parsed (and excerpted).
  if (options.deploymentFile === undefined) {
    const refused = readReferenced(options.modelDir, options.modelDir, 'deployment.yaml');
    if (refused && 'error' in refused) throw new CliError(`${deploymentFile} ${refused.error}`);
  }
  const loaded = loadDeploymentFile(deploymentFile);
  const policy = loadPolicyFile(options.policyFile);
  let review: ReviewDocument | undefined;
  if (options.reviewFile !== undefined) {
    if (!existsSync(options.reviewFile))
      throw new CliError(`review document ${options.reviewFile} not found`);
    review = parseReview(readFileSync(options.reviewFile, 'utf8'), options.reviewFile);
  }
  const ctx = await gatherContext(options.modelDir, loaded, policy, {
    ...deps,
    ...(review === undefined ? {} : { review }),
  });
  const report = runPrr(ctx);
  const json = renderPrrJson(report);
  return {
    exitCode: report.verdict === 'pass' ? 0 : 1,
    text:
      options.format === 'json'
        ? json
        : options.format === 'markdown'
          ? renderPrrMarkdown(report)
          : renderPrrList(report),
    json: JSON.parse(json),
  };
}

export const prrCheckCommand: CommandModule = {
  arguments: [{ name: 'model-dir', description: 'the model folder to review', required: true }],
  options: [
    {
      flags: '--deployment <file>',
      description:
        'deployment file (default: <model-dir>/deployment.yaml; paths inside are relative to it)',
    },
    {
      flags: '--review <file>',
      description: 'the signed review document (PRR.md): every item ticked, every approval signed',
    },
    {
      flags: '--format <list|markdown|json>',
      description: 'output format (default: list on a terminal, markdown otherwise)',
    },
  ],
  help: `Reviews the code in <model-dir> and the deployment file (the files it names must be inside
<model-dir>) against the policy, scans every file for secrets, and with --review checks that the
signed review document has every item ticked and every approval (name, signature, date).
Prints a compact list on a terminal, Markdown otherwise or with --format markdown, JSON with
--json (✅ pass, ⚠️ warning, ❌ failed).
Exit code 0 when no blocking check fails (warnings allowed), 1 when one does or an input file
is invalid, 2 on usage errors.`,
  async run({ args, options, global }) {
    const format = outputFormat(
      { format: stringOption(options, 'format'), json: global.json },
      { list: true, fallback: process.stdout.isTTY ? 'list' : 'markdown' },
    );
    if (args.length !== 1)
      throw new UsageError(
        args.length === 0
          ? 'the model directory is required'
          : `one model directory expected (got ${args.length})`,
      );
    const deploymentFile = stringOption(options, 'deployment');
    const reviewFile = stringOption(options, 'review');
    return runPrrCheck({
      modelDir: args[0] as string,
      policyFile: global.policyFile,
      format,
      ...(deploymentFile === undefined ? {} : { deploymentFile }),
      ...(reviewFile === undefined ? {} : { reviewFile }),
    });
  },
};
