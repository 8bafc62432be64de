/**
 * The restore function: invoked by the platform team with `{ "projectId": "...", "endpointName":
 * "..." }`, or by EventBridge Scheduler on the first day of a budget period with `{ "projectId":
 * "...", "trigger": "next-period" }`, it brings back the endpoints auto-stop parked or scaled to
 * zero. Thin: wires clients, logger, metrics and configuration and calls `handleRestoreEvent`
 * (restore-event.ts). Settings: AUDIT_TABLE_NAME, GUARDRAILS_POLICY_FILE, REPORT_TOPIC_ARN
 * (optional: where the report of a restore that changed something is sent).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { eventBridgeChangeSink } from '../shared/eventbridge';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics } from '../shared/powertools';
import { sdkClientConfig } from '../shared/sdk';
import {
  handleRestoreEvent,
  type RestoreEventDeps,
  restoreWaitMs,
  snsReport,
} from './restore-event';

const sagemaker = new SageMakerClient(sdkClientConfig());
const autoscaling = new ApplicationAutoScalingClient(sdkClientConfig());
const cloudwatch = new CloudWatchClient(sdkClientConfig());
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientConfig()), {
  marshallOptions: { removeUndefinedValues: true },
});
const sns = new SNSClient(sdkClientConfig());
const events = new EventBridgeClient(sdkClientConfig());
const reportTopicArn = process.env.REPORT_TOPIC_ARN;
const policy = loadRuntimePolicy();

const deps: Omit<RestoreEventDeps, 'runId'> = {
  clients: {
    sagemaker,
    autoscaling,
    cloudwatch,
    ddb,
    tableName: requireEnv('AUDIT_TABLE_NAME'),
  },
  projectIds: policy.projects.map((p) => p.id),
  changeEvents: eventBridgeChangeSink(events, {
    warn: (message, extra) => logger.warn(message, { ...extra }),
    count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
  }),
  ...(reportTopicArn ? { report: snsReport(sns, reportTopicArn, policy.projects) } : {}),
  count: (metric, value) => metrics.addMetric(metric, MetricUnit.Count, value),
  logger: {
    appendKeys: (keys) => logger.appendKeys(keys),
    info: (message, extra) => logger.info(message, { ...extra }),
  },
};

/**
 * One restore, undecorated; the request id names the run in the audit table, and the time left
 * bounds the waits for re-created endpoints.
 */
export const run = (
  event: unknown,
  context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
) =>
  handleRestoreEvent(event, {
    ...deps,
    clients: {
      ...deps.clients,
      inServiceWait: { maxElapsedMs: restoreWaitMs(context.getRemainingTimeInMillis()) },
    },
    runId: context.awsRequestId,
  });

export const handler = middy(run)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
