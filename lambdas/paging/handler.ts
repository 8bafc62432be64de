/**
 * Paging router: CloudWatch alarm state changes (SNS topic, EventBridge rule), the guardrails'
 * own change events (auto-stop actions, heartbeat) and the hold queue in, PagerDuty Events API v2
 * and the C/I notification topics out. Thin: wiring only; see `router.ts`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { optionalEnv, requireEnv } from '../shared/env';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics } from '../shared/powertools';
import { sdkClientConfig } from '../shared/sdk';
import { AlarmLookupCache, describeAlarm } from './alarm-lookup';
import { SqsDynamoHoldStore } from './hold';
import { publishNotification } from './notify';
import { RoutingKeyCache } from './pagerduty';
import { handleAlarmEvent, handleHoldBatch, isSqsEvent, type RouterDeps } from './router';
import { readSecretString } from './secrets';

const sqs = new SQSClient(sdkClientConfig());
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientConfig()));
const cloudwatch = new CloudWatchClient(sdkClientConfig());
const sns = new SNSClient(sdkClientConfig());
const secrets = new SecretsManagerClient(sdkClientConfig());
const policy = loadRuntimePolicy();
const hold = new SqsDynamoHoldStore(
  sqs,
  ddb,
  requireEnv('HOLD_QUEUE_URL'),
  requireEnv('HOLD_TABLE_NAME'),
);
/** Team id -> ARN of its C/I notification topic. */
const notifyTopics = JSON.parse(optionalEnv('NOTIFY_TOPIC_ARNS', '{}')) as Record<string, string>;
/** Seconds a routing key is used before it is read again (the last good key outlives failures). */
const SECRET_MAX_AGE = Number(optionalEnv('ROUTING_KEY_CACHE_SECONDS', '300'));
/** Seconds a DescribeAlarms answer is reused. */
const LOOKUP_MAX_AGE = Number(optionalEnv('ALARM_LOOKUP_CACHE_SECONDS', '300'));
/** Time kept back from the Lambda timeout for logging and metrics after the last retry. */
const SAFETY_MS = 3000;

const routingKeys = new RoutingKeyCache(
  (name) => readSecretString(secrets, name),
  SECRET_MAX_AGE * 1000,
  Date.now,
  { warn: (message, extra) => logger.warn(message, { ...extra }) },
);
const lookups = new AlarmLookupCache(
  (name) => describeAlarm(cloudwatch, name),
  LOOKUP_MAX_AGE * 1000,
);

function deps(context: Context): RouterDeps {
  return {
    policy,
    routingKey: (name) => routingKeys.get(name),
    fetch: globalThis.fetch,
    eventsApiUrl: policy.paging.eventsApiUrl,
    hold,
    now: () => new Date(),
    budgetMs: () => Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MS),
    lookupAlarm: (name) => lookups.get(name),
    // arn:aws:lambda:<region>:<account>:function:<name>
    ownAccount: context.invokedFunctionArn.split(':')[4],
    notify: (n) => publishNotification(sns, notifyTopics, n),
    logger: {
      info: (message, extra) => logger.info(message, { ...extra }),
      warn: (message, extra) => logger.warn(message, { ...extra }),
      error: (message, extra) =>
        extra instanceof Error ? logger.error(message, extra) : logger.error(message, { ...extra }),
    },
    count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
  };
}

export async function run(event: unknown, context: Context) {
  if (isSqsEvent(event)) return handleHoldBatch(event, deps(context));
  const summary = await handleAlarmEvent(event, deps(context));
  return {
    records: summary.records,
    ignored: summary.ignored,
    decisions: summary.decisions.length,
  };
}

export const handler = middy(run)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
