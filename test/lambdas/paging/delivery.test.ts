import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryHoldStore } from '../../../bench/standin/hold-store';
import { PagerDutyStandin, type StandinReply } from '../../../bench/standin/pagerduty';
import type { Notification } from '../../../lambdas/paging/hold';
import {
  handleAlarmEvent,
  handleHoldBatch,
  type RouterDeps,
  type RouterMetric,
} from '../../../lambdas/paging/router';
import { buildAutoStopDetail } from '../../../lambdas/shared/change-events';
import type { GuardrailsPolicy } from '../../../lib/config/schema';
import { examplePolicy } from '../../helpers/app';
import {
  arnOf,
  ebMetricEvent,
  snsCompositeMessage,
  snsEvent,
  snsMetricMessage,
} from '../../helpers/paging';

const KEY = 'ROUTINGKEY0123456789abcdefABCDEF';
let server: PagerDutyStandin;
let hold: MemoryHoldStore;
let counts: Partial<Record<RouterMetric, number>>;
let clock: number;
let notifications: Notification[];

function deps(overrides: Partial<RouterDeps> = {}): RouterDeps {
  return {
    policy: examplePolicy(),
    routingKey: async () => KEY,
    fetch,
    eventsApiUrl: server.url,
    hold,
    now: () => new Date(clock),
    budgetMs: () => 60_000,
    liveRetryMs: 0,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    count: (metric, value = 1) => {
      counts[metric] = (counts[metric] ?? 0) + value;
    },
    notify: async (n) => {
      notifications.push(n);
      return [];
    },
    sendOptions: { baseDelayMs: 1, maxDelayMs: 2 },
    ...overrides,
  };
}

function sqs(body: unknown): SQSEvent {
  return {
    Records: [
      {
        messageId: 'm',
        receiptHandle: 'r',
        body: JSON.stringify(body),
        attributes: {} as SQSEvent['Records'][number]['attributes'],
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:hold',
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

/** Delivers due hold-queue messages in time order, like SQS with delays, on a virtual clock. */
async function drain(d: () => RouterDeps, until = Number.POSITIVE_INFINITY): Promise<number> {
  let delivered = 0;
  while (hold.queue.length > 0) {
    hold.queue.sort((a, b) => a.visibleAt - b.visibleAt);
    const next = hold.queue[0];
    if (!next || next.visibleAt > until) break;
    hold.queue.shift();
    clock = Math.max(clock, next.visibleAt);
    const out = await handleHoldBatch(sqs(next.body), d());
    if (out.batchItemFailures.length > 0) throw new Error('delivery failed for good');
    delivered++;
  }
  return delivered;
}

const DAY = Date.parse('2026-11-26T15:00:00Z');
const latency = (state: 'ALARM' | 'OK', at: string) => ({
  ...snsMetricMessage(
    'churn-prod-latency',
    'AWS/SageMaker',
    'ModelLatency',
    [{ name: 'EndpointName', value: 'churn-prod' }],
    state,
  ),
  StateChangeTime: at,
});

beforeEach(() => {
  hold = new MemoryHoldStore();
  counts = {};
  notifications = [];
  clock = DAY;
});
afterEach(async () => {
  await server.stop();
});

async function start(options: ConstructorParameters<typeof PagerDutyStandin>[0] = {}) {
  server = new PagerDutyStandin({ now: () => clock, ...options });
  await server.start();
}

describe('durable delivery through the hold queue', () => {
  it('keeps a resolve behind its throttled trigger, then delivers both in order', async () => {
    // Prepare: PagerDuty throttles the first two requests (the trigger, live and nothing else)
    await start({ reply: (_e, n) => (n <= 1 ? ({ status: 429 } as StandinReply) : undefined) });
    // Act: the trigger is throttled and queued; the OK arrives while it waits
    await handleAlarmEvent(snsEvent(latency('ALARM', '2026-11-26T14:59:00.000+0000')), deps());
    clock += 5_000;
    await handleAlarmEvent(snsEvent(latency('OK', '2026-11-26T15:00:04.000+0000')), deps());
    // Assess: nothing reached PagerDuty out of order before the queue ran
    expect(server.accepted).toHaveLength(0);
    await drain(deps);
    expect(server.accepted.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(new Set(server.accepted.map((e) => e.dedup_key))).toEqual(
      new Set([arnOf('churn-prod-latency')]),
    );
    expect(hold.chains.size).toBe(0);
  });

  it('retries 5xx with backoff (15 s doubling, capped at 15 min) until PagerDuty recovers, none lost', async () => {
    // Prepare: PagerDuty is down for the first 10 minutes
    const outageEnds = DAY + 10 * 60_000;
    await start({ reply: () => (clock < outageEnds ? { status: 503 } : undefined) });
    // Act
    await handleAlarmEvent(snsEvent(latency('ALARM', '2026-11-26T14:59:00.000+0000')), deps());
    await drain(deps);
    // Assess
    expect(server.accepted.map((e) => e.event_action)).toEqual(['trigger']);
    expect(clock).toBeGreaterThanOrEqual(outageEnds);
    expect(counts.pagesSent).toBe(1);
    // live at 0, then 15, 45, 105, 225 and 465 s (still down), 945 s: delivered
    expect(server.received).toHaveLength(7);
  });

  it('fails the delivery message after the last attempt, so SQS moves it to the dead-letter queue', async () => {
    await start({ reply: () => ({ status: 503 }) });
    await handleAlarmEvent(
      snsEvent(latency('ALARM', '2026-11-26T14:59:00.000+0000')),
      deps({ maxDeliveryAttempts: 3 }),
    );
    await expect(drain(() => deps({ maxDeliveryAttempts: 3 }))).rejects.toThrow(/failed for good/);
    expect(counts.pagesFailed).toBe(1);
    expect(hold.chains.size).toBe(1);
  });

  it('paces queued events of one service at its per-key rate (120/min -> 500 ms apart)', async () => {
    // Prepare: every live send is throttled, every queued one accepted
    await start({ reply: () => ({ status: 429 }) });
    // Act: ten different alarms of one team at once
    for (let i = 0; i < 10; i++)
      await handleAlarmEvent(
        snsEvent({
          ...latency('ALARM', '2026-11-26T14:59:00.000+0000'),
          AlarmName: `churn-prod-latency-${i}`,
          AlarmArn: arnOf(`churn-prod-latency-${i}`),
        }),
        deps(),
      );
    // Assess: the delivery messages are due one slot apart (SQS delays are whole seconds)
    const due = hold.queue.map((m) => (m.body as { notBefore: string }).notBefore).map(Date.parse);
    expect(due.map((t) => t - DAY)).toEqual([
      0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500,
    ]);
  });

  it('drops a queued trigger when a newer state change of the alarm was already sent directly', async () => {
    // Prepare: a trigger is queued, its chain is emptied behind our back (the race), the OK was sent
    await start({ reply: (_e, n) => (n === 1 ? { status: 429 } : undefined) });
    await handleAlarmEvent(snsEvent(latency('ALARM', '2026-11-26T14:59:00.000+0000')), deps());
    const chain = hold.chains.get(arnOf('churn-prod-latency')) ?? [];
    hold.chains.delete(arnOf('churn-prod-latency'));
    await handleAlarmEvent(snsEvent(latency('OK', '2026-11-26T15:00:04.000+0000')), deps());
    hold.chains.set(arnOf('churn-prod-latency'), chain);
    // Act
    await drain(deps);
    // Assess
    expect(server.accepted.map((e) => e.event_action)).toEqual(['resolve']);
    expect(counts.pagesSuppressed).toBe(1);
  });
});

describe('Consulted and Informed notifications', () => {
  const drift = (state: 'ALARM' | 'OK', at: string) => ({
    ...snsCompositeMessage('churn-prediction-drift', 'ALARM(x)', state),
    StateChangeTime: at,
  });

  it('tells the C and I teams once per dedup key, with the summary, runbook and who was paged', async () => {
    await start();
    // Act: the same trigger delivered twice (SNS at least once), then resolved and triggered again
    await handleAlarmEvent(snsEvent(drift('ALARM', '2026-11-26T14:59:00.000+0000')), deps());
    await handleAlarmEvent(snsEvent(drift('ALARM', '2026-11-26T14:59:00.000+0000')), deps());
    // Assess
    expect(notifications).toHaveLength(1);
    expect(notifications[0]?.teams.sort()).toEqual(['ml-engineering', 'platform']);
    expect(notifications[0]?.message).toMatch(/Paged: data-science/);
    expect(notifications[0]?.message).toMatch(
      /Runbook: https:\/\/runbooks\.example\.com\/ml\/model-drift/,
    );
    expect(notifications[0]?.subject.length).toBeLessThanOrEqual(100);
    // The next incident of the alarm is told again
    await handleAlarmEvent(snsEvent(drift('OK', '2026-11-26T15:10:00.000+0000')), deps());
    await handleAlarmEvent(snsEvent(drift('ALARM', '2026-11-26T15:20:00.000+0000')), deps());
    expect(notifications).toHaveLength(2);
  });

  it('tells nobody while the page is held, and tells them when the queued page is finally delivered', async () => {
    await start({ reply: (_e, n) => (n === 1 ? { status: 503 } : undefined) });
    await handleAlarmEvent(snsEvent(drift('ALARM', '2026-11-26T14:59:00.000+0000')), deps());
    expect(notifications).toHaveLength(0);
    await drain(deps);
    expect(notifications).toHaveLength(1);
  });

  it('does not fail or re-send the page when a notification cannot be published', async () => {
    await start();
    const out = await handleAlarmEvent(
      snsEvent(drift('ALARM', '2026-11-26T14:59:00.000+0000')),
      deps({ notify: async (n) => n.teams }),
    );
    expect(out.decisions[0]?.action).toBe('trigger');
    expect(server.accepted).toHaveLength(1);
    expect(counts.notificationsFailed).toBe(2);
  });
});

describe('per-team rate limit', () => {
  it('degrades to one summary page beyond the limit per minute', async () => {
    // Prepare: a limit of 3 triggers per team and minute
    await start();
    const policy: GuardrailsPolicy = {
      ...examplePolicy(),
      paging: { ...examplePolicy().paging, pagesPerTeamPerMinute: 3 },
    };
    // Act: 10 different alarms for one team within one minute
    for (let i = 0; i < 10; i++)
      await handleAlarmEvent(
        snsEvent({
          ...latency('ALARM', '2026-11-26T14:59:00.000+0000'),
          AlarmName: `churn-prod-latency-${i}`,
          AlarmArn: arnOf(`churn-prod-latency-${i}`),
        }),
        deps({ policy }),
      );
    // Assess: 3 pages and one summary
    const triggers = server.accepted.filter((e) => e.event_action === 'trigger');
    expect(triggers).toHaveLength(4);
    expect(String(triggers[3]?.dedup_key)).toMatch(/^ml-guardrails\/rate-limit\/ml-engineering\//);
    expect((triggers[3]?.payload as { summary?: string } | undefined)?.summary).toMatch(
      /more than 3 pages for ml-engineering/,
    );
    expect(counts.pagesSummarised).toBe(7);
  });
});

describe('change events', () => {
  const autoStop = (detail: unknown) => ({
    version: '0',
    id: 'e1',
    'detail-type': 'Auto-stop action',
    source: 'ml-guardrails.auto-stop',
    account: '111122223333',
    time: '2026-11-26T15:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  });

  it.each([
    [
      'training jobs stopped',
      'churn-prediction',
      'stopped',
      'data-science',
      /2 resource\(s\) of project churn-prediction stopped: training-job t1, training-job t2/,
    ],
    [
      'an endpoint parked',
      'fraud-detection',
      'parked',
      'ml-engineering',
      /parked \(deleted, config kept for restore\)/,
    ],
    ['an endpoint restored', 'fraud-detection', 'restored', 'ml-engineering', /restored/],
  ])(
    "sends %s to the owning team's service at /v2/change/enqueue",
    async (_n, project, action, team, summary) => {
      // Prepare
      await start();
      const keys: string[] = [];
      const resources =
        action === 'stopped'
          ? [
              { kind: 'training-job', name: 't1' },
              { kind: 'training-job', name: 't2' },
            ]
          : [{ kind: 'endpoint', name: 'fraud-detection-prod' }];
      // Act
      await handleAlarmEvent(
        autoStop({ project, action, resources }),
        deps({
          routingKey: async (name) => {
            keys.push(name);
            return KEY;
          },
        }),
      );
      // Assess
      expect(server.paths).toEqual(['/v2/change/enqueue']);
      expect(server.accepted[0]).toMatchObject({
        routing_key: KEY,
        payload: { summary: expect.stringMatching(summary) },
      });
      const service = examplePolicy().teams.find((t) => t.id === team)?.pagerdutyService;
      expect(keys).toEqual([`ml-guardrails/pagerduty/${service}`]);
      expect(counts.changeEventsSent).toBe(1);
    },
  );

  it("renders a detail built by the producers' builder: counts per action and the whole run's total", async () => {
    // Prepare: a run that stopped 30 jobs and parked one endpoint (only 20 are named).
    await start();
    const detail = buildAutoStopDetail({
      project: 'fraud-detection',
      changes: [
        ...Array.from({ length: 30 }, (_, i) => ({
          kind: 'training-job',
          name: `t${i}`,
          action: 'stopped' as const,
        })),
        { kind: 'endpoint', name: 'fraud-rt', action: 'parked' as const },
      ],
    });
    // Act
    await handleAlarmEvent(autoStop(detail), deps());
    // Assess
    expect(server.paths).toEqual(['/v2/change/enqueue']);
    const payload = server.accepted[0]?.payload as
      | { summary?: string; custom_details?: Record<string, unknown> }
      | undefined;
    expect(payload?.summary).toMatch(
      /31 resource\(s\) of project fraud-detection 30 stopped, 1 parked .*: training-job t0, .* and 26 more/,
    );
    expect(payload?.custom_details).toMatchObject({
      resourceCount: 31,
      counts: { stopped: 30, parked: 1 },
    });
  });

  it('fails the invocation for an auto-stop event it cannot read', async () => {
    await start();
    await expect(
      handleAlarmEvent(autoStop({ project: 'x', action: 'exploded' }), deps()),
    ).rejects.toThrow(/detail\.action/);
  });

  it("sends the heartbeat to the platform team's service, and fails when PagerDuty refuses it", async () => {
    await start();
    const heartbeat = {
      source: 'ml-guardrails.paging',
      'detail-type': 'Heartbeat',
      time: '2026-11-26T15:00:00Z',
      detail: {},
    };
    await handleAlarmEvent(heartbeat, deps());
    expect(server.paths).toEqual(['/v2/change/enqueue']);
    expect(counts.heartbeatsDelivered).toBe(1);
    await server.stop();
    await start({ reply: () => ({ status: 400, body: { message: 'Invalid routing key' } }) });
    await expect(handleAlarmEvent(heartbeat, deps())).rejects.toThrow(/rejected/);
  });
});

describe('the DescribeAlarms lookup in the router', () => {
  const eb = ebMetricEvent('churn-prod-5xx', 'AWS/SageMaker', 'Invocation5XXErrors', {
    EndpointName: 'churn-prod',
  });

  it('looks up EventBridge alarms and pages nobody for one whose actions are disabled', async () => {
    await start();
    const asked: string[] = [];
    const out = await handleAlarmEvent(
      eb,
      deps({
        lookupAlarm: async (name) => {
          asked.push(name);
          return { status: 'found', actionsEnabled: false, alarmActions: [], parents: [] };
        },
      }),
    );
    expect(asked).toEqual(['churn-prod-5xx']);
    expect(out.decisions[0]).toMatchObject({ action: 'none', scope: 'actions-disabled' });
    expect(server.received).toHaveLength(0);
    expect(counts.alarmsOutOfScope).toBe(1);
  });

  it('pages when the lookup failed (fail open)', async () => {
    await start();
    await handleAlarmEvent(
      eb,
      deps({ lookupAlarm: async () => ({ status: 'failed', error: 'AccessDenied' }) }),
    );
    expect(server.accepted.map((e) => e.event_action)).toEqual(['trigger']);
  });

  it('does not look up alarms that came through the alarms topic (their action fired)', async () => {
    await start();
    let asked = 0;
    await handleAlarmEvent(
      snsEvent(latency('ALARM', '2026-11-26T14:59:00.000+0000')),
      deps({
        lookupAlarm: async () => {
          asked++;
          return { status: 'not-found' };
        },
      }),
    );
    expect(asked).toBe(0);
    expect(server.accepted).toHaveLength(1);
  });

  it('counts unclassified alarms and sends nothing for them', async () => {
    await start();
    const rds = ebMetricEvent('orders-db-cpu', 'AWS/RDS', 'CPUUtilization', {
      DBInstanceIdentifier: 'o',
    });
    await handleAlarmEvent(rds, deps());
    expect(counts.alarmsUnclassified).toBe(1);
    expect(server.received).toHaveLength(0);
  });
});
