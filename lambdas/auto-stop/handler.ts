/**
 * Auto-stop function: subscribed to the auto-stop topic. Thin: wires clients (one set per
 * region the policy lists), the idempotency store, logger and metrics, and calls
 * `handleNotifications` with `processNotification` made idempotent (notifications.ts).
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { eventBridgeChangeSink } from '../shared/eventbridge';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics } from '../shared/powertools';
import { publishReport } from '../shared/report-topic';
import { sdkClientConfig } from '../shared/sdk';
import { createClients, policyRegions } from './clients';
import { buildDeps } from './deps';
import { recordRun } from './metrics';
import {
  handleNotifications,
  type KeyedNotification,
  type ProcessDeps,
  processNotification,
} from './notifications';
import { holdRecorder } from './period-guard/recorder';
import { renderReport } from './report';
import { readAutoStopEnv } from './settings';

/** How long a processed notification is remembered: far beyond SNS/Lambda retry windows. */
const IDEMPOTENCY_TTL_SECONDS = 35 * 24 * 3600;

const settings = readAutoStopEnv();
const policy = loadRuntimePolicy();
const sdk = createClients(policyRegions(policy, settings.region));
const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'idempotencyKey',
  expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
});

/** The account of the function itself (from its ARN): budgets are read there. */
export function accountOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

const changeEvents = eventBridgeChangeSink(new EventBridgeClient(sdkClientConfig()), {
  warn: (message, extra) => logger.warn(message, { ...extra }),
  count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
});
const recordHold = holdRecorder(sdk.dynamo);
const reportTopicArn = settings.reportTopicArn;
let accountId: string | undefined;
const processDeps = (): ProcessDeps => {
  const run = buildDeps(policy, sdk, settings, { accountId });
  return {
    run,
    accountId,
    recordRun,
    ...(recordHold ? { recordHold } : {}),
    changeEvents,
    ...(reportTopicArn
      ? {
          report: {
            render: (report, project) =>
              renderReport(report, {
                auditTableName: settings.auditTableName,
                now: run.now(),
                contacts: project,
              }),
            publish: (project, message) => publishReport(sdk.sns, reportTopicArn, project, message),
          },
        }
      : {}),
  };
};
const processOnce = makeIdempotent(
  (input: KeyedNotification) => processNotification(processDeps(), input),
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
      process: processOnce,
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
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
