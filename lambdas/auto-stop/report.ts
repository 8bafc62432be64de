/**
 * The auto-stop emails, written for finance and the project's owners: the report sent for each
 * budget notification, and the daily digest of what the period guard did. Both say which budget
 * and period, spend against the limit, what was stopped or scaled down and roughly what that
 * saves per hour, what was left running and why, whom to contact and how to bring work back.
 * They use no AWS API names or internal keys; one closing line points engineers to the audit
 * table. `renderReport` and `renderDigest` are pure; `publishReport` is the SNS adapter.
 */
import type { Project, ResourceKind } from '../../lib/config/schema';
import type { BudgetPeriod } from '../shared/budget-message';
import { money } from './decide';
import type { DigestEntry } from './period-guard/store';
import type { RunReport } from './run-report';
import type { Outcome } from './types';

/** Lines listed per section; the rest is in the audit table. */
const MAX_LINES_PER_SECTION = 50;
/** SNS subjects must be "less than 100 characters long" (PublishInput.Subject, @aws-sdk/client-sns model docs). */
const MAX_SUBJECT = 99;

/** Subject and body of one email. */
export interface DigestMessage {
  readonly subject: string;
  readonly body: string;
}

/** What the report needs besides the run: who to contact, when, where the audit is. */
export interface ReportOptions {
  /** Time of the run; names the budget period ("November 2026"). */
  readonly now?: Date;
  /** The audit table, named in the closing line for engineers. */
  readonly auditTableName?: string;
  /** The project's contacts (owners first). @default - none listed */
  readonly contacts?: Pick<Project, 'ownerEmails' | 'financeEmails'>;
}

/** `9612.3` -> `$9,612.30`: one money format in every email. */
export function usd(amount: number): string {
  return `$${money(amount)}`;
}

/** Why a run took no action, in the words finance reads. */
function noActionReason(report: RunReport): string {
  if (report.rejected) return 'the alert could not be matched to this project';
  const spend = report.spend;
  if (spend?.limitMismatch && spend.limitUsd !== undefined && spend.policyLimitUsd !== undefined)
    return `the budget's limit in AWS (${usd(spend.limitUsd)}) differs from the policy's ${usd(spend.policyLimitUsd)}; nothing is stopped until the two agree`;
  return 'the spend was not confirmed by the budget itself, so the alert may be outdated or not genuine';
}

const KIND_LABEL: Record<ResourceKind, string> = {
  'training-job': 'Training job',
  'processing-job': 'Processing job',
  'transform-job': 'Batch transform job',
  'hyperparameter-tuning-job': 'Tuning job',
  'notebook-instance': 'Notebook instance',
  endpoint: 'Endpoint',
};

/** The budget period in words: `November 2026`, `29 November 2026`, `Q4 2026`, `2026`. */
export function periodLabel(period: BudgetPeriod, now: Date): string {
  const month = now.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  const year = now.getUTCFullYear();
  if (period === 'daily') return `${now.getUTCDate()} ${month} ${year}`;
  if (period === 'quarterly') return `Q${Math.floor(now.getUTCMonth() / 3) + 1} ${year}`;
  if (period === 'annually') return `${year}`;
  return `${month} ${year}`;
}

/** `2026-11-28` -> `28 November 2026`. */
function dayLabel(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${d.getUTCDate()} ${d.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${d.getUTCFullYear()}`;
}

function section(title: string, lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, MAX_LINES_PER_SECTION).map((l) => `  - ${l}`);
  if (lines.length > shown.length)
    shown.push(`  ... and ${lines.length - shown.length} more (listed in the audit records)`);
  return ['', `${title} (${lines.length}):`, ...shown];
}

const label = (o: Pick<Outcome, 'kind' | 'name'>) => `${KIND_LABEL[o.kind]} ${o.name}`;

const saving = (hourlyUsd: number | undefined) =>
  hourlyUsd === undefined ? 'saving not estimated' : `saves about ${usd(hourlyUsd)} per hour`;

/** What an action did, in words. */
function actionWords(action: string): string {
  if (action.startsWith('scale')) return 'scaled down to zero';
  if (action.startsWith('park')) return 'deleted, its configuration kept for restore';
  return 'stopped';
}

/** Why a resource was left running, in words (exemptions keep their approval). */
function leftRunningWhy(o: Pick<Outcome, 'result' | 'reason'>): string | undefined {
  if (o.result === 'reported')
    return 'report-only: the policy lists this kind of endpoint without changing it';
  if (o.result === 'skipped' && /^exempt\b/i.test(o.reason))
    return `exempt: ${o.reason.replace(/^exempt:?\s*/i, '')}`;
  return undefined;
}

/** A stopped line's note when the resource asked for an exemption the policy does not honour. */
function refusedNote(reason: string): string {
  const match =
    /(?:exemption refused: |^)(tagged \S+, but the policy lists no approved exemption[^)]*|exemption \S+ expired on \d{4}-\d{2}-\d{2})/.exec(
      reason,
    );
  return match?.[1] ? `; exemption not honoured (${match[1]})` : '';
}

/** The estimated hourly saving of the stopped lines, and how many had no estimate. */
function savingLine(stopped: readonly Pick<Outcome, 'hourlyUsd'>[]): string {
  const estimated = stopped.filter((o) => o.hourlyUsd !== undefined);
  const total = estimated.reduce((sum, o) => sum + (o.hourlyUsd ?? 0), 0);
  if (estimated.length === 0) return 'Estimated saving: not estimated for these resources.';
  const missing = stopped.length - estimated.length;
  return `Estimated saving: about ${usd(total)} per hour${missing > 0 ? ` (${missing} of ${stopped.length} not estimated)` : ''}.`;
}

function contactLines(
  project: { readonly id: string },
  contacts: ReportOptions['contacts'],
): string[] {
  const lines = ['', 'Questions and exceptions:'];
  if (contacts?.ownerEmails.length)
    lines.push(`  - Project owners: ${contacts.ownerEmails.join(', ')}`);
  if (contacts?.financeEmails.length)
    lines.push(`  - Finance contacts: ${contacts.financeEmails.join(', ')}`);
  lines.push(
    '  - To keep a specific job running, ask the project owners for an approved exemption; it is added to the guardrails policy with an expiry date.',
    '',
    'How to bring work back:',
    '  - Stopped jobs cannot be resumed: start them again (from their last checkpoint where they save one).',
    '  - Stopped notebook instances keep their storage (still billed) and can be started again from the SageMaker console.',
    `  - Endpoints scaled down or deleted are brought back by the platform team with: guardrails endpoints restore --project ${project.id}`,
    `  - To let work run again before the period ends, raise the budget (the next check lifts the hold) or ask the platform team to run: guardrails auto-stop release --project ${project.id}`,
  );
  return lines;
}

function auditLine(projectId: string, auditTableName: string | undefined): string[] {
  return auditTableName
    ? [
        '',
        `For engineers: every decision is recorded in the DynamoDB table ${auditTableName} under project ${projectId}.`,
      ]
    : [];
}

/** Subject and body of the report for one notification. */
export function renderReport(report: RunReport, options: ReportOptions = {}): DigestMessage {
  const project = report.project;
  const projectName = project ? `${project.name} (${project.id})` : 'an unknown project';
  const period = options.now
    ? periodLabel(report.notification?.period ?? 'monthly', options.now)
    : 'the current budget period';
  const by = (r: Outcome['result']) => report.outcomes.filter((o) => o.result === r);
  const stopped = [...by('done'), ...by('already-done')];
  const failed = by('failed');
  const leftRunning = report.outcomes.flatMap((o) => {
    const why = leftRunningWhy(o);
    return why ? [`${label(o)}: ${why}`] : [];
  });
  const count = report.executed ? stopped.length + report.queued : by('would-do').length;
  const headline = !report.proceed
    ? 'no action'
    : report.executed
      ? `${count} stopped${failed.length ? `, ${failed.length} could not be stopped` : ''}`
      : `${count} would be stopped (dry-run)`;
  const subject = `[ml-guardrails] ${project?.id ?? 'auto-stop'} ${period}: ${headline}`.slice(
    0,
    MAX_SUBJECT,
  );

  const limit = report.spend?.limitUsd ?? report.notification?.budgetedUsd;
  const actual = report.spend?.actualUsd ?? report.notification?.amountUsd;
  const body: string[] = [`Auto-stop report for ${projectName}`, ''];
  body.push(`Budget period: ${period}${project ? ` (budget ${project.budgetName})` : ''}`);
  if (limit !== undefined && actual !== undefined && limit > 0)
    body.push(
      `Spend so far: ${usd(actual)} of ${usd(limit)} (${((actual / limit) * 100).toFixed(1)} %)`,
    );
  body.push(
    report.mode === 'dry-run'
      ? 'Mode: dry-run. Nothing was changed; this report shows what would have been stopped.'
      : report.mode === 'enforce'
        ? 'Mode: enforce. Work of this project is stopped when its spend crosses the threshold.'
        : 'Mode: off. Auto-stop does not act for this project.',
  );
  if (!report.proceed) body.push('', `No action was taken: ${noActionReason(report)}.`);

  body.push(
    ...section(
      'Stopped or scaled down',
      stopped.map(
        (o) =>
          `${label(o)}: ${actionWords(o.action)}; ${saving(o.hourlyUsd)}${refusedNote(o.reason)}`,
      ),
    ),
    ...section(
      'Would have been stopped (dry-run: left running)',
      by('would-do').map((o) => `${label(o)}; ${saving(o.hourlyUsd)}`),
    ),
    ...section(
      'Being stopped (handed to a second worker; results in the audit records)',
      report.queuedNames,
    ),
  );
  if (stopped.length > 0) body.push(savingLine(stopped));
  body.push(
    ...section('Left running', leftRunning),
    ...section(
      'Could not be stopped (still running; the platform team is alerted)',
      failed.map((o) => label(o)),
    ),
  );
  if (report.proceed && report.mode !== 'off')
    body.push(
      '',
      `Until the end of ${period}, new work of this project is ${report.mode === 'dry-run' ? 'listed as it starts (dry-run)' : 'stopped as it starts'}; a daily digest lists it.`,
    );
  if (project) body.push(...contactLines(project, options.contacts));
  if (project) body.push(...auditLine(project.id, options.auditTableName));
  return { subject, body: body.join('\n') };
}

/** Subject and body of a project's daily digest of the period guard's work. */
export function renderDigest(
  project: Pick<Project, 'id' | 'name' | 'budgetName' | 'ownerEmails' | 'financeEmails'> & {
    readonly autoStop: Pick<Project['autoStop'], 'mode'>;
  },
  day: string,
  entries: readonly DigestEntry[],
  options: Pick<ReportOptions, 'auditTableName'> = {},
): DigestMessage {
  const by = (...results: Outcome['result'][]) => entries.filter((e) => results.includes(e.result));
  const stopped = by('done', 'already-done');
  const failed = by('failed');
  const leftRunning = entries.flatMap((e) => {
    const why = leftRunningWhy(e);
    return why ? [`${label(e)}: ${why}`] : [];
  });
  const wouldStop = by('would-do');
  const when = dayLabel(day);
  const headline =
    wouldStop.length > 0 && stopped.length === 0
      ? `${wouldStop.length} would have been stopped (dry-run)`
      : `${stopped.length} stopped after the threshold${failed.length ? `, ${failed.length} could not be stopped` : ''}`;
  const subject = `[ml-guardrails] ${project.id} digest ${day}: ${headline}`.slice(0, MAX_SUBJECT);
  const body: string[] = [
    `Auto-stop daily digest for ${project.name} (${project.id}), ${when}`,
    '',
    `This project is over its auto-stop threshold for the current budget period (budget ${project.budgetName}). Work that started on ${when} was handled as it started, or at the next hourly check.`,
  ];
  body.push(
    ...section(
      'Stopped or scaled down',
      stopped.map(
        (e) =>
          `${label(e)}: ${actionWords(e.action)}; ${saving(e.hourlyUsd)}${refusedNote(e.reason)}`,
      ),
    ),
    ...section(
      'Would have been stopped (dry-run: left running)',
      wouldStop.map((e) => `${label(e)}; ${saving(e.hourlyUsd)}`),
    ),
  );
  if (stopped.length > 0) body.push(savingLine(stopped));
  body.push(
    ...section('Left running', leftRunning),
    ...section(
      'Could not be stopped (still running; the platform team is alerted)',
      failed.map((e) => label(e)),
    ),
    ...contactLines(project, project),
    ...auditLine(project.id, options.auditTableName),
  );
  return { subject, body: body.join('\n') };
}

/** IAM action the publisher needs on the report topic (plus use of its KMS key). */
export const REPORT_PUBLISH_ACTIONS = ['sns:Publish'] as const;
