/**
 * `npm run bench -- endpoints`: the endpoint handler (discover -> plan -> act) with real SDK
 * clients against the local stand-in, for 100 and 1,000 endpoints of mixed kinds (classic parked,
 * async and inference components scaled to zero, serverless reported, every 20th Updating).
 *
 * The throttle-imposed minimum is, per phase (discover, act), the slowest operation's
 * (calls - burst) / rate, summed over the two phases; the goal is wall time <= 1.25x that and
 * <= 5 calls per endpoint. Then restore of 1,000 parked/held endpoints (classic parked, async and
 * inference components held at zero, set up untimed) against the same goals.
 * Clients use the SDK defaults with AWS_MAX_ATTEMPTS=1 (a standard SDK setting), so the handler's
 * own capped, jittered backoff is the only retry layer (see RetryOptions in lambdas/endpoints/aws.ts).
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { endpointHandler } from '../lambdas/auto-stop/kinds/endpoint';
import type { Decision, Outcome, RunContext } from '../lambdas/auto-stop/types';
import { type EndpointClients, runRestore } from '../lambdas/endpoints';
import { mapLimit } from '../lambdas/shared/concurrency';
import { loadPolicyFile } from '../lib/config/load';
import {
  type EndpointWorld,
  endpointWorld,
  leftRunning,
  notRestored,
  serveEndpoints,
} from './standin/endpoints';
import { AwsStandin, type OperationLimits } from './standin/server';
import { type BenchSuite, type BenchTarget, printTable } from './suite';

/** Per-operation rates: chosen so 1,000 endpoints take about a minute at the throttle minimum. */
const LIMITS: Record<string, OperationLimits> = {
  'SageMaker.CreateEndpoint': { ratePerSecond: 10 },
  'SageMaker.UpdateEndpoint': { ratePerSecond: 10 },
  'SageMaker.CreateEndpointConfig': { ratePerSecond: 10 },
  'SageMaker.DescribeModel': { ratePerSecond: 40 },
  'SageMaker.UpdateEndpointWeightsAndCapacities': { ratePerSecond: 10 },
  'AnyScaleFrontendService.PutScalingPolicy': { ratePerSecond: 20 },
  'SageMaker.DescribeEndpoint': { ratePerSecond: 40 },
  'SageMaker.DescribeEndpointConfig': { ratePerSecond: 40 },
  'SageMaker.ListInferenceComponents': { ratePerSecond: 20 },
  'SageMaker.DescribeInferenceComponent': { ratePerSecond: 20 },
  'SageMaker.DeleteEndpoint': { ratePerSecond: 10 },
  'SageMaker.UpdateInferenceComponentRuntimeConfig': { ratePerSecond: 10 },
  'AnyScaleFrontendService.DescribeScalableTargets': { ratePerSecond: 5 },
  'AnyScaleFrontendService.DescribeScalingPolicies': { ratePerSecond: 20 },
  'AnyScaleFrontendService.DescribeScheduledActions': { ratePerSecond: 20 },
  'AnyScaleFrontendService.RegisterScalableTarget': { ratePerSecond: 20 },
  'AnyScaleFrontendService.DeregisterScalableTarget': { ratePerSecond: 20 },
  'DynamoDB_20120810.PutItem': { ratePerSecond: 200 },
};
const LATENCY_MS = 30;
const DISCOVER_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ACT_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

type Stats = Map<string, { calls: number; throttled: number }>;

function snapshot(stats: Stats): Stats {
  return new Map([...stats].map(([k, v]) => [k, { ...v }]));
}

function diff(after: Stats, before: Stats): Stats {
  return new Map(
    [...after].map(([k, v]) => {
      const b = before.get(k) ?? { calls: 0, throttled: 0 };
      return [k, { calls: v.calls - b.calls, throttled: v.throttled - b.throttled }];
    }),
  );
}

/** Seconds the token buckets impose on one phase: its slowest operation. */
function phaseMinimum(stats: Stats): number {
  let worst = 0;
  for (const [op, s] of stats) {
    const limit = LIMITS[op];
    if (!limit?.ratePerSecond) continue;
    const needed = s.calls - s.throttled;
    const burst = limit.burst ?? limit.ratePerSecond;
    worst = Math.max(worst, Math.max(0, needed - burst) / limit.ratePerSecond);
  }
  return worst;
}

const sum = (stats: Stats, key: 'calls' | 'throttled') =>
  [...stats.values()].reduce((n, s) => n + s[key], 0);

/** Round-robin over groups, so no group's operations are left idle while another runs. */
function interleave<T>(items: readonly T[], group: (t: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const t of items) groups.set(group(t), [...(groups.get(group(t)) ?? []), t]);
  const queues = [...groups.values()];
  const out: T[] = [];
  for (let i = 0; out.length < items.length; i++)
    for (const q of queues) if (i < q.length) out.push(q[i] as T);
  return out;
}

function benchContext(n: number): RunContext {
  const policy = loadPolicyFile('config/guardrails.yaml');
  const base = policy.projects[0];
  if (!base) throw new Error('example policy has no project');
  const project = {
    ...base,
    autoStop: { ...base.autoStop, endpoints: { classic: 'park' as const } },
  };
  return {
    project,
    settings: project.autoStop,
    notificationId: `bench-${n}`,
    now: () => new Date(),
  };
}

function benchClients(): EndpointClients {
  return {
    sagemaker: new SageMakerClient({}),
    autoscaling: new ApplicationAutoScalingClient({}),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: 'audit',
    concurrency: DISCOVER_CONCURRENCY,
    retry: { maxDelayMs: Number(process.env.BENCH_RETRY_MAX_MS ?? 500) },
    // The stand-in answers InService at once; real waits are minutes (IN_SERVICE_WAIT).
    inServiceWait: { baseDelayMs: 50, maxDelayMs: 200 },
  };
}

/** Discover, plan and act on every endpoint (untimed when used as restore's set-up). */
async function toZero(clients: EndpointClients, ctx: RunContext, world: EndpointWorld) {
  const resources = await endpointHandler.discover(clients, world.tagged, ctx);
  const decisions = resources.map((r) => endpointHandler.plan(r, ctx.settings));
  const acts = interleave(
    decisions.filter((d): d is Extract<Decision, { type: 'act' }> => d.type === 'act'),
    (d) => d.action,
  );
  const outcomes = await mapLimit(acts, ACT_CONCURRENCY, (d) =>
    endpointHandler.act(clients, d, ctx),
  );
  return { decisions, acts, outcomes };
}

/** Restore of `n` parked or held endpoints: only the restore run is timed. */
async function restoreOnce(n: number) {
  const ctx = benchContext(n);
  const world = endpointWorld(n, ctx.project.id, true);
  const standin = new AwsStandin({ latencyMs: LATENCY_MS, limits: LIMITS });
  serveEndpoints(standin, world);
  process.env.AWS_ENDPOINT_URL = await standin.start();
  try {
    const clients = benchClients();
    const setup = await toZero(clients, ctx, world);
    const before = snapshot(standin.stats);
    const start = performance.now();
    const report = await runRestore(
      clients,
      { projectId: ctx.project.id },
      { now: () => new Date(), runId: `bench-restore-${n}` },
    );
    const wall = (performance.now() - start) / 1000;
    const stats = diff(standin.stats, before);
    const minimum = phaseMinimum(stats);
    return {
      n,
      saved: setup.acts.length,
      restored: report.outcomes.filter((o) => o.result === 'restored').length,
      failed: report.outcomes.filter((o) => o.result === 'failed' || o.result === 'blocked').length,
      apiCalls: sum(stats, 'calls') - sum(stats, 'throttled'),
      throttled: sum(stats, 'throttled'),
      wallS: wall,
      minimumS: minimum,
      ratio: minimum > 0 ? wall / minimum : Number.NaN,
      left: notRestored(world),
    };
  } finally {
    await standin.stop();
  }
}

async function runOnce(n: number) {
  const ctx = benchContext(n);
  const world = endpointWorld(n, ctx.project.id);
  const standin = new AwsStandin({ latencyMs: LATENCY_MS, limits: LIMITS });
  serveEndpoints(standin, world);
  process.env.AWS_ENDPOINT_URL = await standin.start();
  try {
    const clients = benchClients();
    const start = performance.now();
    const resources = await endpointHandler.discover(clients, world.tagged, ctx);
    const afterDiscover = snapshot(standin.stats);
    const discovered = performance.now();
    const decisions = resources.map((r) => endpointHandler.plan(r, ctx.settings));
    // Interleave actions of different kinds so each kind's rate-limited operation (DeleteEndpoint
    // for parks, RegisterScalableTarget for scaling) is busy for the whole phase.
    const acts = interleave(
      decisions.filter((d): d is Extract<Decision, { type: 'act' }> => d.type === 'act'),
      (d) => d.action,
    );
    const outcomes: Outcome[] = await mapLimit(acts, ACT_CONCURRENCY, (d) =>
      endpointHandler.act(clients, d, ctx),
    );
    const end = performance.now();
    const actStats = diff(standin.stats, afterDiscover);
    const minimum = phaseMinimum(afterDiscover) + phaseMinimum(actStats);
    const wall = (end - start) / 1000;
    const all = snapshot(standin.stats);
    if (process.env.BENCH_VERBOSE)
      for (const [phase, st] of [
        ['discover', afterDiscover],
        ['act', actStats],
      ] as const)
        for (const [op, v] of st)
          process.stderr.write(`${phase} ${op} calls=${v.calls} throttled=${v.throttled}\n`);
    return {
      n,
      acted: acts.length,
      skippedOrReported: decisions.length - acts.length,
      failed: outcomes.filter((o) => o.result === 'failed').length,
      apiCalls: sum(all, 'calls') - sum(all, 'throttled'),
      throttled: sum(all, 'throttled'),
      discoverS: (discovered - start) / 1000,
      discoverMinS: phaseMinimum(afterDiscover),
      wallS: wall,
      minimumS: minimum,
      ratio: minimum > 0 ? wall / minimum : Number.NaN,
      left: leftRunning(world),
    };
  } finally {
    await standin.stop();
  }
}

const suite: BenchSuite = {
  name: 'endpoints',
  async run() {
    process.env.AWS_REGION ??= 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'bench';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
    process.env.AWS_RETRY_MODE = process.env.BENCH_RETRY_MODE ?? 'standard';
    process.env.AWS_MAX_ATTEMPTS = process.env.BENCH_MAX_ATTEMPTS ?? '1';
    const sizes = (process.env.BENCH_ENDPOINT_SIZES ?? '100,1000').split(',').map(Number);
    const results = [];
    for (const n of sizes) results.push(await runOnce(n));
    const rows = results.map((r) => ({
      endpoints: r.n,
      acted: r.acted,
      'skipped/reported': r.skippedOrReported,
      failed: r.failed,
      'api calls': r.apiCalls,
      'calls/endpoint': (r.apiCalls / r.n).toFixed(2),
      throttled: r.throttled,
      'discover s (min)': `${r.discoverS.toFixed(1)} (${r.discoverMinS.toFixed(1)})`,
      'wall s': r.wallS.toFixed(1),
      'min s': r.minimumS.toFixed(1),
      'wall/min': r.ratio.toFixed(2),
      'left running': r.left.length,
    }));
    const targets: BenchTarget[] = results.flatMap((r) => [
      {
        description: `${r.n} endpoints: wall time within 1.25x the throttle-imposed minimum`,
        actual: `${r.wallS.toFixed(1)} s / ${r.minimumS.toFixed(1)} s = ${r.ratio.toFixed(2)}x`,
        met: r.ratio <= 1.25,
      },
      {
        description: `${r.n} endpoints: nothing left running, no failures`,
        actual: `${r.left.length} left running, ${r.failed} failed`,
        met: r.left.length === 0 && r.failed === 0,
      },
      {
        // Describe + config (+ component list/describes) per endpoint, pages of 50 targets,
        // and per action: one save plus its scaling/deletion calls.
        description: `${r.n} endpoints: API calls grow with endpoints and actions (<= 5 per endpoint)`,
        actual: `${(r.apiCalls / r.n).toFixed(2)} per endpoint`,
        met: r.apiCalls / r.n <= 5,
      },
    ]);
    printTable(rows);
    const restoreSize = Number(process.env.BENCH_RESTORE_SIZE ?? 1000);
    const restored = await restoreOnce(restoreSize);
    const restoreRows = [
      {
        'restore of': `${restored.saved} parked/held`,
        restored: restored.restored,
        'failed/blocked': restored.failed,
        'api calls': restored.apiCalls,
        'calls/endpoint': (restored.apiCalls / restored.saved).toFixed(2),
        throttled: restored.throttled,
        'wall s': restored.wallS.toFixed(1),
        'min s': restored.minimumS.toFixed(1),
        'wall/min': restored.ratio.toFixed(2),
        'not restored': restored.left.length,
      },
    ];
    printTable(restoreRows);
    targets.push(
      {
        description: `restore of ${restored.saved} parked/held endpoints: wall time within 1.25x the throttle-imposed minimum`,
        actual: `${restored.wallS.toFixed(1)} s / ${restored.minimumS.toFixed(1)} s = ${restored.ratio.toFixed(2)}x`,
        met: restored.ratio <= 1.25,
      },
      {
        description: `restore of ${restored.saved} parked/held endpoints: all back in one run, none failed`,
        actual: `${restored.left.length} not restored, ${restored.failed} failed or blocked`,
        met: restored.left.length === 0 && restored.failed === 0,
      },
      {
        description: `restore of ${restored.saved} parked/held endpoints: <= 5 API calls per endpoint`,
        actual: `${(restored.apiCalls / restored.saved).toFixed(2)} per endpoint`,
        met: restored.apiCalls / restored.saved <= 5,
      },
    );
    return { rows: [...rows, ...restoreRows], targets };
  },
};

export default suite;
