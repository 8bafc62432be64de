import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  handleNotifications,
  idempotencyKeyOf,
  type KeyedNotification,
} from '../../../lambdas/auto-stop/notifications';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:ml-guardrails-auto-stop';
const MESSAGE = [
  'AWS Budget Notification November 26, 2026',
  'Budget Name: ml-fraud-detection',
  'Budgeted Amount: $10,000.00',
  'Alert Type: ACTUAL',
  'Alert Threshold: > $9,500.00',
  'ACTUAL Amount: $9,612.34',
  'You requested that we alert you when the ACTUAL Cost is greater than $9,500.00 for the current month.',
].join('\n');

function event(records: { id: string; topic?: string; message?: string }[]): SNSEvent {
  return {
    Records: records.map((r) => ({
      EventSource: 'aws:sns',
      Sns: {
        MessageId: r.id,
        TopicArn: r.topic ?? TOPIC,
        Message: r.message ?? MESSAGE,
        Timestamp: '2026-11-26T12:00:00.000Z',
      },
    })),
  } as unknown as SNSEvent;
}

function run(e: SNSEvent, { topicArn }: { topicArn: string | undefined } = { topicArn: TOPIC }) {
  const processed: KeyedNotification[] = [];
  const counts: string[] = [];
  return handleNotifications(
    {
      topicArn,
      process: async (n) => void processed.push(n),
      logger: { warn: () => {}, appendKeys: () => {} },
      count: (metric) => void counts.push(metric),
    },
    e,
  ).then(() => ({ processed, counts }));
}

describe('handleNotifications', () => {
  it('keys a notification on budget, period, alert type and threshold, not on the MessageId', async () => {
    const { processed } = await run(event([{ id: 'a' }, { id: 'b' }]));
    expect(processed.map((p) => p.idempotencyKey)).toEqual([
      'ml-fraud-detection#2026-11#ACTUAL#950000',
      'ml-fraud-detection#2026-11#ACTUAL#950000',
    ]);
    expect(processed.map((p) => p.notificationId)).toEqual(['a', 'b']);
  });

  it('keys an unreadable message on its MessageId, so it is still processed once', () => {
    expect(idempotencyKeyOf('m-1', 'hello', '2026-11-26T12:00:00Z')).toBe('message#m-1');
  });

  it('refuses records from any other topic and counts them', async () => {
    const { processed, counts } = await run(
      event([{ id: 'a', topic: 'arn:aws:sns:eu-west-1:111122223333:other' }]),
    );
    expect(processed).toEqual([]);
    expect(counts).toContain('notificationsRejected');
  });

  it('accepts any topic when none is configured (the CLI replays messages)', async () => {
    const { processed } = await run(event([{ id: 'a', topic: 'x' }]), { topicArn: undefined });
    expect(processed).toHaveLength(1);
  });
});
