/**
 * Auto-stop function: subscribed to the auto-stop topic. Thin: wires clients (one set per
 * region the policy lists), the idempotency store, logger and metrics, and calls
 * `handleNotifications`; the run itself is `runNotification`.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { eventBridgeChangeSink } from '../shared/eventbridge';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics, tracer } from '../shared/powertools';
import { publishReport } from '../shared/report-topic';
import { sdkClientConfig } from '../shared/sdk';
import { runChangeDetail } from './change-events';
import { createClients, policyRegions } from './clients';
import { buildDeps } from './deps';
import { recordRun } from './metrics';
import { handleNotifications, type KeyedNotification } from './notifications';
import { runNotification } from './orchestrator';
import { holdRecorder } from './period-guard/recorder';
import { renderReport } from './report';
import { countOutcomes, type RunReport } from './run-report';
import { readAutoStopEnv } from './settings';

/** How long a processed notification is remembered: far beyond SNS/Lambda retry windows. */
const IDEMPOTENCY_TTL_SECONDS = 35 * 24 * 3600;

const settings = readAutoStopEnv();
const policy = loadRuntimePolicy();
const sdk = createClients(policyRegions(policy, settings.region));
for (const c of [sdk.budgets, sdk.sns, sdk.sqs, sdk.rawDynamo]) tracer.captureAWSv3Client(c);
for (const r of sdk.regions.values())
  for (const c of [r.sagemaker, r.sagemakerList, r.tagging, r.autoScaling])
    if (c) tracer.captureAWSv3Client(c);
const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'idempotencyKey',
  expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
});

/** The account of the function itself (from its ARN): budgets are read there. */
export function accountOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

/** What the idempotency record keeps of a run (DynamoDB items are limited to 400 KB). */
export interface RunSummary {
  readonly notificationId: string;
  readonly project: string | null;
  readonly proceed: boolean;
  readonly decision: string;
  readonly counts: ReturnType<typeof countOutcomes>;
}

function summarize(report: RunReport): RunSummary {
  return {
    notificationId: report.notificationId,
    project: report.project?.id ?? null,
    proceed: report.proceed,
    decision: report.decision.slice(0, 500),
    counts: countOutcomes(report),
  };
}

const changeEvents = eventBridgeChangeSink(
  tracer.captureAWSv3Client(new EventBridgeClient(sdkClientConfig())),
  {
    warn: (message, extra) => logger.warn(message, { ...extra }),
    count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
  },
);
let accountId: string | undefined;
const deps = () => buildDeps(policy, sdk, settings, { accountId });
const recordHold = holdRecorder(sdk.dynamo);
const processNotification = makeIdempotent(
  async (input: KeyedNotification): Promise<RunSummary> => {
    const runDeps = deps();
    const report = await runNotification(runDeps, input, { execute: true });
    recordRun(report);
    // Over the threshold: the period guard keeps the project stopped until the period ends.
    await recordHold?.(report, accountId);
    const change = runChangeDetail(report);
    if (change) await changeEvents(change);
    // One summary per notification about a known project whose auto-stop is not off.
    const project = policy.projects.find((p) => p.id === report.project?.id);
    if (settings.reportTopicArn && project && report.mode !== 'off')
      await publishReport(
        sdk.sns,
        settings.reportTopicArn,
        project,
        renderReport(report, {
          auditTableName: settings.auditTableName,
          now: runDeps.now(),
          contacts: project,
        }),
      );
    return summarize(report);
  },
  {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: requireEnv('IDEMPOTENCY_TABLE_NAME'),
      awsSdkV3Client: sdk.rawDynamo,
    }),
    config: idempotencyConfig,
  },
);

export async function run(event: SNSEvent, context: Context): Promise<void> {
  idempotencyConfig.registerLambdaContext(context);
  accountId = accountOfArn(context.invokedFunctionArn);
  await handleNotifications(
    {
      topicArn: settings.topicArn,
      process: processNotification,
      logger: {
        warn: (message, extra) => logger.warn(message, { ...extra }),
        appendKeys: (keys) => logger.appendKeys(keys),
      },
      count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
    },
    event,
  );
}

export const handler = middy(run)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(captureLambdaHandler(tracer));
