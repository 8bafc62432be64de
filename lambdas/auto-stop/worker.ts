/**
 * Auto-stop worker: consumes the work queue (whose policy accepts messages only from the
 * auto-stop function's role). Thin: wires clients, logger and metrics and calls
 * `handleWorkBatch`. A message with a failed stop (or one that cannot be read) is returned in
 * `batchItemFailures`, so SQS redelivers it and finally moves it to the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { eventBridgeChangeSink } from '../shared/eventbridge';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics } from '../shared/powertools';
import { sdkClientConfig } from '../shared/sdk';
import { createClients, policyRegions } from './clients';
import { buildDeps } from './deps';
import { emitOutcomeMetrics } from './metrics';
import { readAutoStopEnv } from './settings';
import { handleWorkBatch } from './work';

requireEnv('AUDIT_TABLE_NAME');
const settings = readAutoStopEnv();
const policy = loadRuntimePolicy();
const sdk = createClients(policyRegions(policy, settings.region));
// The worker never fans out again: no work queue for it.
const events = new EventBridgeClient(sdkClientConfig());
const deps = { ...buildDeps(policy, sdk, { ...settings, workQueueUrl: undefined }) };

export const handler = middy((event: SQSEvent) =>
  handleWorkBatch(
    {
      ...deps,
      logger: {
        info: (message, extra) => logger.info(message, { ...extra }),
        error: (message, extra) => logger.error(message, { ...extra }),
      },
      count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
      emitOutcomes: emitOutcomeMetrics,
      changeEvents: eventBridgeChangeSink(events, {
        warn: (message, extra) => logger.warn(message, { ...extra }),
        count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
      }),
    },
    event,
  ),
)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics));
