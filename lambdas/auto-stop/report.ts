/**
 * The plain-text summary emailed to the project's finance and owner contacts, one per
 * notification; and the adapter that publishes it. `renderReport` is pure.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { reportAddresses } from '../../lib/config/naming';
import type { Project } from '../../lib/config/schema';
import type { RunReport } from './run-report';
import type { Outcome } from './types';

/** Lines listed per section; the rest is in the audit table. */
const MAX_LINES_PER_SECTION = 50;
/** SNS subjects must be "less than 100 characters long" (PublishInput.Subject, @aws-sdk/client-sns model docs). */
const MAX_SUBJECT = 99;

function section(title: string, lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, MAX_LINES_PER_SECTION).map((l) => `  - ${l}`);
  if (lines.length > shown.length)
    shown.push(`  ... and ${lines.length - shown.length} more (see the audit table)`);
  return ['', `${title} (${lines.length}):`, ...shown];
}

const line = (o: Outcome, extra?: string) =>
  `${o.kind} ${o.name} (was ${o.priorState})${extra ? `: ${extra}` : ''}`;

/** Subject and body of the report. */
export function renderReport(
  report: RunReport,
  options: { readonly auditTableName?: string } = {},
): { subject: string; body: string } {
  const project = report.project;
  const by = (r: Outcome['result']) => report.outcomes.filter((o) => o.result === r);
  const stopped = by('done');
  const failed = by('failed');
  const verb = report.executed ? 'stopped' : 'would stop';
  const count = report.executed ? stopped.length + report.queued : by('would-do').length;
  const headline = report.proceed
    ? `${count} ${verb}${failed.length ? `, ${failed.length} failed` : ''}`
    : 'no action';
  const subject =
    `[ml-guardrails] Auto-stop ${project?.id ?? 'unknown project'}: ${headline}`.slice(
      0,
      MAX_SUBJECT,
    );

  const body: string[] = [
    `Auto-stop report for project ${project?.id ?? '(unknown)'}${project?.name ? ` (${project.name})` : ''}`,
    '',
    `Notification: ${report.notificationId}`,
    `Mode: ${report.mode}${report.executed ? '' : ' (nothing was changed)'}`,
  ];
  if (report.notification)
    body.push(
      `Budget ${report.notification.budgetName}: ${report.notification.alertType} $${report.notification.amountUsd} of $${report.notification.budgetedUsd} (alert threshold $${report.notification.thresholdUsd})`,
    );
  if (report.threshold) body.push(`Threshold: ${report.threshold.reason}`);
  if (report.spend) body.push(`Spend check: ${report.spend.reason}`);
  body.push(`Decision: ${report.decision}`);

  body.push(
    ...section(
      'Stopped',
      stopped.map((o) => line(o)),
    ),
    ...section(
      'Stop requests queued for the worker (results in the audit table)',
      report.queuedNames,
    ),
    ...section(
      'Already stopped or gone',
      by('already-done').map((o) => line(o)),
    ),
    ...section(
      'Would stop (dry-run: nothing was changed)',
      by('would-do').map((o) => line(o)),
    ),
    ...section(
      'FAILED (still running: act on these)',
      failed.map((o) => line(o, o.error)),
    ),
    ...section(
      'Skipped',
      by('skipped').map((o) => line(o, o.reason)),
    ),
    ...section(
      'Reported only (not changed)',
      by('reported').map((o) => line(o, o.reason)),
    ),
  );
  if (report.unhandledKinds.length > 0)
    body.push('', `Not covered by this build: ${report.unhandledKinds.join(', ')}.`);

  body.push(
    '',
    'How to override:',
    `  - Exempt a resource: tag it ${project?.exemptionTag ?? 'with the exemption tag'} (any value, e.g. the reason); it is skipped from then on.`,
    '  - Change the project: set autoStop.mode to dry-run or off, or raise autoStop.thresholdPct, in the guardrails policy and redeploy.',
    '  - See what would happen: guardrails auto-stop plan --project <id> [--json].',
    'How to restore:',
    '  - Stopped jobs cannot be resumed: start a new job (from its last checkpoint if it writes checkpoints).',
    '  - Notebook instances keep their volume (still billed): aws sagemaker start-notebook-instance --notebook-instance-name <name>.',
    '  - Budgets sends an ACTUAL alert once per period: work started after this report is not stopped automatically until the next period.',
  );
  if (options.auditTableName && project)
    body.push(
      '',
      `Audit: DynamoDB table ${options.auditTableName}, pk PROJECT#${project.id}, notification ${report.notificationId}.`,
    );
  return { subject, body: body.join('\n') };
}

/** IAM action the publisher needs on the report topic (plus use of its KMS key). */
export const REPORT_PUBLISH_ACTIONS = ['sns:Publish'] as const;

/**
 * Publishes the report with a `recipients` String.Array attribute (the project's finance and
 * owner addresses). Each address's email subscription filters on its own address, and SNS
 * matches an array attribute when any element matches (SNS "example filter policies",
 * `customer_interests`), so the report reaches exactly these addresses, once each.
 */
export async function publishReport(
  client: SNSClient,
  topicArn: string,
  project: Pick<Project, 'id' | 'financeEmails' | 'ownerEmails'>,
  message: { subject: string; body: string },
): Promise<string | undefined> {
  const reply = await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: message.subject,
      Message: message.body,
      MessageAttributes: {
        project: { DataType: 'String', StringValue: project.id },
        recipients: {
          DataType: 'String.Array',
          StringValue: JSON.stringify(reportAddresses(project)),
        },
      },
    }),
  );
  return reply.MessageId;
}
