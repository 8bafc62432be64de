/**
 * Paging benchmark.
 *
 * 1. Decisions per second of the pure router (`route`), over a mix of alarm kinds, teams and
 *    times (inside and outside coverage, holds, resolves).
 * 2. The paging storm with PagerDuty's rate limit modelled: 1,000 alarm records arrive within
 *    one minute, all for one team and so one routing key. The local PagerDuty on 127.0.0.1
 *    accepts about 120 events per minute per routing key (PagerDuty community answer "Events -
 *    120/min (enforced per-integration-key)"), as a token bucket with a burst of 120 (the burst
 *    is our assumption) and answers 429 beyond it. The router's orchestrator (the code the
 *    handler runs) handles every record; the hold queue is the in-memory stand-in with SQS's
 *    whole-second delays of at most 900 s, driven on a simulated clock so eight minutes of
 *    pacing run in seconds (HTTP to the stand-in is real). Every page must be delivered within
 *    1.1 x the rate-limit floor (1,000 / 120 per minute = 500 s), none in the dead-letter queue,
 *    none lost. The per-team page limit is off here (`pagesPerTeamPerMinute: 0`): the storm
 *    measures delivery; with the limit on, the excess becomes one summary page.
 * 3. 1,000 unclassified alarms (another team's RDS alarms through EventBridge) in one minute:
 *    0 pages.
 */
import * as path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import type { AlarmChange } from '../lambdas/paging/alarm-event';
import { route } from '../lambdas/paging/route';
import { handleAlarmEvent, handleHoldBatch, type RouterDeps } from '../lambdas/paging/router';
import { loadPolicyFile } from '../lib/config/load';
import type { GuardrailsPolicy } from '../lib/config/schema';
import { MemoryHoldStore } from './standin/hold-store';
import { PagerDutyStandin } from './standin/pagerduty';
import { type BenchSuite, type BenchTarget, printTable } from './suite';

const ROOT = path.join(__dirname, '..');
const STORM = 1000;
const RATE = 120;
const FLOOR_S = (STORM / RATE) * 60;
const KEY = 'BENCHROUTINGKEY0123456789abcdefA';
const ACCOUNT = '111122223333';

function latencyMessage(i: number): Record<string, unknown> {
  const name = `churn-${i}-latency`;
  return {
    AlarmName: name,
    AlarmDescription: null,
    AWSAccountId: ACCOUNT,
    NewStateValue: 'ALARM',
    NewStateReason:
      'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold.',
    StateChangeTime: '2026-11-26T14:00:00.000+0000',
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${name}`,
    OldStateValue: 'OK',
    Trigger: {
      MetricName: 'ModelLatency',
      Namespace: 'AWS/SageMaker',
      Dimensions: [{ name: 'EndpointName', value: `churn-${i}` }],
      Threshold: 1,
    },
  };
}

function rdsEvent(i: number) {
  const name = `orders-db-${i}-cpu`;
  return {
    version: '0',
    id: `e-${i}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: '2026-11-26T14:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${name}`],
    detail: {
      alarmName: name,
      state: {
        value: 'ALARM',
        reason: 'Threshold Crossed',
        timestamp: '2026-11-26T14:00:00.000+0000',
      },
      configuration: {
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: {
                namespace: 'AWS/RDS',
                name: 'CPUUtilization',
                dimensions: { DBInstanceIdentifier: `orders-${i}` },
              },
            },
          },
        ],
      },
    },
  };
}

const snsEvent = (message: unknown) => ({
  Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'x', Message: JSON.stringify(message) } }],
});

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
        eventSourceARN: `arn:aws:sqs:eu-west-1:${ACCOUNT}:hold`,
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

function benchRouter(policy: GuardrailsPolicy): { decisions: number; perSecond: number } {
  const alarms: AlarmChange[] = Array.from({ length: 400 }, (_, i) => ({
    alarmName: `churn-${i}-latency`,
    alarmArn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:churn-${i}-latency`,
    accountId: ACCOUNT,
    region: 'eu-west-1',
    state: i % 5 === 0 ? 'OK' : 'ALARM',
    reason: 'Threshold Crossed',
    stateChangeTime: '2026-11-26T03:12:45.123Z',
    kind: 'metric',
    metrics: [
      {
        namespace: i % 3 === 0 ? '/aws/sagemaker/Endpoints/data-metric' : 'AWS/SageMaker',
        metricName: i % 2 === 0 ? 'ModelLatency' : 'Invocation5XXErrors',
        dimensions: { EndpointName: i % 4 === 0 ? `fraud-detection-${i}` : `churn-${i}` },
      },
    ],
    via: 'sns',
  }));
  // A week of instants, every 17 minutes: days, nights, weekends.
  const times = Array.from(
    { length: 600 },
    (_, i) => new Date(Date.UTC(2026, 10, 23) + i * 17 * 60_000),
  );
  const n = 100_000;
  for (let i = 0; i < 2000; i++)
    route(alarms[i % alarms.length] as AlarmChange, policy, times[i % times.length] as Date);
  const started = performance.now();
  for (let i = 0; i < n; i++)
    route(alarms[i % alarms.length] as AlarmChange, policy, times[(i * 7) % times.length] as Date);
  const seconds = (performance.now() - started) / 1000;
  return { decisions: n, perSecond: Math.round(n / seconds) };
}

interface StormResult {
  readonly records: number;
  readonly accepted: number;
  readonly pagesAccepted: number;
  readonly lastDeliveryS: number;
  readonly throttled: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly wallS: number;
}

/** Runs a storm on a simulated clock: arrivals spread over a minute, hold-queue messages when due. */
async function storm(
  policy: GuardrailsPolicy,
  events: unknown[],
  expectedDedupKeys: readonly string[],
): Promise<StormResult> {
  const start = Date.parse('2026-11-26T14:00:00Z');
  let clock = start;
  const pd = new PagerDutyStandin({ perKeyPerMinute: RATE, burst: RATE, now: () => clock });
  const url = await pd.start();
  const hold = new MemoryHoldStore();
  let deadLettered = 0;
  const deps = (): RouterDeps => ({
    policy,
    routingKey: async () => KEY,
    fetch,
    eventsApiUrl: url,
    hold,
    now: () => new Date(clock),
    budgetMs: () => 60_000,
    // One live attempt: the simulated clock does not advance during real sleeps.
    liveRetryMs: 0,
    lookupAlarm: async () => ({
      status: 'found',
      actionsEnabled: true,
      alarmActions: [],
      parents: [],
    }),
    ownAccount: ACCOUNT,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    count: () => undefined,
  });
  const deliverDue = async (until: number) => {
    while (hold.queue.length > 0) {
      hold.queue.sort((a, b) => a.visibleAt - b.visibleAt);
      const next = hold.queue[0];
      if (!next || next.visibleAt > until) return;
      hold.queue.shift();
      clock = Math.max(clock, next.visibleAt);
      const out = await handleHoldBatch(sqs(next.body), deps());
      // SQS would redeliver and finally dead-letter it: count it as dead-lettered.
      deadLettered += out.batchItemFailures.length;
    }
  };
  const started = performance.now();
  try {
    for (let i = 0; i < events.length; i++) {
      const arrival = start + Math.floor((i * 60_000) / events.length);
      await deliverDue(arrival);
      clock = Math.max(clock, arrival);
      await handleAlarmEvent(events[i], deps());
    }
    await deliverDue(Number.POSITIVE_INFINITY);
  } finally {
    await pd.stop();
  }
  const accepted = new Set(pd.accepted.map((e) => String(e.dedup_key)));
  const last = pd.acceptedAt.length > 0 ? Math.max(...pd.acceptedAt) : start;
  return {
    records: events.length,
    accepted: pd.accepted.length,
    pagesAccepted: expectedDedupKeys.filter((k) => accepted.has(k)).length,
    lastDeliveryS: (last - start) / 1000,
    throttled: pd.throttled,
    deadLettered,
    lost: expectedDedupKeys.filter((k) => !accepted.has(k)).length,
    wallS: (performance.now() - started) / 1000,
  };
}

const suite: BenchSuite = {
  name: 'paging',
  async run() {
    const base = loadPolicyFile(path.join(ROOT, 'config', 'guardrails.yaml'));
    const router = benchRouter(base);
    const policy: GuardrailsPolicy = {
      ...base,
      paging: { ...base.paging, pagesPerTeamPerMinute: 0, eventsPerMinutePerKey: RATE },
    };
    const arns = Array.from({ length: STORM }, (_, i) => String(latencyMessage(i).AlarmArn));
    const rateLimited = await storm(
      policy,
      Array.from({ length: STORM }, (_, i) => snsEvent(latencyMessage(i))),
      arns,
    );
    const unclassified = await storm(
      policy,
      Array.from({ length: STORM }, (_, i) => rdsEvent(i)),
      [],
    );
    const ratio = rateLimited.lastDeliveryS / FLOOR_S;
    const rows = [
      {
        scenario: 'route() (pure)',
        records: router.decisions,
        'decisions/s': router.perSecond,
        'pages accepted': '-',
        'last delivery s (simulated)': '-',
        'floor s': '-',
        'x floor': '-',
        '429s': '-',
        DLQ: '-',
        lost: '-',
        'wall s': (router.decisions / router.perSecond).toFixed(2),
      },
      {
        scenario: 'storm, 1 key, 120/min',
        records: rateLimited.records,
        'decisions/s': '-',
        'pages accepted': rateLimited.pagesAccepted,
        'last delivery s (simulated)': rateLimited.lastDeliveryS.toFixed(1),
        'floor s': FLOOR_S.toFixed(0),
        'x floor': ratio.toFixed(3),
        '429s': rateLimited.throttled,
        DLQ: rateLimited.deadLettered,
        lost: rateLimited.lost,
        'wall s': rateLimited.wallS.toFixed(2),
      },
      {
        scenario: 'unclassified storm',
        records: unclassified.records,
        'decisions/s': '-',
        'pages accepted': unclassified.accepted,
        'last delivery s (simulated)': '-',
        'floor s': '-',
        'x floor': '-',
        '429s': unclassified.throttled,
        DLQ: unclassified.deadLettered,
        lost: '-',
        'wall s': unclassified.wallS.toFixed(2),
      },
    ];
    const targets: BenchTarget[] = [
      {
        description: 'pure router decisions per second >= 20,000',
        actual: `${router.perSecond.toLocaleString('en-US')}/s`,
        met: router.perSecond >= 20_000,
      },
      {
        description: `storm of ${STORM} records on one routing key at ${RATE}/min: every page delivered within 1.1 x the floor (${FLOOR_S.toFixed(0)} s)`,
        actual: `${rateLimited.pagesAccepted} delivered, last at ${rateLimited.lastDeliveryS.toFixed(1)} s = ${ratio.toFixed(3)} x floor`,
        met: rateLimited.pagesAccepted === STORM && ratio <= 1.1,
      },
      {
        description: 'storm: 0 in the dead-letter queue, 0 lost',
        actual: `${rateLimited.deadLettered} dead-lettered, ${rateLimited.lost} lost`,
        met: rateLimited.deadLettered === 0 && rateLimited.lost === 0,
      },
      {
        description: `${STORM} unclassified alarms in one minute: 0 pages`,
        actual: `${unclassified.accepted} pages`,
        met: unclassified.accepted === 0,
      },
    ];
    printTable(rows);
    return { rows, targets };
  },
};

export default suite;
