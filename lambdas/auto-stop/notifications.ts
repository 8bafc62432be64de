/**
 * The auto-stop function's orchestrator for one SNS event. Only records from the auto-stop topic
 * are accepted (its policy lets only AWS Budgets publish); each is keyed on what it means (budget,
 * period, threshold) so a re-published copy with a new MessageId acts once, then handed to the
 * idempotent `process` (`processNotification` below: one notification end to end). A bad or
 * foreign record is logged, counted and acknowledged (no retry storm); AWS errors escape so
 * Lambda retries and the on-failure queue keeps the event.
 */
import type { SNSEvent } from 'aws-lambda';
import type { Project } from '../../lib/config/schema';
import { BudgetMessageError, parseBudgetMessage } from '../shared/budget-message';
import type { ChangeEventSink } from '../shared/eventbridge';
import { runChangeDetail } from './change-events';
import { notificationKey } from './decide';
import { type AutoStopDeps, runNotification } from './orchestrator';
import type { HoldRecorder } from './period-guard/recorder';
import type { DigestMessage } from './report';
import { countOutcomes, type RunReport } from './run-report';

/** A notification ready for the idempotent run. */
export interface KeyedNotification {
  /** Budget, period, alert type and threshold; the MessageId when the message cannot be read. */
  readonly idempotencyKey: string;
  readonly notificationId: string;
  readonly message: string;
}

export interface NotificationsDeps {
  /** The only topic whose records are accepted. @default - any (the CLI) */
  readonly topicArn: string | undefined;
  readonly process: (notification: KeyedNotification) => Promise<unknown>;
  readonly logger: {
    warn(message: string, extra?: Record<string, unknown>): void;
    appendKeys(keys: Record<string, unknown>): void;
  };
  readonly count: (metric: string, value?: number) => void;
}

/** The idempotency key of a record (pure). */
export function idempotencyKeyOf(messageId: string, message: string, timestamp: string): string {
  const published = new Date(timestamp);
  try {
    const parsed = parseBudgetMessage(message);
    if (!Number.isNaN(published.getTime())) return notificationKey(parsed, published);
  } catch (err) {
    if (!(err instanceof BudgetMessageError)) throw err;
  }
  return `message#${messageId}`;
}

export async function handleNotifications(deps: NotificationsDeps, event: SNSEvent): Promise<void> {
  const records = Array.isArray(event?.Records) ? event.Records : [];
  if (records.length === 0) {
    deps.logger.warn('Event without SNS records', { keys: Object.keys(event ?? {}) });
    deps.count('notificationsRejected');
    return;
  }
  for (const record of records) {
    // Every delivery counts here (the dashboard's "budget notifications received").
    deps.count('notificationsReceived');
    const notificationId = record?.Sns?.MessageId;
    if (!notificationId) {
      deps.logger.warn('SNS record without MessageId', { eventSource: record?.EventSource });
      deps.count('notificationsRejected');
      continue;
    }
    if (deps.topicArn && record.Sns.TopicArn !== deps.topicArn) {
      deps.logger.warn('SNS record from another topic: ignored', {
        notificationId,
        topicArn: record.Sns.TopicArn,
      });
      deps.count('notificationsRejected');
      continue;
    }
    deps.logger.appendKeys({ notificationId });
    const message = record.Sns.Message ?? '';
    await deps.process({
      idempotencyKey: idempotencyKeyOf(notificationId, message, record.Sns.Timestamp),
      notificationId,
      message,
    });
  }
}

/** What the idempotency record keeps of a run (DynamoDB items are limited to 400 KB). */
export interface RunSummary {
  readonly notificationId: string;
  readonly project: string | null;
  readonly proceed: boolean;
  readonly decision: string;
  readonly counts: ReturnType<typeof countOutcomes>;
}

export function summarizeRun(report: RunReport): RunSummary {
  return {
    notificationId: report.notificationId,
    project: report.project?.id ?? null,
    proceed: report.proceed,
    decision: report.decision.slice(0, 500),
    counts: countOutcomes(report),
  };
}

/** What one notification's run needs besides the run's own dependencies. */
export interface ProcessDeps {
  readonly run: AutoStopDeps;
  /** The function's own account (budgets are read there); the hold falls back to it. */
  readonly accountId: string | undefined;
  readonly recordRun: (report: RunReport) => void;
  /** Records the period guard's hold; absent when the guard is not deployed. */
  readonly recordHold?: HoldRecorder;
  readonly changeEvents: ChangeEventSink;
  /** Renders and sends the summary to the project's readers; absent without a report topic. */
  readonly report?: {
    readonly render: (report: RunReport, project: Project) => DigestMessage;
    readonly publish: (project: Project, message: DigestMessage) => Promise<unknown>;
  };
}

/**
 * One notification, end to end: run it, count it, record the hold when it crossed the threshold
 * (the period guard keeps the project stopped until the period ends), tell PagerDuty's timeline,
 * and send one summary about a known project whose auto-stop is not off.
 */
export async function processNotification(
  deps: ProcessDeps,
  input: KeyedNotification,
): Promise<RunSummary> {
  const report = await runNotification(deps.run, input, { execute: true });
  deps.recordRun(report);
  await deps.recordHold?.(report, deps.accountId);
  const change = runChangeDetail(report);
  if (change) await deps.changeEvents(change);
  const project = deps.run.policy.projects.find((p) => p.id === report.project?.id);
  if (deps.report && project && report.mode !== 'off')
    await deps.report.publish(project, deps.report.render(report, project));
  return summarizeRun(report);
}
