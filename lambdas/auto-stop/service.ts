/**
 * Wiring shared by the handler, the worker and the CLI: the kind handlers of this build, the
 * orchestrator's dependencies from settings, and the metrics/log lines of a run.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { logger, metrics } from '../shared/powertools';
import { AuditLog } from './audit';
import { endpointHandler } from './kinds/endpoint';
import { jobHandlers } from './kinds/jobs';
import { notebookHandler } from './kinds/notebooks';
import { listPacer } from './pacer';
import { type AutoStopDeps, countOutcomes, type RunReport } from './run';
import type { AutoStopEnv, AutoStopSdk } from './runtime';
import type { KindHandler, Outcome, Progress, SageMakerClients } from './types';
import { WorkQueue } from './work-queue';

/** The kind handlers that need nothing but SageMaker: jobs and notebooks. */
export const KIND_HANDLERS: readonly KindHandler<SageMakerClients>[] = [
  ...jobHandlers,
  notebookHandler,
];

/**
 * The endpoint handler on the orchestrator's clients. Before changing an endpoint it saves what
 * restore needs in the audit table, so acting needs the table; discovery and planning do not.
 */
export function endpointKindHandler(
  dynamo: DynamoDBDocumentClient,
  tableName: string | undefined,
): KindHandler<SageMakerClients> {
  const clients = (c: SageMakerClients, table = '') => ({
    sagemaker: c.sagemaker,
    autoscaling: c.autoScaling,
    ddb: dynamo,
    tableName: table,
  });
  return {
    kinds: endpointHandler.kinds,
    taggingTypes: endpointHandler.taggingTypes,
    discover: (c, tagged, ctx) => endpointHandler.discover(clients(c), tagged, ctx),
    plan: (resource, settings) => endpointHandler.plan(resource, settings),
    act: async (c, decision, ctx) => {
      if (!tableName)
        throw new Error(
          'Changing endpoints needs AUDIT_TABLE_NAME: their state is saved there for restore',
        );
      return endpointHandler.act(clients(c, tableName), decision, ctx);
    },
  };
}

/** Every kind handler of this build (endpoints plan without the audit table, act only with it). */
export function kindHandlers(
  dynamo: DynamoDBDocumentClient,
  auditTableName: string | undefined,
): readonly KindHandler<SageMakerClients>[] {
  return [...KIND_HANDLERS, endpointKindHandler(dynamo, auditTableName)];
}

/** The orchestrator's dependencies from the documented settings. */
export function buildDeps(
  policy: GuardrailsPolicy,
  sdk: AutoStopSdk,
  env: AutoStopEnv,
  options: { now?: () => Date; onProgress?: (p: Progress) => void } = {},
): AutoStopDeps {
  listPacer.setRate(env.listRate);
  return {
    policy,
    clients: sdk,
    handlers: kindHandlers(sdk.dynamo, env.auditTableName),
    concurrency: env.concurrency,
    inlineActionLimit: env.inlineActionLimit,
    ...(env.auditTableName ? { audit: new AuditLog(sdk.dynamo, env.auditTableName) } : {}),
    ...(env.workQueueUrl ? { workQueue: new WorkQueue(sdk.sqs, env.workQueueUrl) } : {}),
    now: options.now ?? (() => new Date()),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}

/** EMF metrics for outcomes: totals, and per kind with a `kind` dimension. */
export function emitOutcomeMetrics(outcomes: readonly Outcome[]): void {
  const names: Partial<Record<Outcome['result'], string>> = {
    done: 'resourcesStopped',
    'already-done': 'resourcesAlreadyStopped',
    'would-do': 'resourcesWouldStop',
    skipped: 'resourcesSkipped',
    reported: 'resourcesReported',
    failed: 'stopsFailed',
  };
  const perKind = new Map<string, Map<string, number>>();
  for (const o of outcomes) {
    const name = names[o.result];
    if (!name) continue;
    const kinds = perKind.get(name) ?? new Map<string, number>();
    kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
    perKind.set(name, kinds);
  }
  for (const [name, kinds] of perKind) {
    let total = 0;
    for (const [kind, n] of kinds) {
      total += n;
      const single = metrics.singleMetric();
      single.addDimension('kind', kind);
      single.addMetric(name, MetricUnit.Count, n);
    }
    metrics.addMetric(name, MetricUnit.Count, total);
  }
}

/** One structured log line per run, plus metrics. */
export function recordRun(report: RunReport): void {
  if (report.rejected) {
    // An expected non-event (bad or foreign message): warn, count, no retry.
    logger.warn('Notification rejected', {
      notificationId: report.notificationId,
      problem: report.rejected.problem,
      reason: report.rejected.reason,
    });
    metrics.addMetric('notificationsRejected', MetricUnit.Count, 1);
    return;
  }
  logger.info('Auto-stop run', {
    notificationId: report.notificationId,
    project: report.project?.id,
    mode: report.mode,
    executed: report.executed,
    proceed: report.proceed,
    decision: report.decision,
    counts: countOutcomes(report),
    unhandledKinds: report.unhandledKinds,
  });
  metrics.addMetric(
    report.proceed ? 'notificationsActedOn' : 'notificationsIgnored',
    MetricUnit.Count,
    1,
  );
  if (report.queued > 0) metrics.addMetric('stopsQueued', MetricUnit.Count, report.queued);
  emitOutcomeMetrics(report.outcomes);
}
