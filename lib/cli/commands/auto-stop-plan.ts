import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { money } from '../../../lambdas/auto-stop/decide';
import { publishReport, renderReport } from '../../../lambdas/auto-stop/report';
import {
  countOutcomes,
  type RunReport,
  runNotification,
  runProject,
} from '../../../lambdas/auto-stop/run';
import { createClients, readAutoStopEnv } from '../../../lambdas/auto-stop/runtime';
import { buildDeps } from '../../../lambdas/auto-stop/service';
import type { Progress } from '../../../lambdas/auto-stop/types';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../config/load';
import { type CliCommand, type CliIo, UsageError } from '../command';
import { deploymentEnv } from '../deployment';

/** Version of the `--json` document; bumped only on a breaking change (docs/auto-stop.md). */
export const PLAN_JSON_VERSION = 1;

function progressLine(p: Progress): string {
  switch (p.phase) {
    case 'discover':
      return `discover: ${p.tagged} tagged resources`;
    case 'plan':
      return `plan: ${p.resources} live resources, ${p.actions} to stop`;
    case 'act':
      return `act: ${p.done}/${p.total}`;
    case 'queue':
      return `queue: ${p.queued} stop requests sent to the worker`;
  }
}

function text(report: RunReport): string {
  const lines: string[] = [];
  const n = report.notification;
  if (report.rejected) lines.push(`Rejected: ${report.rejected.reason}`);
  if (n)
    lines.push(
      `Notification: budget ${n.budgetName}, ${n.alertType}, $${money(n.amountUsd)} of $${money(n.budgetedUsd)} (threshold $${money(n.thresholdUsd)}, ${n.period}, account ${n.accountId ?? 'not given'})`,
    );
  if (report.project) lines.push(`Project: ${report.project.id} (mode ${report.mode})`);
  if (report.threshold) lines.push(`Threshold: ${report.threshold.reason}`);
  if (report.spend) lines.push(`Spend check: ${report.spend.reason}`);
  lines.push(`Decision: ${report.decision}`);
  if (report.proceed) {
    lines.push(`Tagged resources: ${report.tagged}; live: ${report.decisions.length}`);
    for (const d of report.decisions)
      lines.push(
        `  ${d.type.padEnd(6)} ${d.kind} ${d.name} [${d.status}] ${d.action}: ${d.reason}`,
      );
    if (report.unhandledKinds.length > 0)
      lines.push(`Not covered by this build: ${report.unhandledKinds.join(', ')}`);
    const c = countOutcomes(report);
    lines.push(
      report.executed
        ? `Result: ${c.done} stopped, ${c['already-done']} already stopped, ${c.queued} queued, ${c.failed} failed, ${c.skipped} skipped`
        : 'Nothing was changed (plan only; add --execute to act as the function would).',
    );
    for (const o of report.outcomes.filter((x) => x.result === 'failed'))
      lines.push(`  FAILED ${o.kind} ${o.name}: ${o.error}`);
  }
  return lines.join('\n');
}

export const autoStopPlanCommand: CliCommand = {
  path: ['auto-stop', 'plan'],
  summary: 'Show (or carry out) what auto-stop does for a project or a budget notification',
  usage: `Usage: guardrails auto-stop plan (--project <id> | --message <file>) [--json] [--execute]
                                [--policy <file>] [--account <id>]

  --project <id>    Discover the project's running SageMaker work and plan, ignoring spend.
  --message <file>  Replay a Budgets SNS message (plain text): parsed fields, project, threshold
                    decision, spend check (DescribeBudget), plan. "Why did auto-stop (not) fire?"
  --json            Print the run as JSON (format documented in docs/auto-stop.md).
  --execute         Act as the function would (enforce-mode projects only). Needs
                    AUDIT_TABLE_NAME; publishes the report when REPORT_TOPIC_ARN is set. Both
                    default to the AutoStop stack's outputs (CloudFormation DescribeStacks).
  --policy <file>   Policy file (default GUARDRAILS_POLICY_FILE or ${DEFAULT_POLICY_FILE}).
  --account <id>    Account of the budget when the message has no "AWS Account" line.

AWS access uses the SDK's standard configuration (credential chain, AWS_REGION,
AWS_ENDPOINT_URL). Progress goes to stderr. Exit code 1 when a stop failed.`,
  async run(args, io: CliIo) {
    const { values } = parseArgs({
      args,
      options: {
        project: { type: 'string' },
        message: { type: 'string' },
        json: { type: 'boolean' },
        execute: { type: 'boolean' },
        policy: { type: 'string' },
        account: { type: 'string' },
      },
    });
    if ((values.project === undefined) === (values.message === undefined))
      throw new UsageError('give exactly one of --project <id> or --message <file>');
    // With --execute, variables not set come from the deployment's stack outputs.
    const env = readAutoStopEnv(
      values.execute
        ? await deploymentEnv(
            values.policy ?? process.env.GUARDRAILS_POLICY_FILE ?? DEFAULT_POLICY_FILE,
            {
              needed: [
                'AUDIT_TABLE_NAME',
                'REPORT_TOPIC_ARN',
                'WORK_QUEUE_URL',
                'IDEMPOTENCY_TABLE_NAME',
              ],
            },
          )
        : process.env,
    );
    if (values.execute && !env.auditTableName)
      throw new UsageError('--execute needs AUDIT_TABLE_NAME: every stop is audited');
    const policyFile = values.policy ?? process.env.GUARDRAILS_POLICY_FILE ?? DEFAULT_POLICY_FILE;
    const policy = loadPolicyFile(policyFile);
    const sdk = createClients(process.env);
    const deps = buildDeps(policy, sdk, env, {
      onProgress: (p) => io.err(`auto-stop ${progressLine(p)}`),
    });
    const notificationId = `cli:${new Date().toISOString()}`;
    const execute = values.execute ?? false;

    let report: RunReport;
    if (values.project !== undefined) {
      const project = policy.projects.find((p) => p.id === values.project);
      if (!project)
        throw new UsageError(
          `no project "${values.project}" in ${policyFile} (projects: ${policy.projects.map((p) => p.id).join(', ')})`,
        );
      report = await runProject(
        deps,
        {
          notificationId,
          project: {
            id: project.id,
            name: project.name,
            budgetName: project.budgetName,
            exemptionTag: project.autoStop.exemptionTag,
          },
          mode: project.autoStop.mode,
          executed: false,
          proceed: true,
          decision: `manual run for project ${project.id} (spend not checked)`,
          unhandledKinds: [],
          tagged: 0,
          decisions: [],
          outcomes: [],
          queued: 0,
          queuedNames: [],
        },
        project,
        { execute },
      );
    } else {
      let message: string;
      try {
        message = readFileSync(values.message as string, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read --message ${values.message}: ${(err as Error).message}`);
      }
      report = await runNotification(
        deps,
        {
          notificationId,
          message,
          fallbackAccountId: values.account ?? process.env.AWS_ACCOUNT_ID,
        },
        { execute },
      );
    }
    const reported = policy.projects.find((p) => p.id === report.project?.id);
    if (execute && env.reportTopicArn && reported && report.mode !== 'off')
      await publishReport(
        sdk.sns,
        env.reportTopicArn,
        reported,
        renderReport(report, { auditTableName: env.auditTableName }),
      );
    io.out(
      values.json
        ? JSON.stringify(
            { version: PLAN_JSON_VERSION, ...report, counts: countOutcomes(report) },
            null,
            2,
          )
        : text(report),
    );
    return report.outcomes.some((o) => o.result === 'failed') ? 1 : 0;
  },
};
