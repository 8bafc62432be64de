/**
 * Auto-stop benchmark: the real handler and worker code with real SDK clients against the local
 * stand-in. An account with 10,000 finished jobs (all kinds, several projects) and 10 / 100 /
 * 1,000 running jobs of the project, plus other projects' running jobs, exempt and stale ones.
 *
 * Stand-in rates: List* 2 requests/s (the reported ListTrainingJobs quota, DOMAIN-NOTES
 * "SageMaker"; assumed for the other listings), each Stop* 25/s, 30 ms latency on every call.
 * Figures: API calls per notification (split into listing pages, tagging pages, stops and the
 * rest), wall time, and wall time / (stops / allowed stop rate), the issue's throttle floor.
 */
import * as path from 'node:path';
import type { Context, SNSEvent, SQSEvent } from 'aws-lambda';
import { handleSnsEvent, resetRuntimeForTests } from '../lambdas/auto-stop/handler';
import { handleWorkBatch, resetWorkerForTests } from '../lambdas/auto-stop/worker';
import { logger } from '../lambdas/shared/powertools';
import { FAKE_ACCOUNT_ID, FakeAccount, KIND_OPERATIONS } from './standin/sagemaker';
import { AwsStandin } from './standin/server';
import { type BenchSuite, type BenchTarget, printTable } from './suite';

const LIST_RATE = 2;
const STOP_RATE = 25;
const LATENCY_MS = 30;
const FINISHED = 10_000;
const SIZES = (process.env.AUTO_STOP_BENCH_SIZES ?? '10,100,1000').split(',').map(Number);

/** Running jobs of the project split over kinds (training dominates, as in practice). */
const RUNNING_SHARE: Record<string, number> = {
  'sagemaker:training-job': 0.7,
  'sagemaker:processing-job': 0.15,
  'sagemaker:transform-job': 0.1,
  'sagemaker:hyper-parameter-tuning-job': 0.05,
};

function buildAccount(running: number): FakeAccount {
  const account = new FakeAccount();
  const projects = ['fraud-detection', 'churn-prediction', 'real-time-bidding', 'legacy'];
  let n = 0;
  const tags = (project: string) => ({ Project: project, CostCenter: 'CC', Team: 't' });
  for (const [type, share] of Object.entries(RUNNING_SHARE)) {
    // Finished work of every project, oldest first.
    for (let i = 0; i < Math.round(FINISHED * share); i++)
      account.add(
        type,
        `done-${n++}`,
        i % 7 === 0 ? 'Failed' : 'Completed',
        tags(projects[i % 4] ?? ''),
      );
    // Other projects' running work (never to be touched).
    for (let i = 0; i < 10; i++)
      account.add(type, `other-${n++}`, 'InProgress', tags('churn-prediction'));
  }
  // The project's running work.
  const types = Object.keys(RUNNING_SHARE);
  let placed = 0;
  for (const [index, type] of types.entries()) {
    const count =
      index === types.length - 1
        ? running - placed
        : Math.round(running * (RUNNING_SHARE[type] ?? 0));
    for (let i = 0; i < count; i++)
      account.add(type, `run-${n++}`, 'InProgress', tags('fraud-detection'));
    placed += count;
  }
  // Exempt, stale (deleted but still tagged) and notebooks.
  account.add('sagemaker:training-job', `exempt-${n++}`, 'InProgress', {
    ...tags('fraud-detection'),
    'ml-guardrails:exempt': 'bench',
  });
  const stale = account.add(
    'sagemaker:training-job',
    `stale-${n++}`,
    'InProgress',
    tags('fraud-detection'),
  );
  stale.deleted = true;
  account.add('sagemaker:notebook-instance', `nb-${n++}`, 'InService', tags('fraud-detection'));
  account.add('sagemaker:notebook-instance', `nb-${n++}`, 'InService', tags('churn-prediction'));
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
  handleWorkBatch: (e: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
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

const suite: BenchSuite = {
  name: 'auto-stop',
  async run() {
    const limits: Record<string, { ratePerSecond: number; burst: number }> = {
      'ResourceGroupsTaggingAPI_20170126.GetResources': { ratePerSecond: 10, burst: 10 },
      'AWSBudgetServiceGateway.DescribeBudget': { ratePerSecond: 5, burst: 5 },
    };
    for (const ops of KIND_OPERATIONS) {
      limits[`SageMaker.${ops.list}`] = { ratePerSecond: LIST_RATE, burst: LIST_RATE };
      limits[`SageMaker.${ops.stop}`] = { ratePerSecond: STOP_RATE, burst: STOP_RATE };
    }
    const standin = new AwsStandin({ latencyMs: LATENCY_MS, limits });
    const url = await standin.start();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AUDIT_TABLE_NAME: 'audit',
      IDEMPOTENCY_TABLE_NAME: 'idempotency',
      REPORT_TOPIC_ARN: `arn:aws:sns:eu-west-1:${FAKE_ACCOUNT_ID}:reports`,
      WORK_QUEUE_URL: `${url}/${FAKE_ACCOUNT_ID}/work`,
      GUARDRAILS_POLICY_FILE: path.join(__dirname, '..', 'config', 'guardrails.yaml'),
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_IDEMPOTENCY_DISABLED: 'false',
    });
    logger.setLogLevel('WARN');

    const rows: Record<string, string | number>[] = [];
    const targets: BenchTarget[] = [];
    try {
      for (const running of SIZES) {
        const account = buildAccount(running);
        account.register(standin);
        standin.resetStats();
        resetRuntimeForTests();
        resetWorkerForTests();
        const started = performance.now();
        let handlerDone = false;
        const [, lost] = await Promise.all([
          handleSnsEvent(snsEvent(`bench-${running}`), context).finally(() => {
            handlerDone = true;
          }),
          drainQueue(
            account,
            (e) => handleWorkBatch(e),
            () => handlerDone,
          ),
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
          (r) => r.tags.Project !== 'fraud-detection' && r.status === 'Stopping',
        ).length;
        const stat = (prefix: string) => standin.totalCalls(prefix);
        let throttled = 0;
        for (const s of standin.stats.values()) throttled += s.throttled;
        let listPages = 0;
        let stops = 0;
        for (const ops of KIND_OPERATIONS) {
          listPages += stat(`SageMaker.${ops.list}`);
          stops += stat(`SageMaker.${ops.stop}`);
        }
        const taggingPages = stat('ResourceGroupsTaggingAPI');
        const awsCalls = listPages + stops + taggingPages + stat('AWSBudgetService');
        const bookkeeping = stat('DynamoDB') + stat('AmazonSQS') + stat('Publish');
        const stopsNeeded = running + 1; // + the project's notebook
        // Each Stop* operation has its own quota, so the floor is the busiest operation's time.
        const perKind = KIND_OPERATIONS.map(
          (o) =>
            (account.byType.get(o.type) ?? []).filter(
              (r) => r.tags.Project === 'fraud-detection' && r.status === 'Stopping',
            ).length,
        );
        const floor = Math.max(...perKind) / STOP_RATE;
        // Listing pages a full read needs (every kind that has tagged project work).
        const minimumListPages = KIND_OPERATIONS.reduce((sum, ops) => {
          const live = (account.byType.get(ops.type) ?? []).filter((r) => !r.deleted).length;
          return sum + Math.max(1, Math.ceil(live / 100));
        }, 0);
        // Listings run side by side, one per operation: the slowest one bounds discovery.
        const listFloor =
          Math.max(
            ...KIND_OPERATIONS.map((o) =>
              Math.ceil((account.byType.get(o.type) ?? []).filter((r) => !r.deleted).length / 100),
            ),
          ) / LIST_RATE;
        // Discovery streams into acting, so the throttle-imposed minimum is the larger of the two.
        const throttleFloor = Math.max(listFloor, floor);
        rows.push({
          running,
          queued,
          'stops (incl. throttled)': stops,
          'list pages': listPages,
          'tagging pages': taggingPages,
          'AWS calls': awsCalls,
          'bookkeeping calls': bookkeeping,
          throttled,
          'wall s': wall.toFixed(1),
          'stop floor s': floor.toFixed(1),
          'wall/stop floor': (wall / floor).toFixed(2),
          'list floor s': listFloor.toFixed(1),
          'wall/max(list,stop) floor': (wall / throttleFloor).toFixed(2),
          'left running': projectRunning,
          'others touched': othersTouched,
        });
        const pagesPlusActions =
          minimumListPages +
          Math.ceil(account.all((r) => r.tags.Project === 'fraud-detection').length / 100) +
          stopsNeeded;
        targets.push(
          {
            description: `${running} running: API calls <= pages + actions + 10`,
            actual: `${awsCalls} <= ${pagesPlusActions + 10}`,
            met: awsCalls <= pagesPlusActions + 10,
          },
          {
            description: `${running} running: wall time within 1.5x the stop throttle floor`,
            actual: `${(wall / floor).toFixed(2)}x (${wall.toFixed(1)} s vs ${floor.toFixed(1)} s)`,
            met: wall / floor <= 1.5,
          },
          {
            description: `${running} running: wall time within 1.5x the throttle floor, listing included`,
            actual: `${(wall / throttleFloor).toFixed(2)}x (${wall.toFixed(1)} s vs ${throttleFloor.toFixed(1)} s)`,
            met: wall / throttleFloor <= 1.5,
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
      }
    } finally {
      await standin.stop();
    }
    printTable(rows);
    return { rows, targets };
  },
};

export default suite;
