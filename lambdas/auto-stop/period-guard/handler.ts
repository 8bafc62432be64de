/**
 * Period guard function. Three inputs, one function:
 * - SageMaker state-change events (EventBridge rules, source `aws.sagemaker`): act at once;
 * - `{ "task": "sweep" }` (schedule): look for what the events missed, in every project region;
 * - `{ "task": "digest" }` (daily schedule): one email per project about the previous UTC day.
 * Thin: wires clients, logger, metrics and configuration and calls `handleGuardEvent` (guard.ts).
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
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import { requireEnv } from '../../shared/env';
import { eventBridgeChangeSink } from '../../shared/eventbridge';
import { loadRuntimePolicy } from '../../shared/policy';
import { logger, metrics } from '../../shared/powertools';
import { publishReport } from '../../shared/report-topic';
import { sdkClientConfig } from '../../shared/sdk';
import { createClients, policyRegions } from '../clients';
import { buildDeps } from '../deps';
import { emitOutcomeMetrics } from '../metrics';
import { renderDigest } from '../report';
import { readAutoStopEnv } from '../settings';
import { BudgetCache, type GuardEventDeps, handleGuardEvent } from './guard';
import { DynamoGuardStore, writeHoldAudit } from './store';
import { readResourceTags } from './tags';

const settings = readAutoStopEnv();
const auditTableName = requireEnv('AUDIT_TABLE_NAME');
const guardTableName = requireEnv('GUARD_TABLE_NAME');
const policy = loadRuntimePolicy();
// One set of clients per region the policy lists: the sweep covers every region of a project.
const sdk = createClients(policyRegions(policy, settings.region));
const events = new EventBridgeClient(sdkClientConfig());
const reportTopicArn = settings.reportTopicArn;

const deps: GuardEventDeps = {
  guard: {
    // The same dependencies as a notification run (paced listings, endpoint handler, audit), never
    // fanning out to the work queue: the guard acts on a few resources at a time.
    ...buildDeps(policy, sdk, { ...settings, auditTableName, workQueueUrl: undefined }),
    store: new DynamoGuardStore(sdk.dynamo, guardTableName),
    readTags: readResourceTags,
    holdAudit: (event) => writeHoldAudit(sdk.dynamo, auditTableName, event),
    budgetCache: new BudgetCache(),
  },
  ...(reportTopicArn
    ? {
        digest: {
          render: (project, day, entries) =>
            renderDigest(project, day, entries, { auditTableName }),
          publish: (project, message) => publishReport(sdk.sns, reportTopicArn, project, message),
        },
      }
    : {}),
  changeEvents: eventBridgeChangeSink(events, {
    warn: (message, extra) => logger.warn(message, { ...extra }),
    count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
  }),
  emitOutcomes: emitOutcomeMetrics,
  count: (metric, value) => metrics.addMetric(metric, MetricUnit.Count, value),
  logger: {
    info: (message, extra) => logger.info(message, { ...extra }),
    debug: (message, extra) => logger.debug(message, { ...extra }),
  },
};

/** One invocation, undecorated (the benchmark calls it once per event). */
export const run = (event: unknown) => handleGuardEvent(event, deps);

export const handler = middy(run)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics));
