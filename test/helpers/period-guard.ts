/** Period guard test helpers: a hold, and an in-memory guard store. */
import { type Claim, claimAllowed, type Hold } from '../../lambdas/auto-stop/period-guard/decide';
import type { DigestEntry, GuardStore } from '../../lambdas/auto-stop/period-guard/store';

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

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * An in-memory {@link GuardStore} for orchestrator tests. Claims follow
 * `claimAllowed`, the rule the DynamoDB adapter states as its condition (store.test.ts checks
 * the adapter's condition); each operation yields to the event loop like a network call, so
 * concurrent callers interleave as they would against DynamoDB.
 */
export class MemoryGuardStore implements GuardStore {
  readonly holds = new Map<string, Hold>();
  readonly claims = new Map<string, Claim>();
  readonly digest = new Map<string, DigestEntry[]>();
  readonly digestSent = new Set<string>();

  async getHold(projectId: string) {
    await tick();
    return this.holds.get(projectId);
  }
  async putHold(hold: Hold) {
    await tick();
    this.holds.set(hold.projectId, hold);
  }
  async deleteHold(projectId: string) {
    await tick();
    const hold = this.holds.get(projectId);
    this.holds.delete(projectId);
    return hold;
  }
  async claim(hold: Hold, arn: string, verdict: Claim['verdict'], nowMs: number) {
    await tick();
    // Check and write in one step, as DynamoDB evaluates a condition and writes atomically.
    const key = `${hold.projectId}|${hold.periodId}|${arn}`;
    if (!claimAllowed(this.claims.get(key), verdict, nowMs)) return false;
    this.claims.set(key, { verdict, claimedAt: nowMs });
    return true;
  }
  async unclaim(hold: Hold, arn: string) {
    await tick();
    this.claims.delete(`${hold.projectId}|${hold.periodId}|${arn}`);
  }
  async addDigestEntry(projectId: string, entry: DigestEntry) {
    await tick();
    const key = `${projectId}|${entry.time.slice(0, 10)}`;
    this.digest.set(key, [...(this.digest.get(key) ?? []), entry]);
  }
  async digestEntries(projectId: string, day: string) {
    await tick();
    return this.digest.get(`${projectId}|${day}`) ?? [];
  }
  async markDigestSent(projectId: string, day: string) {
    await tick();
    const key = `${projectId}|${day}`;
    if (this.digestSent.has(key)) return false;
    this.digestSent.add(key);
    return true;
  }
  async unmarkDigestSent(projectId: string, day: string) {
    await tick();
    this.digestSent.delete(`${projectId}|${day}`);
  }
}
