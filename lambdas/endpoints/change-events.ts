/**
 * The one change event of a restore run (contract: `lambdas/shared/change-events.ts`). Pure.
 * Only endpoints re-created or whose scaling was put back changed; planned (dry run), waiting,
 * skipped, blocked and failed endpoints send nothing.
 */
import { type AutoStopDetail, buildAutoStopDetail } from '../shared/change-events';
import type { RestoreReport } from './restore';

export function restoreChangeDetail(
  report: RestoreReport,
  trigger: 'on-request' | 'next-period' = 'on-request',
): AutoStopDetail | undefined {
  return buildAutoStopDetail({
    project: report.projectId,
    changes: report.outcomes
      .filter((o) => o.result === 'restored' || o.result === 'recreated')
      .map((o) => ({
        kind: 'endpoint',
        name: o.endpointName,
        arn: o.endpointArn,
        action: 'restored' as const,
      })),
    reason:
      trigger === 'next-period'
        ? 'restored at the start of a new budget period'
        : 'restored on request',
  });
}
