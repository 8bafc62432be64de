/**
 * Paging benchmark.
 *
 * 1. Decisions per second of the pure router (`route`), over a mix of alarm kinds, teams and
 *    times (inside and outside coverage, holds, resolves).
 * 2. A storm of 1,000 alarm records through the real handler (middy + Powertools, real SDK
 *    clients against the AWS stand-in for Secrets Manager, SQS and DynamoDB) to a local
 *    PagerDuty with 200 ms latency. SNS invokes the function once per record, so the storm is
 *    1,000 invocations, run 100 at a time (Lambda concurrency). "None lost" means every record
 *    was accepted by PagerDuty, held in the hold queue, or failed its invocation (which in AWS
 *    goes to Lambda's async retries and then the failure queue): nothing disappears.
 *    - storm: the local PagerDuty accepts everything, so the figure is the router's own cost.
 *    - storm-rate-limited: the local PagerDuty enforces PagerDuty's Events API limit of about
 *      120 events per minute per routing key (PagerDuty community answer "Events - 120/min
 *      (enforced per-integration-key)"), modelled as a token bucket with a burst of 120 (the burst
 *      is our assumption). 1,000 records over 4 routing keys cannot all be accepted within one
 *      60 s invocation: the rest retry with backoff until the budget is spent, then take the
 *      failure path (Lambda's two async retries a minute or more later are not simulated).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import type { AlarmChange } from '../lambdas/paging/alarm-event';
import { route } from '../lambdas/paging/route';
import { loadPolicyFile } from '../lib/config/load';
import { PagerDutyStandin } from './standin/pagerduty';
import { AwsStandin } from './standin/server';
import { type BenchSuite, type BenchTarget, printTable } from './suite';

const ROOT = path.join(__dirname, '..');
const STORM = 1000;
const CONCURRENCY = 100;
const PD_LATENCY_MS = 200;
const FUNCTION_TIMEOUT_MS = 60_000;

function alarmMessage(i: number, state: 'ALARM' | 'OK' = 'ALARM'): Record<string, unknown> {
  const kinds = [
    {
      name: `fraud-detection-${i}-latency`,
      ns: 'AWS/SageMaker',
      metric: 'ModelLatency',
      dims: [{ name: 'EndpointName', value: `fraud-detection-${i}` }],
    },
    {
      name: `churn-${i}-5xx`,
      ns: 'AWS/SageMaker',
      metric: 'Invocation5XXErrors',
      dims: [{ name: 'EndpointName', value: `churn-${i}` }],
    },
    {
      name: `feature-pipeline-${i}-failed`,
      ns: 'AWS/States',
      metric: 'ExecutionsFailed',
      dims: [],
    },
    { name: `churn-prediction-${i}-drift`, ns: 'Custom/Drift', metric: 'PSI', dims: [] },
  ];
  const k = kinds[i % kinds.length] as (typeof kinds)[number];
  return {
    AlarmName: k.name,
    AlarmDescription: null,
    AWSAccountId: '111122223333',
    NewStateValue: state,
    NewStateReason:
      'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold.',
    StateChangeTime: '2026-11-26T03:12:45.123+0000',
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${k.name}`,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    Trigger: { MetricName: k.metric, Namespace: k.ns, Dimensions: k.dims, Threshold: 1 },
  };
}

function snsEvent(message: Record<string, unknown>) {
  return {
    Records: [
      { EventSource: 'aws:sns', Sns: { MessageId: 'x', Message: JSON.stringify(message) } },
    ],
  };
}

function context(deadline: number, n: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'MlGuardrails-Paging-Router',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:MlGuardrails-Paging-Router',
    memoryLimitInMB: '256',
    awsRequestId: `req-${n}`,
    logGroupName: '/aws/lambda/router',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function benchRouter(): { decisions: number; perSecond: number } {
  const policy = loadPolicyFile(path.join(ROOT, 'config', 'guardrails.yaml'));
  const alarms: AlarmChange[] = Array.from({ length: 400 }, (_, i) => {
    const m = alarmMessage(i, i % 5 === 0 ? 'OK' : 'ALARM');
    const t = m.Trigger as {
      MetricName: string;
      Namespace: string;
      Dimensions: { name: string; value: string }[];
    };
    return {
      alarmName: m.AlarmName as string,
      alarmArn: m.AlarmArn as string,
      accountId: '111122223333',
      region: 'eu-west-1',
      state: m.NewStateValue as AlarmChange['state'],
      reason: m.NewStateReason as string,
      stateChangeTime: '2026-11-26T03:12:45.123Z',
      kind: 'metric',
      metrics: [
        {
          namespace: t.Namespace,
          metricName: t.MetricName,
          dimensions: Object.fromEntries(t.Dimensions.map((d) => [d.name, d.value])),
        },
      ],
      via: 'sns',
    };
  });
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
  wallSeconds: number;
  invocations: number;
  pagesAccepted: number;
  held: number;
  failedInvocations: number;
  /** Failed invocations whose page PagerDuty had accepted (reply lost at the deadline): a safe re-send. */
  acceptedButFailed: number;
  throttled: number;
  lost: number;
}

/** Alarm ARNs of the held alarms the stand-in SQS received, per storm. */
const heldArns = new Set<string>();

async function storm(
  handler: (event: unknown, context: Context) => Promise<unknown>,
  pd: PagerDutyStandin,
  aws: AwsStandin,
): Promise<StormResult> {
  aws.resetStats();
  heldArns.clear();
  const messages = Array.from({ length: STORM }, (_, i) => alarmMessage(i));
  const events = messages.map(snsEvent);
  let next = 0;
  const failedArns = new Set<string>();
  // The handler prints EMF metrics per invocation (real cost, kept); keep them off the table.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const started = performance.now();
  async function worker() {
    while (next < events.length) {
      const i = next++;
      try {
        await handler(events[i], context(Date.now() + FUNCTION_TIMEOUT_MS, i));
      } catch {
        failedArns.add(messages[i]?.AlarmArn as string);
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    process.stdout.write = write;
  }
  const wallSeconds = (performance.now() - started) / 1000;
  // Each record's dedup key is its alarm ARN: a record is accounted for when PagerDuty accepted
  // it, it waits in the hold queue, or its invocation failed (Lambda retries, then the DLQ).
  const accepted = new Set(pd.accepted.map((e) => String(e.dedup_key)));
  const lost = messages.filter((m) => {
    const arn = m.AlarmArn as string;
    return !accepted.has(arn) && !heldArns.has(arn) && !failedArns.has(arn);
  }).length;
  return {
    wallSeconds,
    invocations: STORM,
    pagesAccepted: accepted.size,
    held: heldArns.size,
    failedInvocations: failedArns.size,
    acceptedButFailed: [...failedArns].filter((a) => accepted.has(a)).length,
    throttled: pd.throttled,
    lost,
  };
}

const suite: BenchSuite = {
  name: 'paging',
  async run() {
    const router = benchRouter();

    let sqsMessages = 0;
    const aws = new AwsStandin({ latencyMs: 10 });
    aws
      .on('secretsmanager.GetSecretValue', (input) => ({
        Name: input.SecretId,
        SecretString: `KEY${String(input.SecretId)
          .replace(/[^a-z]/g, '')
          .slice(-20)
          .padEnd(29, 'x')}`,
      }))
      // The SQS client checks MD5OfMessageBody against what it sent.
      .on('AmazonSQS.SendMessage', (input) => {
        heldArns.add(JSON.parse(String(input.MessageBody)).alarm.alarmArn);
        return {
          MessageId: `m-${++sqsMessages}`,
          MD5OfMessageBody: createHash('md5').update(String(input.MessageBody)).digest('hex'),
        };
      })
      .on('DynamoDB_20120810.PutItem', () => ({}))
      .on('DynamoDB_20120810.GetItem', () => ({}))
      .on('DynamoDB_20120810.DeleteItem', () => ({}));
    process.env.AWS_ENDPOINT_URL = await aws.start();

    const open = new PagerDutyStandin({ latencyMs: PD_LATENCY_MS });
    const limited = new PagerDutyStandin({
      latencyMs: PD_LATENCY_MS,
      perKeyPerMinute: 120,
      burst: 120,
    });
    const openUrl = await open.start();
    const limitedUrl = await limited.start();

    // The handler reads the policy (and so the Events API URL) once per cold start: one policy
    // file per scenario, and a fresh module (a new "cold start") for each.
    mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
    const yaml = readFileSync(path.join(ROOT, 'config', 'guardrails.yaml'), 'utf8');
    const policyFor = (url: string, name: string) => {
      const file = path.join(ROOT, '.bench', `paging-${name}.yaml`);
      writeFileSync(file, yaml.replace(/eventsApiUrl: .*/, `eventsApiUrl: ${url}`));
      return file;
    };
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      HOLD_QUEUE_URL: `${process.env.AWS_ENDPOINT_URL}/111122223333/hold`,
      HOLD_TABLE_NAME: 'held-alarms',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_SERVICE_NAME: 'paging',
    });
    const loadHandler = async (policyFile: string) => {
      process.env.GUARDRAILS_POLICY_FILE = policyFile;
      const file = require.resolve('../lambdas/paging/handler');
      for (const key of Object.keys(require.cache))
        if (key.includes(`${path.sep}lambdas${path.sep}`)) delete require.cache[key];
      return (require(file) as { handler: (e: unknown, c: Context) => Promise<unknown> }).handler;
    };

    let open1: StormResult;
    let limited1: StormResult;
    try {
      open1 = await storm(await loadHandler(policyFor(openUrl, 'open')), open, aws);
      limited1 = await storm(await loadHandler(policyFor(limitedUrl, 'limited')), limited, aws);
    } finally {
      await open.stop();
      await limited.stop();
      await aws.stop();
    }

    const row = (scenario: string, r: StormResult) => ({
      scenario,
      records: r.invocations,
      'wall s': r.wallSeconds.toFixed(2),
      'records/s': Math.round(r.invocations / r.wallSeconds),
      'pages accepted': r.pagesAccepted,
      held: r.held,
      'failed (-> retry/DLQ)': r.failedInvocations,
      'of which accepted': r.acceptedButFailed,
      '429s': r.throttled,
      lost: r.lost,
    });
    const targets: BenchTarget[] = [
      {
        description: 'pure router decisions per second >= 20,000',
        actual: `${router.perSecond.toLocaleString('en-US')}/s`,
        met: router.perSecond >= 20_000,
      },
      {
        description: `storm of ${STORM} records, 200 ms PagerDuty: none lost, none failed`,
        actual: `${open1.pagesAccepted} accepted + ${open1.held} held, ${open1.failedInvocations} failed, ${open1.lost} lost`,
        met: open1.lost === 0 && open1.failedInvocations === 0,
      },
      {
        description: `storm of ${STORM} records finishes within 10 s (concurrency ${CONCURRENCY})`,
        actual: `${open1.wallSeconds.toFixed(2)} s`,
        met: open1.wallSeconds < 10,
      },
      {
        description:
          'rate-limited storm (120/min/key): none lost (each record accepted, held or failed to the retry/DLQ path)',
        actual: `${limited1.pagesAccepted} accepted, ${limited1.held} held, ${limited1.failedInvocations} failed (${limited1.acceptedButFailed} of them accepted as the deadline hit), ${limited1.lost} lost`,
        met: limited1.lost === 0,
      },
    ];
    const rows = [
      {
        scenario: 'route() (pure)',
        records: router.decisions,
        'wall s': (router.decisions / router.perSecond).toFixed(2),
        'records/s': router.perSecond,
        'pages accepted': '-',
        held: '-',
        'failed (-> retry/DLQ)': '-',
        'of which accepted': '-',
        '429s': '-',
        lost: '-',
      },
      row('storm', open1),
      row('storm-rate-limited', limited1),
    ];
    printTable(rows);
    return { rows, targets };
  },
};

export default suite;
