/**
 * The auto-stop function's orchestrator for one SNS event. Only records from the auto-stop topic
 * are accepted (its policy lets only AWS Budgets publish); each is keyed on what it means (budget,
 * period, threshold) so a re-published copy with a new MessageId acts once, then handed to the
 * idempotent `process`. A bad or foreign record is logged, counted and acknowledged (no retry
 * storm); AWS errors escape so Lambda retries and the on-failure queue keeps the event.
 */
import type { SNSEvent } from 'aws-lambda';
import { BudgetMessageError, parseBudgetMessage } from '../shared/budget-message';
import { notificationKey } from './decide';

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
