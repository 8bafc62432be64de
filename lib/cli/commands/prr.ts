import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_POLICY_FILE,
  loadPolicyFile,
  PolicyValidationError,
  YamlValidationError,
} from '../../config/load';
import type { GuardrailsPolicy } from '../../config/schema';
import { type LoadedDeployment, loadDeploymentFile } from '../../contracts/deployment';
import { renderDeploymentScaffold } from '../../contracts/deployment-scaffold';
import { type GatherDeps, gatherContext, readReferenced } from '../../contracts/prr/gather';
import { runPrr } from '../../contracts/prr/index';
import { renderPrrJson, renderPrrList, renderPrrMarkdown } from '../../contracts/prr/render';
import { parseReview, type ReviewDocument } from '../../contracts/prr/review';
import { renderPrrTemplate } from '../../contracts/prr/template';
import { type CliCommand, type CliIo, UsageError } from '../command';

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
                       [--policy file] [--output PRR.md] [--deployment-output deployment.yaml]
                       [--project <id>] [--force]

--deployment-output writes a commented deployment file with every field the checks read.
A --deployment that names another model or version is refused (exit 2).

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
        'deployment-output': { type: 'string' },
        project: { type: 'string' },
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
      throw new UsageError(
        `${loaded?.file} describes ${declared.name} ${declared.version}, not ${model} ${version}: pass the version the deployment file declares, or update it`,
      );
    for (const out of [values.output, values['deployment-output']])
      if (out !== undefined && !existsSync(path.dirname(path.resolve(out))))
        throw new UsageError(`cannot write ${out}: folder ${path.dirname(out)} does not exist`);
    const scaffold = values['deployment-output'];
    if (scaffold !== undefined) {
      if (existsSync(scaffold) && !values.force)
        throw new UsageError(`${scaffold} exists; pass --force to overwrite it`);
      writeFileSync(
        scaffold,
        renderDeploymentScaffold({
          model,
          version,
          ...(values.project === undefined ? {} : { project: values.project }),
        }),
      );
      io.err(`wrote ${scaffold}`);
    }
    const text = renderPrrTemplate({
      model,
      version,
      date: new Date().toISOString().slice(0, 10),
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

export interface PrrCheckOptions {
  readonly modelDir: string;
  readonly deploymentFile?: string;
  readonly policyFile?: string;
  readonly reviewFile?: string;
  readonly format: 'list' | 'markdown' | 'json';
}

/** The review, without the CLI: exit code and the text to print on stdout. */
export async function runPrrCheck(
  options: PrrCheckOptions,
  deps: GatherDeps = {},
): Promise<{ exitCode: number; text: string; error?: boolean }> {
  const failure = (errors: string[]) => ({
    exitCode: 1,
    error: true,
    text:
      options.format === 'json'
        ? JSON.stringify({ ok: false, errors }, null, 2)
        : errors.join('\n'),
  });
  const deploymentFile = options.deploymentFile ?? path.join(options.modelDir, 'deployment.yaml');
  if (!existsSync(options.modelDir))
    return failure([`model directory ${options.modelDir} not found`]);
  if (!existsSync(deploymentFile))
    return failure([
      `no deployment file at ${deploymentFile}. deployment.yaml declares what the review checks (model and version, project, SLA, resources, autoscaling, rollback, cost, IAM policy); create a commented one with: guardrails prr init --model <name> --version <v> --deployment-output ${deploymentFile}`,
    ]);
  // The default deployment file belongs to the reviewed repository: it must be a regular file
  // inside the model directory, so a link to /etc/passwd is never parsed (and excerpted).
  if (options.deploymentFile === undefined) {
    const refused = readReferenced(options.modelDir, options.modelDir, 'deployment.yaml');
    if (refused && 'error' in refused) return failure([`${deploymentFile} ${refused.error}`]);
  }
  let loaded: LoadedDeployment;
  let policy: GuardrailsPolicy;
  let review: ReviewDocument | undefined;
  try {
    loaded = loadDeploymentFile(deploymentFile);
    policy = loadPolicyFile(options.policyFile ?? DEFAULT_POLICY_FILE);
    if (options.reviewFile !== undefined) {
      if (!existsSync(options.reviewFile))
        return failure([`review document ${options.reviewFile} not found`]);
      review = parseReview(readFileSync(options.reviewFile, 'utf8'), options.reviewFile);
    }
  } catch (err) {
    if (err instanceof YamlValidationError || err instanceof PolicyValidationError)
      return failure([err.message]);
    throw err;
  }
  const ctx = await gatherContext(options.modelDir, loaded, policy, {
    ...deps,
    ...(review === undefined ? {} : { review }),
  });
  const report = runPrr(ctx);
  const text =
    options.format === 'json'
      ? renderPrrJson(report)
      : options.format === 'markdown'
        ? renderPrrMarkdown(report)
        : renderPrrList(report);
  return { exitCode: report.verdict === 'pass' ? 0 : 1, text };
}

export const prrCheckCommand: CliCommand = {
  path: ['prr', 'check'],
  summary: 'Run the Production Readiness Review; exit 1 on any blocking failure',
  usage: `Usage: guardrails prr check <model-dir> [--deployment file] [--review PRR.md]
                        [--policy file] [--format list|markdown|json] [--json]

Reviews the code in <model-dir> and the deployment file (default <model-dir>/deployment.yaml;
the files it names must be inside <model-dir>) against the policy (default ${DEFAULT_POLICY_FILE}),
scans every file for secrets, and with --review checks that the signed review document has
every item ticked and every approval (name, signature, date).
Output: a compact list on a terminal, Markdown otherwise or with --format markdown, JSON with --json.
Exit code 0 when no blocking check fails (warnings allowed), 1 when one does or an input file
is invalid, 2 on usage errors.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        deployment: { type: 'string' },
        policy: { type: 'string' },
        review: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const format =
      values.json || values.format === 'json'
        ? 'json'
        : values.format === 'markdown'
          ? 'markdown'
          : values.format === 'list'
            ? 'list'
            : values.format === undefined
              ? process.stdout.isTTY
                ? 'list'
                : 'markdown'
              : undefined;
    if (format === undefined)
      throw new UsageError(`--format must be list, markdown or json (got "${values.format}")`);
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? 'the model directory is required'
          : `one model directory expected (got ${positionals.length})`,
      );
    const result = await runPrrCheck({
      modelDir: positionals[0] as string,
      format,
      ...(values.deployment === undefined ? {} : { deploymentFile: values.deployment }),
      ...(values.policy === undefined ? {} : { policyFile: values.policy }),
      ...(values.review === undefined ? {} : { reviewFile: values.review }),
    });
    if (result.error && format !== 'json') io.err(result.text);
    else io.out(result.text);
    return result.exitCode;
  },
};
