/**
 * The router's durable state: held pages, the latest state per alarm, deliveries waiting for
 * PagerDuty, the per-service pacing, the per-team trigger counts and the C/I notifications sent.
 *
 * "Hold until the window opens" for teams whose policy says `afterHours: hold`.
 *
 * Mechanism (the simplest reliable one without a scheduler role per alarm): the held alarm goes
 * to an SQS queue with `DelaySeconds` up to 900 (the SQS maximum: 15 minutes, per the SQS
 * developer guide "Amazon SQS delay queues"), and the router re-checks it on delivery, re-queueing
 * until the window opens. A DynamoDB item per held alarm (dedup key -> state change time) lets an
 * OK that arrives meanwhile cancel the held trigger, so nobody is paged in the morning for an
 * alarm that recovered at night. Messages that keep failing go to the hold queue's DLQ.
 */

import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { awsErrorName } from '../shared/errors';
import { retry } from '../shared/retry';
import '../shared/zod-messages';
import { ALARM_STATES, type AlarmChange } from './alarm-event';

/** SQS DelaySeconds maximum (15 minutes). */
export const MAX_DELAY_SECONDS = 900;

/** IAM actions the hold store needs, granted by the paging stack on the queue and table. */
export const HOLD_QUEUE_ACTIONS = ['sqs:SendMessage'] as const;
export const HOLD_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
] as const;

const MetricSchema = z.object({
  namespace: z.optional(z.string()),
  metricName: z.optional(z.string()),
  dimensions: z.record(z.string(), z.string()),
});

/** The body of a hold-queue message: the alarm as parsed, and when to page. */
export const HeldAlarmSchema = z.object({
  version: z.literal(1),
  holdUntil: z.string(),
  alarm: z.object({
    alarmName: z.string(),
    alarmArn: z.string(),
    accountId: z.string(),
    region: z.string(),
    state: z.enum(ALARM_STATES),
    previousState: z.optional(z.enum(ALARM_STATES)),
    reason: z.string(),
    stateChangeTime: z.string(),
    description: z.optional(z.string()),
    kind: z.enum(['metric', 'metric-math', 'composite']),
    metrics: z.array(MetricSchema),
    alarmRule: z.optional(z.string()),
    actionsSuppressedBy: z.optional(z.string()),
    actionsSuppressedReason: z.optional(z.string()),
    via: z.enum(['sns', 'eventbridge', 'direct']),
    derived: z.optional(z.array(z.string())),
  }),
});
export type HeldAlarm = z.infer<typeof HeldAlarmSchema>;

/** A C/I notification to send once the page it belongs to is delivered. */
export const NotificationSchema = z.object({
  teams: z.array(z.string()),
  subject: z.string(),
  message: z.string(),
});
export type Notification = z.infer<typeof NotificationSchema>;

/**
 * One PagerDuty event waiting for delivery behind the earlier events of its dedup key. The
 * routing key is not stored: it is read from Secrets Manager when the event is sent.
 */
export const PendingEventSchema = z.object({
  id: z.string(),
  stateChangeTime: z.string(),
  action: z.enum(['trigger', 'resolve']),
  service: z.string(),
  routingKeySecret: z.string(),
  /** The Events API body without `routing_key`. */
  body: z.record(z.string(), z.unknown()),
  notification: z.optional(NotificationSchema),
});
export type PendingEvent = z.infer<typeof PendingEventSchema>;

/** A hold-queue message that asks for the pending events of one dedup key to be sent. */
export const DeliveryMessageSchema = z.object({
  version: z.literal(1),
  kind: z.literal('deliver'),
  dedupKey: z.string(),
  /** Delivery attempts so far for the head of the chain. */
  attempt: z.number().check(z.int(), z.gte(1)),
  /** The reserved send slot (ISO 8601); before it the message is put back. */
  notBefore: z.string(),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessageSchema>;

/** Where held alarms wait. The router depends on this interface; tests use an in-memory one. */
export interface HoldStore {
  /** Records the alarm as held and schedules a re-check. */
  hold(alarm: AlarmChange, dedupKey: string, holdUntil: Date, now: Date): Promise<void>;
  /** Schedules another re-check of an alarm that is still held. */
  recheck(held: HeldAlarm, now: Date): Promise<void>;
  /** True while no later state change (an OK, a newer ALARM) replaced this held one. */
  isCurrent(alarm: AlarmChange, dedupKey: string): Promise<boolean>;
  /** Forgets the held alarm (after paging it, or when it resolved). */
  release(dedupKey: string, stateChangeTime?: string): Promise<void>;
  /**
   * Records this state change as the alarm's latest; false when a newer one was already handled
   * (SNS, EventBridge and Lambda retries do not keep order: a trigger retried after its OK must
   * not open an alert that nothing will resolve). The same state change again returns true.
   */
  claimLatest(alarm: AlarmChange, dedupKey: string): Promise<boolean>;
  /** The state change time last claimed for the alarm, if any. */
  latestTime(dedupKey: string): Promise<string | undefined>;
  /** True while events of this dedup key wait for delivery (new events must queue behind). */
  hasPending(dedupKey: string): Promise<boolean>;
  /** Appends an event to the dedup key's chain; `first` when the chain was empty before. */
  appendPending(dedupKey: string, event: PendingEvent): Promise<{ first: boolean }>;
  /** The chain, oldest first. */
  pending(dedupKey: string): Promise<PendingEvent[]>;
  /** Removes the head of the chain when it is `id`; forgets the chain once it is empty. */
  popPending(dedupKey: string, id: string): Promise<void>;
  /** Queues a delivery message, delayed until its slot (at most 15 minutes per hop). */
  scheduleDelivery(message: DeliveryMessage, now: Date): Promise<void>;
  /**
   * Reserves the next send slot of a PagerDuty service, `intervalMs` after the previous one
   * (PagerDuty's per-routing-key rate), so held retries arrive when the key accepts them.
   */
  reserveSlot(service: string, intervalMs: number, now: Date): Promise<Date>;
  /** Counts a trigger for a team in a one-minute window; returns the count so far. */
  countTrigger(team: string, window: string): Promise<number>;
  /** True the first time for this trigger of the dedup key (C/I are told once per dedup key). */
  claimNotification(dedupKey: string, stateChangeTime: string): Promise<boolean>;
  /** Forgets the notification (after a resolve), so the next trigger is told again. */
  releaseNotification(dedupKey: string): Promise<void>;
}

/** Key of the latest-state item of an alarm (the hold item uses the bare dedup key). */
export const latestKey = (dedupKey: string) => `latest#${dedupKey}`;
export const pendingKey = (dedupKey: string) => `pending#${dedupKey}`;
export const paceKey = (service: string) => `pace#${service}`;
export const rateKey = (team: string, window: string) => `rate#${team}#${window}`;
export const notifiedKey = (dedupKey: string) => `notified#${dedupKey}`;

/** Seconds until `at`, within SQS's 0-900 range. */
export function secondsUntil(at: Date, now: Date): number {
  return delaySeconds(at, now);
}

const isConditionFailure = (err: unknown) =>
  awsErrorName(err) === 'ConditionalCheckFailedException';

function toHeld(alarm: AlarmChange): HeldAlarm['alarm'] {
  return {
    ...alarm,
    metrics: alarm.metrics.map((m) => ({ ...m, dimensions: { ...m.dimensions } })),
    derived: alarm.derived === undefined ? undefined : [...alarm.derived],
  };
}

/** Seconds until `holdUntil`, within SQS's 0-900 range. */
export function delaySeconds(holdUntil: Date, now: Date): number {
  const seconds = Math.ceil((holdUntil.getTime() - now.getTime()) / 1000);
  return Math.max(0, Math.min(MAX_DELAY_SECONDS, seconds));
}

/** The SQS + DynamoDB implementation. */
export class SqsDynamoHoldStore implements HoldStore {
  constructor(
    private readonly sqs: SQSClient,
    private readonly ddb: DynamoDBDocumentClient,
    private readonly queueUrl: string,
    private readonly tableName: string,
  ) {}

  async hold(alarm: AlarmChange, dedupKey: string, holdUntil: Date, now: Date): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          dedupKey,
          stateChangeTime: alarm.stateChangeTime,
          holdUntil: holdUntil.toISOString(),
          // TTL a day after the window opens: the item never outlives its purpose.
          expiresAt: Math.floor(holdUntil.getTime() / 1000) + 86_400,
        },
      }),
    );
    await this.send({ version: 1, holdUntil: holdUntil.toISOString(), alarm: toHeld(alarm) }, now);
  }

  async recheck(held: HeldAlarm, now: Date): Promise<void> {
    await this.send(held, now);
  }

  async isCurrent(alarm: AlarmChange, dedupKey: string): Promise<boolean> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: { dedupKey }, ConsistentRead: true }),
    );
    return out.Item?.stateChangeTime === alarm.stateChangeTime;
  }

  async release(dedupKey: string, stateChangeTime?: string): Promise<void> {
    try {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { dedupKey },
          ...(stateChangeTime
            ? {
                ConditionExpression: 'stateChangeTime = :t',
                ExpressionAttributeValues: { ':t': stateChangeTime },
              }
            : {}),
        }),
      );
    } catch (err) {
      // A newer state change replaced the item: it is not ours to delete.
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  async claimLatest(alarm: AlarmChange, dedupKey: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            dedupKey: latestKey(dedupKey),
            stateChangeTime: alarm.stateChangeTime,
            state: alarm.state,
            // Kept 30 days after the change: longer than any retry or redrive path.
            expiresAt: Math.floor(Date.parse(alarm.stateChangeTime) / 1000) + 30 * 86_400,
          },
          // ISO 8601 UTC strings compare like the instants they name.
          ConditionExpression: 'attribute_not_exists(dedupKey) OR stateChangeTime <= :t',
          ExpressionAttributeValues: { ':t': alarm.stateChangeTime },
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async latestTime(dedupKey: string): Promise<string | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { dedupKey: latestKey(dedupKey) },
        ConsistentRead: true,
      }),
    );
    const t = out.Item?.stateChangeTime;
    return typeof t === 'string' ? t : undefined;
  }

  async hasPending(dedupKey: string): Promise<boolean> {
    return (await this.pending(dedupKey)).length > 0;
  }

  async appendPending(dedupKey: string, event: PendingEvent): Promise<{ first: boolean }> {
    // One atomic append: two invocations appending at once both land, in arrival order.
    const out = await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { dedupKey: pendingKey(dedupKey) },
        UpdateExpression:
          'SET events = list_append(if_not_exists(events, :empty), :e), expiresAt = :ttl',
        ExpressionAttributeValues: {
          ':empty': [],
          ':e': [event],
          // Longer than the longest retry path (about an hour), short enough to clean up.
          ':ttl': Math.floor(Date.parse(event.stateChangeTime) / 1000) + 2 * 86_400,
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const before = out.Attributes?.events;
    return { first: !Array.isArray(before) || before.length === 0 };
  }

  async pending(dedupKey: string): Promise<PendingEvent[]> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { dedupKey: pendingKey(dedupKey) },
        ConsistentRead: true,
      }),
    );
    const events = out.Item?.events;
    return Array.isArray(events) ? events.map((e) => PendingEventSchema.parse(e)) : [];
  }

  async popPending(dedupKey: string, id: string): Promise<void> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { dedupKey: pendingKey(dedupKey) },
          UpdateExpression: 'REMOVE events[0]',
          ConditionExpression: 'events[0].id = :id',
          ExpressionAttributeValues: { ':id': id },
        }),
      );
    } catch (err) {
      // Someone else already removed it: nothing to do.
      if (!isConditionFailure(err)) throw err;
    }
    try {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { dedupKey: pendingKey(dedupKey) },
          ConditionExpression: 'size(events) = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      );
    } catch (err) {
      // Events were appended meanwhile: the chain stays, and its owner keeps sending.
      if (!isConditionFailure(err)) throw err;
    }
  }

  async scheduleDelivery(message: DeliveryMessage, now: Date): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: delaySeconds(new Date(message.notBefore), now),
      }),
    );
  }

  async reserveSlot(service: string, intervalMs: number, now: Date): Promise<Date> {
    // An atomic counter on a base time: concurrent reservations never conflict. When the base
    // is stale (the key was idle), one caller moves it to now; the others retry on the new base.
    return retry(
      async () => {
        const out = await this.ddb.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { dedupKey: paceKey(service) },
            UpdateExpression: 'SET base = if_not_exists(base, :now), expiresAt = :ttl ADD seq :one',
            ExpressionAttributeValues: {
              ':now': now.getTime(),
              ':one': 1,
              ':ttl': Math.floor(now.getTime() / 1000) + 86_400,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const base = Number(out.Attributes?.base);
        const seq = Number(out.Attributes?.seq);
        const slot = base + (seq - 1) * intervalMs;
        if (slot >= now.getTime() - intervalMs) return new Date(Math.max(slot, now.getTime()));
        await this.ddb.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { dedupKey: paceKey(service) },
            UpdateExpression: 'SET base = :now, seq = :zero',
            ConditionExpression: 'base = :old',
            ExpressionAttributeValues: { ':now': now.getTime(), ':zero': 0, ':old': base },
          }),
        );
        throw Object.assign(new Error('pace base moved'), { name: 'PaceRebased' });
      },
      {
        attempts: 5,
        baseDelayMs: 5,
        maxDelayMs: 50,
        retryOn: (err) => isConditionFailure(err) || awsErrorName(err) === 'PaceRebased',
      },
    );
  }

  async countTrigger(team: string, window: string): Promise<number> {
    const out = await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { dedupKey: rateKey(team, window) },
        UpdateExpression: 'SET expiresAt = :ttl ADD triggers :one',
        ExpressionAttributeValues: {
          ':one': 1,
          ':ttl': Math.floor(Date.parse(window) / 1000) + 3600,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.triggers ?? 1);
  }

  async claimNotification(dedupKey: string, stateChangeTime: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            dedupKey: notifiedKey(dedupKey),
            stateChangeTime,
            expiresAt: Math.floor(Date.parse(stateChangeTime) / 1000) + 30 * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(dedupKey)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async releaseNotification(dedupKey: string): Promise<void> {
    await this.ddb.send(
      new DeleteCommand({ TableName: this.tableName, Key: { dedupKey: notifiedKey(dedupKey) } }),
    );
  }

  private async send(held: HeldAlarm, now: Date): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(held),
        DelaySeconds: delaySeconds(new Date(held.holdUntil), now),
      }),
    );
  }
}
