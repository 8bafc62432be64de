/**
 * Auto-stop worker: consumes the fan-out work queue (bounded by the event source's
 * `maxConcurrency`). Each message is a batch of stop decisions; every result is audited. A
 * message with a failed stop (or one that cannot be read) is returned in `batchItemFailures`, so
 * SQS redelivers it and finally moves it to the dead-letter queue: no stop request is lost.
 * Redelivered stops are harmless: "already stopped" counts as done.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics, tracer } from '../shared/powertools';
import { type AutoStopDeps, actAll } from './run';
import { createClients, readAutoStopEnv } from './runtime';
import { buildDeps, emitOutcomeMetrics } from './service';
import { decisionsOf, WorkMessageSchema } from './work-queue';

function createWorkerDeps(env: NodeJS.ProcessEnv = process.env): AutoStopDeps {
  requireEnv('AUDIT_TABLE_NAME', env);
  const sdk = createClients(env);
  for (const client of [sdk.sagemaker, sdk.rawDynamo]) tracer.captureAWSv3Client(client);
  // The worker never fans out again: no WORK_QUEUE_URL for it.
  return buildDeps(loadRuntimePolicy(env), sdk, {
    ...readAutoStopEnv(env),
    workQueueUrl: undefined,
  });
}

let deps: AutoStopDeps | undefined;

/** Processes work messages; exported undecorated for tests, local runs and the benchmark. */
export async function handleWorkBatch(
  event: SQSEvent,
  injected?: AutoStopDeps,
): Promise<SQSBatchResponse> {
  if (!injected) deps ??= createWorkerDeps();
  const d = injected ?? (deps as AutoStopDeps);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records ?? []) {
    let parsed: ReturnType<typeof WorkMessageSchema.safeParse>;
    try {
      parsed = WorkMessageSchema.safeParse(JSON.parse(record.body));
    } catch (err) {
      parsed = { success: false, error: err } as ReturnType<typeof WorkMessageSchema.safeParse>;
    }
    if (!parsed.success) {
      // Kept (not dropped): after maxReceiveCount it lands in the DLQ for a person to read.
      logger.error('Unreadable work message', { messageId: record.messageId, error: parsed.error });
      metrics.addMetric('workMessagesRejected', MetricUnit.Count, 1);
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const message = parsed.data;
    const project = d.policy.projects.find((p) => p.id === message.projectId);
    if (!project) {
      logger.error('Work message for a project not in the policy', {
        messageId: record.messageId,
        projectId: message.projectId,
      });
      metrics.addMetric('workMessagesRejected', MetricUnit.Count, 1);
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const ctx = {
      project,
      settings: project.autoStop,
      notificationId: message.notificationId,
      now: d.now,
    };
    const outcomes = await actAll(d, decisionsOf(message), ctx);
    await d.audit?.write(
      { projectId: project.id, notificationId: message.notificationId, time: d.now() },
      outcomes,
    );
    emitOutcomeMetrics(outcomes);
    const failed = outcomes.filter((o) => o.result === 'failed');
    logger.info('Work message processed', {
      messageId: record.messageId,
      notificationId: message.notificationId,
      project: project.id,
      stops: outcomes.length,
      failed: failed.length,
    });
    if (failed.length > 0) batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures };
}

/** Forget the lazily built dependencies (tests change env between cases). */
export function resetWorkerForTests(): void {
  deps = undefined;
}

export const handler = middy((event: SQSEvent) => handleWorkBatch(event))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics))
  .use(captureLambdaHandler(tracer));
