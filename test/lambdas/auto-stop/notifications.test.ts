import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  handleNotifications,
  idempotencyKeyOf,
  type KeyedNotification,
  type ProcessDeps,
  processNotification,
  summarizeRun,
} from '../../../lambdas/auto-stop/notifications';
import type { AutoStopDeps } from '../../../lambdas/auto-stop/orchestrator';
import type { RunReport } from '../../../lambdas/auto-stop/run-report';
import { examplePolicy } from '../../helpers/app';
import { runReport } from '../../helpers/auto-stop';

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

describe('processNotification', () => {
  /** Sinks that record what reached them; the run needs only the policy for an unknown budget. */
  function sinks() {
    const seen = {
      runs: [] as RunReport[],
      holds: [] as (string | undefined)[],
      changes: 0,
      sent: 0,
    };
    const deps: ProcessDeps = {
      run: { policy: examplePolicy(), now: () => new Date('2026-11-26T12:00:00Z') } as AutoStopDeps,
      accountId: '111122223333',
      recordRun: (r) => void seen.runs.push(r),
      recordHold: async (_r, account) => void seen.holds.push(account),
      changeEvents: async () => {
        seen.changes++;
        return true;
      },
      report: {
        render: () => ({ subject: 's', body: 'b' }),
        publish: async () => void seen.sent++,
      },
    };
    return { deps, seen };
  }

  it('counts and offers to the hold recorder a notification of a budget the policy does not know, but stops, tells and sends nothing', async () => {
    const { deps, seen } = sinks();
    const summary = await processNotification(deps, {
      idempotencyKey: 'k',
      notificationId: 'm-1',
      message: MESSAGE.replace('ml-fraud-detection', 'ml-not-in-the-policy'),
    });
    expect(summary).toMatchObject({ notificationId: 'm-1', project: null, proceed: false });
    expect(seen.runs).toHaveLength(1);
    expect(seen.holds).toEqual(['111122223333']);
    expect(seen.changes).toBe(0);
    expect(seen.sent).toBe(0);
  });

  it('keeps only a summary for the idempotency record, with the decision cut to 500 characters', () => {
    const summary = summarizeRun(runReport({ decision: 'x'.repeat(2000) }));
    expect(summary.decision).toHaveLength(500);
    expect(Object.keys(summary).sort()).toEqual(
      ['counts', 'decision', 'notificationId', 'proceed', 'project'].sort(),
    );
  });
});
