/**
 * Auto-stop benchmark: the real handler and worker code with real SDK clients against the local
 * stand-in. An account with 100,000 finished jobs created over the past year (all tagged with
 * their project, four projects, kinds split 70/15/10/5 % training/processing/transform/tuning)
 * and 10 / 100 / 1,000 running jobs of the project created in the past two days, plus other
 * projects' running jobs, an approved exemption, a deleted-but-still-tagged job and notebooks.
 *
 * Stand-in rates: List* 2 requests/s per operation (ListTrainingJobs is throttled at about
 * 2 requests/s, reported in aws/sagemaker-python-sdk issues; assumed for the other listings),
 * each Stop* 25/s, GetResources 10/s, DescribeBudget 5/s, 30 ms latency on every call.
 * Figures: API calls per notification by kind of call, the call budget the bound allows, wall
 * time, and wall time against the same calls at their rate limits.
 */
import * as path from 'node:path';
import type { Context, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { BOUND_SLACK_MS } from '../lambdas/auto-stop/discovery';
import type * as Handler from '../lambdas/auto-stop/handler';
import type * as Worker from '../lambdas/auto-stop/worker';
import { KIND_SPECS } from '../lambdas/shared/sagemaker-kinds';
import { FAKE_ACCOUNT_ID, FakeAccount, KIND_OPERATIONS, useStandinEnv } from './standin/sagemaker';
import { AwsStandin } from './standin/server';
import { type BenchSuite, type BenchTarget, printTable } from './suite';

const LIST_RATE = 2;
const STOP_RATE = 25;
const TAGGING_RATE = 10;
const LATENCY_MS = 30;
const FINISHED = Number(process.env.AUTO_STOP_BENCH_FINISHED ?? 100_000);
const SIZES = (process.env.AUTO_STOP_BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const DAY = 86_400_000;
const TOPIC = `arn:aws:sns:eu-west-1:${FAKE_ACCOUNT_ID}:ml-guardrails-auto-stop`;

/** Jobs split over kinds (training dominates, as in practice), finished and running alike. */
const SHARE: Record<string, number> = {
  'sagemaker:training-job': 0.7,
  'sagemaker:processing-job': 0.15,
  'sagemaker:transform-job': 0.1,
  'sagemaker:hyper-parameter-tuning-job': 0.05,
};

function buildAccount(running: number, now: number): FakeAccount {
  const account = new FakeAccount();
  const projects = ['fraud-detection', 'churn-prediction', 'real-time-bidding', 'legacy'];
  let n = 0;
  const tags = (project: string) => ({ Project: project, CostCenter: 'CC', Team: 't' });
  const types = Object.keys(SHARE);
  let placed = 0;
  for (const [index, type] of types.entries()) {
    // Finished work of every project, spread evenly over the past year, oldest first.
    const finished = Math.round(FINISHED * (SHARE[type] ?? 0));
    for (let i = 0; i < finished; i++)
      account.add(
        type,
        `done-${n++}`,
        i % 7 === 0 ? 'Failed' : 'Completed',
        tags(projects[i % 4] ?? ''),
        now - 365 * DAY + (i * 365 * DAY) / finished,
      );
    // Other projects' running work (never to be touched), then the project's.
    for (let i = 0; i < 10; i++)
      account.add(
        type,
        `other-${n++}`,
        'InProgress',
        tags('churn-prediction'),
        now - DAY - i * 60_000,
      );
    const count =
      index === types.length - 1 ? running - placed : Math.round(running * (SHARE[type] ?? 0));
    for (let i = 0; i < count; i++)
      account.add(
        type,
        `run-${n++}`,
        'InProgress',
        tags('fraud-detection'),
        now - 2 * DAY + i * 1000,
      );
    placed += count;
  }
  // An approved exemption (config/guardrails.yaml), a deleted job the tagging API still returns,
  // and notebooks.
  account.add(
    'sagemaker:training-job',
    `exempt-${n++}`,
    'InProgress',
    {
      ...tags('fraud-detection'),
      'ml-guardrails:exempt': 'EXC-2026-014',
    },
    now - DAY,
  );
  const stale = account.add(
    'sagemaker:training-job',
    `stale-${n++}`,
    'InProgress',
    tags('fraud-detection'),
    now - DAY,
  );
  stale.deleted = true;
  account.add(
    'sagemaker:notebook-instance',
    `nb-${n++}`,
    'InService',
    tags('fraud-detection'),
    now - 300 * DAY,
  );
  account.add(
    'sagemaker:notebook-instance',
    `nb-${n++}`,
    'InService',
    tags('churn-prediction'),
    now - 300 * DAY,
  );
  account.budgets.set('ml-fraud-detection', { limitUsd: 10_000, actualUsd: 9_612.34 });
  return account;
}

const MESSAGE = `AWS Budget Notification November 26, 2026
AWS Account ${FAKE_ACCOUNT_ID}

Dear AWS Customer,

You requested that we alert you when the ACTUAL Cost associated with your ml-fraud-detection budget is greater than $9,500.00 for the current month. The ACTUAL Cost associated with this budget is $9,612.34. You can find additional details below and by accessing the AWS Budgets dashboard [1].

Budget Name: ml-fraud-detection
Budget Type: Cost
Budgeted Amount: $10,000.00
Alert Type: ACTUAL
Alert Threshold: > $9,500.00
ACTUAL Amount: $9,612.34

[1] https://console.aws.amazon.com/costmanagement/home#/budgets
`;

function snsEvent(messageId: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:ml-guardrails-auto-stop:s',
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: 'arn:aws:sns:eu-west-1:111122223333:ml-guardrails-auto-stop',
          Subject: 'AWS Budgets: ml-fraud-detection has exceeded your alert threshold',
          Message: MESSAGE,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'x',
          SigningCertUrl: 'https://example.com',
          UnsubscribeUrl: 'https://example.com',
          MessageAttributes: {},
        },
      },
    ],
  };
}

const context = {
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:${FAKE_ACCOUNT_ID}:function:auto-stop`,
  getRemainingTimeInMillis: () => 300_000,
  awsRequestId: 'bench',
} as unknown as Context;

/**
 * Consumes the work queue like the SQS event source while the function runs: batches of 2,
 * `maxConcurrency` workers, polling until `finished()` and the queue is empty.
 */
async function drainQueue(
  account: FakeAccount,
  handleWorkBatch: (e: SQSEvent) => Promise<SQSBatchResponse>,
  finished: () => boolean,
  workers = 2,
): Promise<number> {
  let lost = 0;
  const worker = async () => {
    for (;;) {
      const batch = account.queue.splice(0, 2);
      if (batch.length === 0) {
        if (finished()) return;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const event = {
        Records: batch.map((m) => ({ messageId: m.id, body: m.body })),
      } as unknown as SQSEvent;
      const { batchItemFailures } = await handleWorkBatch(event);
      for (const f of batchItemFailures) {
        const m = batch.find((b) => b.id === f.itemIdentifier);
        if (!m) continue;
        // Redelivery; after maxReceiveCount (5) the message would sit in the DLQ.
        if (++m.receiveCount < 5) account.queue.push(m);
        else lost++;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return lost;
}

/** Listing pages the bound allows per kind: the pages of jobs created inside it (at least one). */
function boundPages(account: FakeAccount, now: number): { pages: number; detail: string[] } {
  let pages = 0;
  const detail: string[] = [];
  for (const ops of KIND_OPERATIONS) {
    const live = (account.byType.get(ops.type) ?? []).filter((r) => !r.deleted);
    const spec = Object.values(KIND_SPECS).find((k) => k.taggingType === ops.type);
    const bound = spec?.bound;
    // No bound: the whole listing is inside it (transform jobs; notebooks have no history).
    const inside = bound
      ? live.filter((r) => r.createdAt >= now - bound.maxAgeMs - BOUND_SLACK_MS).length
      : live.length;
    const kindPages = Math.max(1, Math.ceil(inside / 100));
    pages += kindPages;
    detail.push(`${ops.list.replace('List', '')} ${kindPages}`);
  }
  return { pages, detail };
}

const suite: BenchSuite = {
  name: 'auto-stop',
  async run() {
    const limits: Record<string, { ratePerSecond: number; burst: number }> = {
      'ResourceGroupsTaggingAPI_20170126.GetResources': {
        ratePerSecond: TAGGING_RATE,
        burst: TAGGING_RATE,
      },
      'AWSBudgetServiceGateway.DescribeBudget': { ratePerSecond: 5, burst: 5 },
    };
    for (const ops of KIND_OPERATIONS) {
      limits[`SageMaker.${ops.list}`] = { ratePerSecond: LIST_RATE, burst: LIST_RATE };
      limits[`SageMaker.${ops.stop}`] = { ratePerSecond: STOP_RATE, burst: STOP_RATE };
    }
    const rates: Record<string, number> = Object.fromEntries(
      Object.entries(limits).map(([op, l]) => [op, l.ratePerSecond]),
    );
    const standin = new AwsStandin({ latencyMs: LATENCY_MS, limits });
    const url = await standin.start();
    useStandinEnv(url, {
      IDEMPOTENCY_TABLE_NAME: 'idempotency',
      AUTO_STOP_TOPIC_ARN: TOPIC,
      WORK_QUEUE_URL: `${url}/${FAKE_ACCOUNT_ID}/work`,
      POWERTOOLS_IDEMPOTENCY_DISABLED: 'false',
    });
    // The functions wire their clients at module scope, from the environment set above.
    const fn = path.join(__dirname, '..', 'lambdas', 'auto-stop');
    const { run: handleSnsEvent } = (await import(path.join(fn, 'handler'))) as typeof Handler;
    const { handler: worker } = (await import(path.join(fn, 'worker'))) as typeof Worker;
    const handleWorkBatch = (e: SQSEvent) => worker(e, context) as Promise<SQSBatchResponse>;

    const rows: Record<string, string | number>[] = [];
    const targets: BenchTarget[] = [];
    try {
      for (const running of SIZES) {
        const now = Date.now();
        const account = buildAccount(running, now);
        account.register(standin);
        standin.resetStats();
        const started = performance.now();
        let handlerDone = false;
        const [, lost] = await Promise.all([
          handleSnsEvent(snsEvent(`bench-${running}`), context).finally(() => {
            handlerDone = true;
          }),
          drainQueue(account, handleWorkBatch, () => handlerDone),
        ]);
        const queued = account.enqueuedItems;
        const wall = (performance.now() - started) / 1000;

        const projectRunning = account.all(
          (r) =>
            !r.deleted &&
            r.tags.Project === 'fraud-detection' &&
            r.tags['ml-guardrails:exempt'] === undefined &&
            (r.status === 'InProgress' || r.status === 'InService'),
        ).length;
        const othersTouched = account.all(
          (r) =>
            (r.tags.Project !== 'fraud-detection' ||
              r.tags['ml-guardrails:exempt'] !== undefined) &&
            r.status === 'Stopping',
        ).length;
        const stat = (prefix: string) => standin.totalCalls(prefix);
        let throttled = 0;
        for (const s of standin.stats.values()) throttled += s.throttled;
        let listPages = 0;
        let stops = 0;
        let describes = 0;
        for (const ops of KIND_OPERATIONS) {
          listPages += stat(`SageMaker.${ops.list}`);
          stops += stat(`SageMaker.${ops.stop}`);
          describes += stat(`SageMaker.${ops.describe}`);
        }
        const taggingCalls = stat('ResourceGroupsTaggingAPI');
        const awsCalls = listPages + describes + stops + taggingCalls + stat('AWSBudgetService');
        const bookkeeping = stat('DynamoDB') + stat('AmazonSQS') + stat('Publish');
        const bound = boundPages(account, now);
        const stopsNeeded = running + 1; // + the project's notebook
        const budget = bound.pages + Math.ceil(running / 100) + stopsNeeded + 10;
        // The same calls at their rate limits: operations have separate quotas and run side by
        // side, so the busiest operation sets the floor; unpaced calls cost their latency.
        let floor = 0;
        for (const [op, s] of standin.stats) {
          const ok = s.calls - s.throttled;
          const rate = rates[op];
          floor = Math.max(floor, rate ? ok / rate : 0);
        }
        rows.push({
          running,
          'history jobs': FINISHED,
          'list pages': listPages,
          'pages in bound': `${bound.pages} (${bound.detail.join(', ')})`,
          describes,
          'tag reads': taggingCalls,
          stops,
          'AWS calls': awsCalls,
          'call budget': budget,
          queued,
          'bookkeeping calls': bookkeeping,
          throttled,
          'wall s': wall.toFixed(1),
          'rate floor s': floor.toFixed(1),
          'wall/floor': (wall / floor).toFixed(2),
          'left running': projectRunning,
          'others touched': othersTouched,
        });
        targets.push(
          {
            description: `${running} running: API calls <= pages in the bound + ceil(running/100) + stops + 10`,
            actual: `${awsCalls} <= ${budget}`,
            met: awsCalls <= budget,
          },
          {
            description: `${running} running: wall time within 1.5x the calls at their rate limits`,
            actual: `${(wall / floor).toFixed(2)}x (${wall.toFixed(1)} s vs ${floor.toFixed(1)} s)`,
            met: wall / floor <= 1.5,
          },
          {
            description: `${running} running: nothing of the project left running, nothing else touched, nothing lost`,
            actual: `${projectRunning} running, ${othersTouched} others stopped, ${lost} lost`,
            met: projectRunning === 0 && othersTouched === 0 && lost === 0,
          },
          {
            description: `${running} running: one report published`,
            actual: `${account.published.length}`,
            met: account.published.length === 1,
          },
        );
        if (running === 10)
          targets.push({
            description: '10 running: under 15 s',
            actual: `${wall.toFixed(1)} s`,
            met: wall < 15,
          });
      }
    } finally {
      await standin.stop();
    }
    printTable(rows);
    return { rows, targets };
  },
};

export default suite;
