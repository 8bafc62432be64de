/**
 * Period guard benchmark: 1,000 SageMaker state-change events for one over-threshold project
 * arriving within one minute, run through the real guard handler with real SDK clients against
 * the local stand-in (Stop* 25/s, 30 ms latency on every call; the guard table and the budget on
 * the stand-in too). SageMaker may send several events per state change, so 10 % of the events
 * are delivered twice; 100 events of a project that is not held are mixed in. Each delivery is
 * its own invocation (as EventBridge invokes Lambda asynchronously), and a delivery that fails is
 * retried after a second, as Lambda retries an asynchronous invocation.
 *
 * Figures: deliveries, stops carried out (each job once?), duplicates suppressed, lost events,
 * Stop* calls and throttles, latency from delivery to decision (p50 / p99), wall time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoGuardStore } from '../lambdas/auto-stop/period-guard/store';
import { logger } from '../lambdas/shared/powertools';
import { GuardTableStandin } from './standin/period-guard';
import { FAKE_ACCOUNT_ID, FakeAccount, useStandinEnv } from './standin/sagemaker';
import { AwsStandin } from './standin/server';
import { type BenchSuite, type BenchTarget, printTable } from './suite';

const EVENTS = 1000;
const OTHER_PROJECT_EVENTS = 100;
const DUPLICATE_SHARE = 0.1;
const WINDOW_MS = Number(process.env.PERIOD_GUARD_BENCH_WINDOW_MS ?? 60_000);
const STOP_RATE = 25;
const LATENCY_MS = 30;
const RETRY_DELAY_MS = 1000;
const MAX_ATTEMPTS = 3;

function stateChange(name: string, project: string, id: string) {
  const arn = `arn:aws:sagemaker:eu-west-1:${FAKE_ACCOUNT_ID}:training-job/${name}`;
  return {
    version: '0',
    id,
    'detail-type': 'SageMaker Training Job State Change',
    source: 'aws.sagemaker',
    account: FAKE_ACCOUNT_ID,
    time: new Date().toISOString(),
    region: 'eu-west-1',
    resources: [arn],
    detail: {
      TrainingJobName: name,
      TrainingJobArn: arn,
      TrainingJobStatus: 'InProgress',
      Tags: { Project: project },
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const suite: BenchSuite = {
  name: 'period-guard',
  async run() {
    const standin = new AwsStandin({
      latencyMs: LATENCY_MS,
      limits: {
        'SageMaker.StopTrainingJob': { ratePerSecond: STOP_RATE, burst: STOP_RATE },
        'AWSBudgetServiceGateway.DescribeBudget': { ratePerSecond: 5, burst: 5 },
      },
    });
    const url = await standin.start();
    useStandinEnv(url, { GUARD_TABLE_NAME: 'guard' });
    logger.setLogLevel('WARN');
    try {
      // Prepare: the account, the budget over its threshold, and the hold for November.
      const account = new FakeAccount();
      const names = Array.from({ length: EVENTS }, (_, i) => `late-${String(i).padStart(4, '0')}`);
      for (const n of names)
        account.add('sagemaker:training-job', n, 'InProgress', { Project: 'fraud-detection' });
      const others = Array.from({ length: OTHER_PROJECT_EVENTS }, (_, i) => `churn-${i}`);
      for (const n of others)
        account.add('sagemaker:training-job', n, 'InProgress', { Project: 'churn-prediction' });
      account.budgets.set('ml-fraud-detection', { limitUsd: 10000, actualUsd: 9800 });
      account.register(standin);
      const table = new GuardTableStandin();
      table.register(standin);
      const now = new Date();
      const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      await new DynamoGuardStore(
        DynamoDBDocumentClient.from(new DynamoDBClient({})),
        'guard',
      ).putHold({
        projectId: 'fraud-detection',
        periodId: 'bench',
        periodEnd: periodEnd.toISOString(),
        mode: 'enforce',
        accountId: FAKE_ACCOUNT_ID,
        budgetName: 'ml-fraud-detection',
        createdAt: now.toISOString(),
        reason: 'benchmark',
        notificationId: 'bench',
      });
      standin.resetStats();
      // The handler builds its clients when loaded: load it once the stand-in's settings are set.
      const { run: handleGuardEvent } = await import(
        '../lambdas/auto-stop/period-guard/handler.js'
      );

      // The deliveries: every event once, 10 % twice, the other project's events, spread evenly.
      const deliveries = [
        ...names.map((n) => stateChange(n, 'fraud-detection', `ev-${n}`)),
        ...names
          .filter((_, i) => i % Math.round(1 / DUPLICATE_SHARE) === 0)
          .map((n) => stateChange(n, 'fraud-detection', `ev-${n}`)),
        ...others.map((n) => stateChange(n, 'churn-prediction', `ev-${n}`)),
      ].sort((a, b) => a.id.localeCompare(b.id));
      const latencies: number[] = [];
      const statuses = new Map<string, number>();
      let retries = 0;
      let lost = 0;
      const started = performance.now();
      await Promise.all(
        deliveries.map(
          (event, i) =>
            new Promise<void>((resolve) => {
              setTimeout(
                async () => {
                  const at = performance.now();
                  for (let attempt = 1; ; attempt++) {
                    try {
                      const result = (await handleGuardEvent(event)) as { status: string };
                      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
                      break;
                    } catch {
                      if (attempt >= MAX_ATTEMPTS) {
                        lost++;
                        break;
                      }
                      retries++;
                      await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
                    }
                  }
                  latencies.push(performance.now() - at);
                  resolve();
                },
                (i * WINDOW_MS) / deliveries.length,
              );
            }),
        ),
      );
      const wallMs = performance.now() - started;

      // Assess: the fake account knows which jobs were stopped.
      const stoppedJobs = account.all(
        (r) => r.tags.Project === 'fraud-detection' && r.status === 'Stopping',
      ).length;
      const otherStopped = account.all(
        (r) => r.tags.Project === 'churn-prediction' && r.status !== 'InProgress',
      ).length;
      const stopStats = standin.stats.get('SageMaker.StopTrainingJob') ?? {
        calls: 0,
        throttled: 0,
      };
      const stopsAccepted = stopStats.calls - stopStats.throttled;
      const sorted = [...latencies].sort((a, b) => a - b);
      const rows = [
        {
          deliveries: deliveries.length,
          'held-project events': EVENTS,
          'jobs stopped': stoppedJobs,
          'Stop* accepted': stopsAccepted,
          'Stop* throttled': stopStats.throttled,
          duplicates: statuses.get('duplicate') ?? 0,
          ignored: statuses.get('ignored') ?? 0,
          retries,
          lost,
          'p50 ms': Math.round(percentile(sorted, 50)),
          'p99 ms': Math.round(percentile(sorted, 99)),
          'wall s': (wallMs / 1000).toFixed(1),
        },
      ];
      printTable(rows);
      const targets: BenchTarget[] = [
        {
          description: `all ${EVENTS} jobs of the held project stopped`,
          actual: `${stoppedJobs} stopped`,
          met: stoppedJobs === EVENTS,
        },
        {
          description: 'each acted on once (one accepted Stop* per job, duplicates suppressed)',
          actual: `${stopsAccepted} accepted Stop* calls, ${statuses.get('duplicate') ?? 0} duplicates suppressed`,
          met: stopsAccepted === EVENTS,
        },
        { description: 'none lost', actual: `${lost} lost`, met: lost === 0 },
        {
          description: 'the other project untouched',
          actual: `${otherStopped} of ${OTHER_PROJECT_EVENTS} stopped`,
          met: otherStopped === 0,
        },
        {
          description: 'the events of one minute handled within the minute plus 10 s',
          actual: `${(wallMs / 1000).toFixed(1)} s`,
          met: wallMs <= WINDOW_MS + 10_000,
        },
      ];
      return { rows, targets };
    } finally {
      await standin.stop();
    }
  },
};

export default suite;
