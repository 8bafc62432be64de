import { createClients, policyRegions } from '../../../lambdas/auto-stop/clients';
import { money } from '../../../lambdas/auto-stop/decide';
import { buildDeps } from '../../../lambdas/auto-stop/deps';
import { runNotification, runProject } from '../../../lambdas/auto-stop/orchestrator';
import { renderReport } from '../../../lambdas/auto-stop/report';
import { countOutcomes, emptyRun, type RunReport } from '../../../lambdas/auto-stop/run-report';
import { readAutoStopEnv } from '../../../lambdas/auto-stop/settings';
import type { Progress } from '../../../lambdas/auto-stop/types';
import { publishReport } from '../../../lambdas/shared/report-topic';
import type { GuardrailsPolicy } from '../../config/schema';
import {
  type CommandModule,
  flagOption,
  type OptionValues,
  projectOption,
  stringOption,
  UsageError,
} from '../command';
import { deploymentEnv } from '../deployment';
import { budgetMessageOf, readPastedInput } from '../input';

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
      `Notification: budget ${n.budgetName}, ${n.alertType}, $${money(n.amountUsd)} of $${money(n.budgetedUsd)} (threshold $${money(n.thresholdUsd)}, ${n.period}, account named in the message ${n.accountId ?? 'none'})`,
    );
  if (report.project) lines.push(`Project: ${report.project.id} (mode ${report.mode})`);
  if (report.threshold) lines.push(`Threshold: ${report.threshold.reason}`);
  if (report.spend) lines.push(`Spend check: ${report.spend.reason}`);
  lines.push(`Decision: ${report.decision}`);
  if (report.proceed) {
    for (const d of report.discovery)
      lines.push(
        `Discovery ${d.kind} in ${d.region}: ${d.path}, ${d.listPages} list pages, ${d.describes} describes, ${d.taggingPages} tagging pages: ${d.reason}`,
      );
    lines.push(`Resources of the project found: ${report.decisions.length}`);
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

/** Exactly one of `--project` (a project of the policy) or `--message`. */
function planTarget(
  options: OptionValues,
  policy: GuardrailsPolicy,
): { projectId?: string; messageFile?: string } {
  const messageFile = stringOption(options, 'message');
  if ((stringOption(options, 'project') === undefined) === (messageFile === undefined))
    throw new UsageError('give exactly one of --project <id> or --message <file>');
  const projectId = projectOption(options, policy);
  return { ...(projectId ? { projectId } : {}), ...(messageFile ? { messageFile } : {}) };
}

export const autoStopPlanCommand: CommandModule = {
  options: [
    {
      flags: '--project <id>',
      description: "discover the project's running SageMaker work and plan, ignoring spend",
    },
    {
      flags: '--message <file>',
      description:
        'replay a Budgets notification: the message text, the SNS notification JSON or the Lambda event (- for stdin)',
    },
    {
      flags: '--execute',
      description:
        'act as the function would (enforce-mode projects only); AUDIT_TABLE_NAME and REPORT_TOPIC_ARN default to the AutoStop stack outputs',
    },
    {
      flags: '--account <id>',
      description:
        'account whose budget is read (default AWS_ACCOUNT_ID); the account a message names is never trusted',
    },
  ],
  aws: true,
  help: `With --message: parsed fields, project, threshold decision, spend check (DescribeBudget), plan.
"Why did auto-stop (not) fire?" --json prints the run (format documented in docs/auto-stop.md).
AWS access uses the SDK's standard configuration (credential chain, AWS_REGION,
AWS_ENDPOINT_URL). Progress goes to stderr. Exit code 1 when a stop failed or the message was
rejected (not a Budgets notification, or a budget of no project).`,
  checkInput: ({ options, loadPolicy }) => {
    planTarget(options, loadPolicy());
  },
  async run({ options, io, loadPolicy }) {
    const policy = loadPolicy();
    const { projectId, messageFile } = planTarget(options, policy);
    const execute = flagOption(options, 'execute');
    // With --execute, variables not set come from the deployment's stack outputs.
    const env = readAutoStopEnv(
      execute
        ? await deploymentEnv(policy, {
            needed: [
              'AUDIT_TABLE_NAME',
              'REPORT_TOPIC_ARN',
              'WORK_QUEUE_URL',
              'IDEMPOTENCY_TABLE_NAME',
            ],
            warn: (line) => io.note(line),
          })
        : process.env,
    );
    if (execute && !env.auditTableName)
      throw new UsageError('--execute needs AUDIT_TABLE_NAME: every stop is audited');
    const sdk = createClients(policyRegions(policy, env.region), process.env);
    const deps = buildDeps(policy, sdk, env, {
      accountId: stringOption(options, 'account') ?? process.env.AWS_ACCOUNT_ID,
      onProgress: (p) => io.progress(`auto-stop ${progressLine(p)}`),
    });
    const notificationId = `cli:${new Date().toISOString()}`;

    let report: RunReport;
    // planTarget checked that the project is in the policy.
    const project =
      projectId === undefined ? undefined : policy.projects.find((p) => p.id === projectId);
    if (project) {
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
          ...emptyRun(),
          proceed: true,
          decision: `manual run for project ${project.id} (spend not checked)`,
        },
        project,
        { execute },
      );
    } else {
      const where = `--message ${messageFile}`;
      const message = budgetMessageOf(readPastedInput(messageFile as string, '--message'), where);
      report = await runNotification(deps, { notificationId, message }, { execute });
    }
    const reported = policy.projects.find((p) => p.id === report.project?.id);
    if (execute && env.reportTopicArn && reported && report.mode !== 'off')
      await publishReport(
        sdk.sns,
        env.reportTopicArn,
        reported,
        renderReport(report, { auditTableName: env.auditTableName }),
      );
    const failed =
      report.rejected !== undefined || report.outcomes.some((o) => o.result === 'failed');
    return {
      exitCode: failed ? 1 : 0,
      text: text(report),
      json: { version: PLAN_JSON_VERSION, ...report, counts: countOutcomes(report) },
    };
  },
};
