import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryHoldStore } from '../../../bench/standin/hold-store';
import { PagerDutyStandin } from '../../../bench/standin/pagerduty';
import {
  AlarmDeliveryError,
  handleAlarmEvent,
  handleHoldBatch,
  isSqsEvent,
  type RouterDeps,
  type RouterMetric,
} from '../../../lambdas/paging/router';
import { examplePolicy } from '../../helpers/app';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'paging');
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
const KEYS: Record<string, string> = {
  'ml-guardrails/pagerduty/revenue-models': 'REVENUEKEY0123456789abcdefABCDEF',
  'ml-guardrails/pagerduty/ml-engineering': 'MLENGKEY00123456789abcdefABCDEFG',
  'ml-guardrails/pagerduty/data-science': 'DATASCIKEY0123456789abcdefABCDEF',
  'ml-guardrails/pagerduty/platform-infra': 'PLATFORMKEY123456789abcdefABCDEF',
};

let server: PagerDutyStandin;
let logs: string[];
let counts: Partial<Record<RouterMetric, number>>;
let hold: MemoryHoldStore;

function deps(at: string, overrides: Partial<RouterDeps> = {}): RouterDeps {
  const log = (level: string) => (message: string, extra?: unknown) =>
    logs.push(JSON.stringify({ level, message, extra }));
  return {
    policy: examplePolicy(),
    routingKey: async (name) => KEYS[name] ?? 'UNKNOWNKEY0123456789abcdefABCDEF',
    fetch,
    eventsApiUrl: server.url,
    hold,
    now: () => new Date(at),
    budgetMs: () => 300,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    count: (metric, value = 1) => {
      counts[metric] = (counts[metric] ?? 0) + value;
    },
    sendOptions: { baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  };
}

beforeEach(async () => {
  server = new PagerDutyStandin();
  await server.start();
  logs = [];
  counts = {};
  hold = new MemoryHoldStore();
});
afterEach(async () => {
  await server.stop();
});

describe('handleAlarmEvent', () => {
  it('pages the revenue team for a fraud endpoint alarm at 04:12 Berlin time', async () => {
    // Act
    const out = await handleAlarmEvent(
      fixture('sns-single-metric-alarm.json'),
      deps('2026-11-26T03:12:46Z'),
    );
    // Assess
    expect(out.decisions.map((d) => d.action)).toEqual(['trigger']);
    expect(server.accepted).toHaveLength(1);
    expect(server.accepted[0]).toMatchObject({
      routing_key: KEYS['ml-guardrails/pagerduty/revenue-models'],
      event_action: 'trigger',
      payload: { severity: 'critical', component: 'fraud_detection', group: 'fraud-detection' },
    });
    expect(counts).toMatchObject({ alarmsReceived: 1, pagesSent: 1 });
  });

  it('handles every record of an SNS event', async () => {
    await handleAlarmEvent(fixture('sns-two-records.json'), deps('2026-11-28T23:30:05Z'));
    expect(server.accepted.map((e) => e.event_action).sort()).toEqual(['resolve', 'trigger']);
  });

  it('sends a duplicate delivery with the same dedup key, so PagerDuty keeps one incident', async () => {
    const event = fixture('sns-single-metric-alarm.json');
    await handleAlarmEvent(event, deps('2026-11-26T03:12:46Z'));
    await handleAlarmEvent(event, deps('2026-11-26T03:12:47Z'));
    expect(new Set(server.accepted.map((e) => e.dedup_key)).size).toBe(1);
  });

  it('does not send a trigger retried after its OK was handled (no alert left open)', async () => {
    // Prepare: the OK (08:47) is handled first, then a retry of the earlier ALARM (03:12) arrives
    await handleAlarmEvent(fixture('sns-single-metric-ok.json'), deps('2026-11-26T08:47:11Z'));
    // Act
    const out = await handleAlarmEvent(
      fixture('sns-single-metric-alarm.json'),
      deps('2026-11-26T08:48:11Z'),
    );
    // Assess
    expect(out.decisions[0]).toMatchObject({
      action: 'none',
      reason: expect.stringContaining('stale'),
    });
    expect(server.accepted.map((e) => e.event_action)).toEqual(['resolve']);
    expect(counts.pagesSuppressed).toBe(1);
  });

  it('ignores an alarm configuration change without failing', async () => {
    const out = await handleAlarmEvent(
      fixture('eventbridge-configuration-change.json'),
      deps('2026-11-26T09:00:00Z'),
    );
    expect(out).toMatchObject({ ignored: 1, decisions: [] });
    expect(server.received).toHaveLength(0);
  });

  it('delivers the good records, then fails the invocation for a bad one (to the DLQ)', async () => {
    // Prepare
    const good = (fixture('sns-two-records.json') as { Records: unknown[] }).Records;
    const event = { Records: [good[0], { EventSource: 'aws:sns', Sns: { Message: 'garbage' } }] };
    // Act
    const err = await handleAlarmEvent(event, deps('2026-11-28T23:30:05Z')).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(err).toBeInstanceOf(AlarmDeliveryError);
    expect((err as AlarmDeliveryError).failures).toEqual([
      {
        index: 1,
        message: 'Records.1.Sns.Message: not JSON (is this a CloudWatch alarm notification?)',
      },
    ]);
    expect(server.accepted).toHaveLength(1);
    expect(counts.alarmsInvalid).toBe(1);
  });

  it('queues the page for durable delivery when PagerDuty keeps answering 5xx, never logging a routing key', async () => {
    // Prepare
    await server.stop();
    server = new PagerDutyStandin({
      reply: () => ({ status: 502, body: { message: 'bad gateway' } }),
    });
    await server.start();
    // Act
    const out = await handleAlarmEvent(
      fixture('sns-metric-math-alarm.json'),
      deps('2026-11-26T14:10:03Z'),
    );
    // Assess: not failed, not lost: waiting in its chain with a delivery message on the queue
    expect(out.decisions[0]?.action).toBe('trigger');
    expect(server.received.length).toBeGreaterThan(1);
    expect(counts).toMatchObject({ pagesQueued: 1 });
    expect(counts.pagesSent).toBeUndefined();
    expect(hold.chains.size).toBe(1);
    expect(hold.queue.map((m) => m.body)).toEqual([
      expect.objectContaining({ kind: 'deliver', attempt: 1 }),
    ]);
    const captured = `${logs.join('\n')}\n${JSON.stringify([...hold.chains.values()])}`;
    for (const key of Object.values(KEYS)) expect(captured).not.toContain(key);
  });

  it('queues the page when its routing-key secret cannot be read (delivered once it can)', async () => {
    const routingKey = async () => {
      throw Object.assign(new Error("Secrets Manager can't find the specified secret."), {
        name: 'ResourceNotFoundException',
      });
    };
    await handleAlarmEvent(
      fixture('sns-single-metric-alarm.json'),
      deps('2026-11-26T03:12:46Z', { routingKey }),
    );
    expect(counts.pagesQueued).toBe(1);
    expect(server.received).toHaveLength(0);
  });

  it('fails the invocation on a 400 (the event cannot succeed) and counts it', async () => {
    await server.stop();
    server = new PagerDutyStandin({
      reply: () => ({ status: 400, body: { message: 'Event object is invalid', errors: ['x'] } }),
    });
    await server.start();
    const err = await handleAlarmEvent(
      fixture('sns-single-metric-alarm.json'),
      deps('2026-11-26T03:12:46Z'),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlarmDeliveryError);
    expect(counts.pagesFailed).toBe(1);
  });

  it('holds a drift page at night for the New York team instead of paging', async () => {
    // 02:55 UTC Thursday is 21:55 Wednesday in New York
    const out = await handleAlarmEvent(
      fixture('sns-composite-alarm.json'),
      deps('2026-11-26T02:55:01Z'),
    );
    expect(out.decisions[0]).toMatchObject({
      action: 'hold',
      team: 'data-science',
      holdUntil: '2026-11-26T14:00:00.000Z',
    });
    expect(server.received).toHaveLength(0);
    expect(hold.queue).toHaveLength(1);
    expect(counts.pagesHeld).toBe(1);
  });
});

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body,
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:hold',
      awsRegion: 'eu-west-1',
    })),
  };
}

describe('handleHoldBatch', () => {
  async function holdDriftAtNight(): Promise<string> {
    await handleAlarmEvent(fixture('sns-composite-alarm.json'), deps('2026-11-26T02:55:01Z'));
    return JSON.stringify(hold.queue.shift()?.body);
  }

  it('re-queues a held page while the window is still closed', async () => {
    const body = await holdDriftAtNight();
    const out = await handleHoldBatch(sqsEvent([body]), deps('2026-11-26T03:10:01Z'));
    expect(out.batchItemFailures).toEqual([]);
    expect(hold.queue).toHaveLength(1);
    expect(server.received).toHaveLength(0);
  });

  it('pages at full severity when the window has opened, then forgets the hold', async () => {
    const body = await holdDriftAtNight();
    await handleHoldBatch(sqsEvent([body]), deps('2026-11-26T14:00:05Z'));
    expect(server.accepted[0]).toMatchObject({
      event_action: 'trigger',
      payload: { severity: 'error' },
    });
    expect(hold.items.size).toBe(0);
  });

  it('does not page a held alarm that recovered during the night', async () => {
    // Prepare: hold, then the OK arrives (resolve sent, hold released)
    const body = await holdDriftAtNight();
    const ok = JSON.parse(JSON.stringify(fixture('sns-composite-alarm.json')));
    const msg = JSON.parse(ok.Records[0].Sns.Message);
    ok.Records[0].Sns.Message = JSON.stringify({
      ...msg,
      NewStateValue: 'OK',
      OldStateValue: 'ALARM',
      StateChangeTime: '2026-11-26T05:00:00.000+0000',
    });
    await handleAlarmEvent(ok, deps('2026-11-26T05:00:01Z'));
    // Act
    const out = await handleHoldBatch(sqsEvent([body]), deps('2026-11-26T14:00:05Z'));
    // Assess
    expect(out.batchItemFailures).toEqual([]);
    expect(server.accepted.map((e) => e.event_action)).toEqual(['resolve']);
    expect(counts.pagesSuppressed).toBe(1);
  });

  it('reports only the failed messages of a batch', async () => {
    const body = await holdDriftAtNight();
    const out = await handleHoldBatch(
      sqsEvent(['{not json', body, '{"version":2}']),
      deps('2026-11-26T03:10:01Z'),
    );
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }, { itemIdentifier: 'm-2' }]);
  });

  it('recognises SQS events', () => {
    expect(isSqsEvent(sqsEvent(['{}']))).toBe(true);
    expect(isSqsEvent(fixture('sns-two-records.json'))).toBe(false);
    expect(isSqsEvent(fixture('eventbridge-state-change.json'))).toBe(false);
  });
});
