/**
 * Auto-stop function: subscribed to the budget-notifications topic. Every SNS record goes
 * through the idempotent `processNotification` (keyed on the SNS MessageId, so a duplicate
 * delivery acts once and reports once). A bad or foreign message is logged, counted and
 * acknowledged (no retry storm); AWS errors escape so Lambda retries and then the on-failure
 * queue keeps the event.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics, tracer } from '../shared/powertools';
import { publishReport, renderReport } from './report';
import { countOutcomes, type NotificationInput, type RunReport, runNotification } from './run';
import { createClients, readAutoStopEnv } from './runtime';
import { buildDeps, recordRun } from './service';

/** How long a processed MessageId is remembered: far beyond SNS/Lambda retry windows. */
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

/** The account of the function itself (from its ARN), used when a message names none. */
export function accountOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

function createRuntime(env: NodeJS.ProcessEnv = process.env) {
  const settings = readAutoStopEnv(env);
  requireEnv('AUDIT_TABLE_NAME', env);
  const sdk = createClients(env);
  for (const client of [
    sdk.sagemaker,
    sdk.sagemakerList,
    sdk.tagging,
    sdk.budgets,
    sdk.sns,
    sdk.sqs,
    sdk.rawDynamo,
  ])
    tracer.captureAWSv3Client(client);
  const deps = buildDeps(loadRuntimePolicy(env), sdk, settings);
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'notificationId',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
  });
  // The stored result must stay small: DynamoDB items are limited to 400 KB, and a run over
  // 1,000 resources is larger than that. The full detail is in the audit table and the logs.
  const work = async (input: NotificationInput): Promise<RunSummary> => {
    const report = await runNotification(deps, input, { execute: true });
    recordRun(report);
    // One summary per notification about a known project whose auto-stop is not off.
    const project = deps.policy.projects.find((p) => p.id === report.project?.id);
    if (settings.reportTopicArn && project && report.mode !== 'off')
      await publishReport(
        sdk.sns,
        settings.reportTopicArn,
        project,
        renderReport(report, { auditTableName: settings.auditTableName }),
      );
    return summarize(report);
  };
  const processNotification = makeIdempotent(work, {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: requireEnv('IDEMPOTENCY_TABLE_NAME', env),
      awsSdkV3Client: sdk.rawDynamo,
    }),
    config: idempotencyConfig,
  });
  return { processNotification, idempotencyConfig };
}

/** What the idempotency record keeps of a run. */
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

let runtime: ReturnType<typeof createRuntime> | undefined;

/** Handles every record of an SNS event; exported undecorated for tests and local runs. */
export async function handleSnsEvent(event: SNSEvent, context: Context): Promise<void> {
  runtime ??= createRuntime();
  runtime.idempotencyConfig.registerLambdaContext(context);
  const records = Array.isArray(event?.Records) ? event.Records : [];
  if (records.length === 0) {
    logger.warn('Event without SNS records', { keys: Object.keys(event ?? {}) });
    metrics.addMetric('notificationsRejected', MetricUnit.Count, 1);
    return;
  }
  for (const record of records) {
    // Every delivery counts here (the dashboard's "budget notifications received").
    metrics.addMetric('notificationsReceived', MetricUnit.Count, 1);
    const notificationId = record?.Sns?.MessageId;
    if (!notificationId) {
      logger.warn('SNS record without MessageId', { eventSource: record?.EventSource });
      metrics.addMetric('notificationsRejected', MetricUnit.Count, 1);
      continue;
    }
    logger.appendKeys({ notificationId });
    await runtime.processNotification({
      notificationId,
      message: record.Sns.Message,
      fallbackAccountId: accountOfArn(context.invokedFunctionArn),
    });
  }
}

/** Forget the lazily built clients and settings (tests change env between cases). */
export function resetRuntimeForTests(): void {
  runtime = undefined;
}

export const handler = middy(handleSnsEvent)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(captureLambdaHandler(tracer));
