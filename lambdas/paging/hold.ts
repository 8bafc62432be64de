/**
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
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ALARM_STATES, type AlarmChange } from './alarm-event';

/** SQS DelaySeconds maximum (15 minutes). */
export const MAX_DELAY_SECONDS = 900;

/** IAM actions the hold store needs, granted by the paging stack on the queue and table. */
export const HOLD_QUEUE_ACTIONS = ['sqs:SendMessage'] as const;
export const HOLD_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
] as const;

const MetricSchema = z.object({
  namespace: z.string().optional(),
  metricName: z.string().optional(),
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
    previousState: z.enum(ALARM_STATES).optional(),
    reason: z.string(),
    stateChangeTime: z.string(),
    description: z.string().optional(),
    kind: z.enum(['metric', 'metric-math', 'composite']),
    metrics: z.array(MetricSchema),
    alarmRule: z.string().optional(),
    via: z.enum(['sns', 'eventbridge', 'direct']),
  }),
});
export type HeldAlarm = z.infer<typeof HeldAlarmSchema>;

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
}

/** Key of the latest-state item of an alarm (the hold item uses the bare dedup key). */
export const latestKey = (dedupKey: string) => `latest#${dedupKey}`;

function toHeld(alarm: AlarmChange): HeldAlarm['alarm'] {
  return {
    ...alarm,
    metrics: alarm.metrics.map((m) => ({ ...m, dimensions: { ...m.dimensions } })),
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
