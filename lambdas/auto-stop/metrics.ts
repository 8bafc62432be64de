/** Metrics and the one log line of a run (EMF through Powertools). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '../shared/powertools';
import { countOutcomes, type RunReport } from './run-report';
import type { Outcome } from './types';

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
    discovery: report.discovery,
  });
  // A live budget limit that differs from the policy: someone changed the budget (alarmed).
  if (report.spend?.limitMismatch) metrics.addMetric('budgetLimitMismatch', MetricUnit.Count, 1);
  metrics.addMetric(
    report.proceed ? 'notificationsActedOn' : 'notificationsIgnored',
    MetricUnit.Count,
    1,
  );
  if (report.queued > 0) metrics.addMetric('stopsQueued', MetricUnit.Count, report.queued);
  emitOutcomeMetrics(report.outcomes);
}
