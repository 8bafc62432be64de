/**
 * Periodic AWS Config rule for the SageMaker resources Config does not record. Thin: wires
 * clients, logger, metrics and configuration and calls `runTagAudit` (orchestrator.ts).
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { requireEnv } from '../shared/env';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics } from '../shared/powertools';
import { sdkClientConfig } from '../shared/sdk';
import type { AuditClients } from './audit';
import { runTagAudit, type TagAuditDeps } from './orchestrator';

const sagemaker = new SageMakerClient(sdkClientConfig());
const tagging = new ResourceGroupsTaggingAPIClient(sdkClientConfig());
const config = new ConfigServiceClient(sdkClientConfig());
const sns = new SNSClient(sdkClientConfig());

// One client pair per other region, created on first use and kept for the next invocations.
const regional = new Map<string, AuditClients>();
function clientsFor(region: string): AuditClients {
  let clients = regional.get(region);
  if (!clients) {
    clients = {
      sagemaker: new SageMakerClient({ ...sdkClientConfig(), region }),
      tagging: new ResourceGroupsTaggingAPIClient({ ...sdkClientConfig(), region }),
    };
    regional.set(region, clients);
  }
  return clients;
}

const deps: TagAuditDeps = {
  sagemaker,
  tagging,
  config,
  sns,
  policy: loadRuntimePolicy(),
  ownerTopicArn: requireEnv('OWNER_TOPIC_ARN'),
  region: process.env.AWS_REGION,
  clientsFor,
  logger: {
    appendKeys: (keys) => logger.appendKeys(keys),
    debug: (message, extra) => logger.debug(message, { ...extra }),
    info: (message, extra) => logger.info(message, { ...extra }),
    error: (message, extra) => logger.error(message, { ...extra }),
  },
  count: (metric, value) => metrics.addMetric(metric, MetricUnit.Count, value),
};

/** One evaluation, undecorated. */
export const run = (event: unknown) => runTagAudit(event, deps);

export const handler = middy(run)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
