/**
 * Period guard function. Three inputs, one function:
 * - SageMaker state-change events (EventBridge rules, source `aws.sagemaker`): act at once;
 * - `{ "task": "sweep" }` (schedule): look for what the events missed, in every project region;
 * - `{ "task": "digest" }` (daily schedule): one email per project about the previous UTC day.
 * The handler only wires clients, logger, metrics and configuration; the orchestrator is guard.ts.
 *
 * | Variable | Meaning |
 * | --- | --- |
 * | GUARD_TABLE_NAME | the guard's table (holds, claims, digest lines) |
 * | AUDIT_TABLE_NAME | the auto-stop audit table |
 * | REPORT_TOPIC_ARN | the report topic (digests) |
 *
 * and the auto-stop settings of `../settings.ts` (AWS_REGION, AUTO_STOP_CONCURRENCY,
 * AUTO_STOP_LIST_RATE, ...), read the same way as by the notification function.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import { requireEnv } from '../../shared/env';
import { eventBridgeChangeSink } from '../../shared/eventbridge';
import { loadRuntimePolicy } from '../../shared/policy';
import { logger, metrics, tracer } from '../../shared/powertools';
import { publishReport } from '../../shared/report-topic';
import { sdkClientConfig } from '../../shared/sdk';
import { projectChangeDetails } from '../change-events';
import { createClients, policyRegions } from '../clients';
import { buildDeps } from '../deps';
import { emitOutcomeMetrics } from '../metrics';
import { renderDigest } from '../report';
import { readAutoStopEnv } from '../settings';
import { BudgetCache, type GuardDeps, handleStateChange, sendDigests, sweep } from './guard';
import { previousUtcDay } from './period';
import { DynamoGuardStore, writeHoldAudit } from './store';
import { readResourceTags } from './tags';

function createRuntime(env: NodeJS.ProcessEnv = process.env) {
  const settings = readAutoStopEnv(env);
  const auditTableName = requireEnv('AUDIT_TABLE_NAME', env);
  const guardTableName = requireEnv('GUARD_TABLE_NAME', env);
  const policy = loadRuntimePolicy(env);
  // One set of clients per region the policy lists: the sweep covers every region of a project.
  const sdk = createClients(policyRegions(policy, settings.region), env);
  for (const c of [sdk.budgets, sdk.sns, sdk.rawDynamo]) tracer.captureAWSv3Client(c);
  for (const r of sdk.regions.values())
    for (const c of [r.sagemaker, r.sagemakerList, r.tagging, r.autoScaling])
      if (c) tracer.captureAWSv3Client(c);
  // The same dependencies as a notification run (paced listings, endpoint handler, audit), never
  // fanning out to the work queue: the guard acts on a few resources at a time.
  const run = buildDeps(policy, sdk, { ...settings, auditTableName, workQueueUrl: undefined });
  const deps: GuardDeps = {
    ...run,
    store: new DynamoGuardStore(sdk.dynamo, guardTableName),
    readTags: readResourceTags,
    holdAudit: (event) => writeHoldAudit(sdk.dynamo, auditTableName, event),
    budgetCache: new BudgetCache(),
  };
  // Late stops reach the owning team's PagerDuty timeline like a notification run's.
  const changeEvents = eventBridgeChangeSink(
    tracer.captureAWSv3Client(new EventBridgeClient(sdkClientConfig(env))),
    {
      warn: (message, extra) => logger.warn(message, { ...extra }),
      count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
    },
  );
  return { deps, sdk, auditTableName, reportTopicArn: settings.reportTopicArn, changeEvents };
}

let runtime: ReturnType<typeof createRuntime> | undefined;

/** Routes one invocation; exported undecorated for tests and the benchmark. */
export async function handleGuardEvent(event: unknown): Promise<unknown> {
  runtime ??= createRuntime();
  const { deps } = runtime;
  const task = (event as { task?: unknown } | null)?.task;
  if (task === 'sweep') {
    const results = await sweep(deps);
    const recorded = results.reduce((n, r) => n + r.recorded.length, 0);
    logger.info('Period guard sweep', {
      results: results.map((r) => ({ ...r, recorded: r.recorded.length })),
    });
    emitOutcomeMetrics(results.flatMap((r) => r.recorded));
    const changes = projectChangeDetails(
      results.map((r) => ({ projectId: r.projectId, outcomes: r.recorded })),
      'period guard sweep: work started after the budget threshold was crossed',
    );
    for (const detail of changes) await runtime.changeEvents(detail);
    return { task, projects: results.length, recorded };
  }
  if (task === 'digest') {
    const topicArn = runtime.reportTopicArn;
    if (!topicArn) throw new Error('REPORT_TOPIC_ARN is required to send digests');
    const { sdk, auditTableName } = runtime;
    const result = await sendDigests(
      {
        ...deps,
        render: (project, day, entries) => renderDigest(project, day, entries, { auditTableName }),
        publish: (project, message) => publishReport(sdk.sns, topicArn, project, message),
      },
      previousUtcDay(deps.now()),
    );
    logger.info('Period guard digest', { ...result });
    metrics.addMetric('guardDigestsSent', MetricUnit.Count, result.sent.length);
    return result;
  }
  const result = await handleStateChange(deps, event);
  if (result.status === 'recorded') {
    logger.info('Period guard acted', { outcome: result.outcome });
    emitOutcomeMetrics([result.outcome]);
    const [change] = projectChangeDetails(
      [{ projectId: result.projectId, outcomes: [result.outcome] }],
      'period guard: work started after the budget threshold was crossed',
    );
    if (change) await runtime.changeEvents(change);
  } else logger.debug('Period guard: nothing to do', { ...result });
  return result;
}

/** Forget the lazily built clients (tests change env between cases). */
export function resetGuardRuntimeForTests(): void {
  runtime = undefined;
}

export const handler = middy(handleGuardEvent)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics))
  .use(captureLambdaHandler(tracer));
