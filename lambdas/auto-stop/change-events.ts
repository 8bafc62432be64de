/**
 * What an auto-stop run tells responders: the resources it changed, as the one change event of
 * the run (contract: `lambdas/shared/change-events.ts`). Pure. Only `done` outcomes changed
 * something; "already stopped", dry runs, skips and failures send nothing.
 */
import {
  type AutoStopAction,
  type AutoStopDetail,
  buildAutoStopDetail,
  type ChangedResource,
} from '../shared/change-events';
import type { RunReport } from './run-report';
import type { Outcome } from './types';

/** The contract's action for a decision's machine-readable action. */
export function changeActionOf(action: string): AutoStopAction {
  if (action === 'park-endpoint') return 'parked';
  if (action.endsWith('-to-zero')) return 'scaled-to-zero';
  return 'stopped';
}

export function changesOf(outcomes: readonly Outcome[]): ChangedResource[] {
  return outcomes
    .filter((o) => o.result === 'done')
    .map((o) => ({
      kind: o.kind,
      name: o.name,
      arn: o.resourceArn,
      action: changeActionOf(o.action),
    }));
}

/** The change event of a notification's run, or undefined when it changed nothing. */
export function runChangeDetail(report: RunReport): AutoStopDetail | undefined {
  if (!report.project) return undefined;
  return buildAutoStopDetail({
    project: report.project.id,
    changes: changesOf(report.outcomes),
    reason: report.decision,
    mode: report.mode,
  });
}

/**
 * One change event per project for work done in pieces (a worker batch of queued runs, a period
 * guard sweep), never one per resource.
 */
export function projectChangeDetails(
  results: readonly { readonly projectId: string; readonly outcomes: readonly Outcome[] }[],
  reason: string,
): AutoStopDetail[] {
  const byProject = new Map<string, Outcome[]>();
  for (const r of results)
    byProject.set(r.projectId, [...(byProject.get(r.projectId) ?? []), ...r.outcomes]);
  const details: AutoStopDetail[] = [];
  for (const [project, outcomes] of byProject) {
    const detail = buildAutoStopDetail({
      project,
      changes: changesOf(outcomes),
      reason,
    });
    if (detail) details.push(detail);
  }
  return details;
}
