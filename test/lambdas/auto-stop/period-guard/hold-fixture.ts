import type { Hold } from '../../../../lambdas/auto-stop/period-guard/decide';

/** A hold recorded on 20 November 2026 for the month of November (ends 1 December, UTC). */
export function holdOf(projectId = 'fraud-detection', over: Partial<Hold> = {}): Hold {
  return {
    projectId,
    periodId: '2026-11',
    periodEnd: '2026-12-01T00:00:00.000Z',
    mode: 'enforce',
    accountId: '111122223333',
    budgetName: `ml-${projectId}`,
    createdAt: '2026-11-20T08:00:00.000Z',
    reason: 'ACTUAL spend crossed 95 %',
    notificationId: 'msg-1',
    ...over,
  };
}
