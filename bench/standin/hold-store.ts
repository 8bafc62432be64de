/**
 * An in-memory stand-in for the router's SQS + DynamoDB store, for tests and the paging
 * benchmark: the same semantics as `SqsDynamoHoldStore` (atomic appends, conditional pops,
 * paced slots, counters), with the SQS queue as a list of due messages a driver delivers.
 */
import type { AlarmChange } from '../../lambdas/paging/alarm-event';
import type {
  DeliveryMessage,
  HeldAlarm,
  HoldStore,
  PendingEvent,
} from '../../lambdas/paging/hold';

/** A message on the stand-in queue and when it becomes visible (ms since epoch). */
export interface QueuedMessage {
  readonly body: HeldAlarm | DeliveryMessage;
  readonly visibleAt: number;
}

export class MemoryHoldStore implements HoldStore {
  readonly items = new Map<string, string>();
  readonly latest = new Map<string, string>();
  readonly chains = new Map<string, PendingEvent[]>();
  readonly pace = new Map<string, { base: number; seq: number }>();
  readonly rates = new Map<string, number>();
  readonly notified = new Map<string, string>();
  /** Messages sent to the queue, in order; a driver removes them as it delivers them. */
  readonly queue: QueuedMessage[] = [];
  readonly released: string[] = [];

  async hold(alarm: AlarmChange, dedupKey: string, holdUntil: Date, now: Date): Promise<void> {
    this.items.set(dedupKey, alarm.stateChangeTime);
    const body = JSON.parse(
      JSON.stringify({ version: 1, holdUntil: holdUntil.toISOString(), alarm }),
    ) as HeldAlarm;
    this.queue.push({ body, visibleAt: Math.min(holdUntil.getTime(), now.getTime() + 900_000) });
  }
  async recheck(held: HeldAlarm, now: Date): Promise<void> {
    this.queue.push({
      body: held,
      visibleAt: Math.min(Date.parse(held.holdUntil), now.getTime() + 900_000),
    });
  }
  async isCurrent(alarm: AlarmChange, dedupKey: string): Promise<boolean> {
    return this.items.get(dedupKey) === alarm.stateChangeTime;
  }
  async release(dedupKey: string, stateChangeTime?: string): Promise<void> {
    if (stateChangeTime === undefined || this.items.get(dedupKey) === stateChangeTime) {
      this.items.delete(dedupKey);
      this.released.push(dedupKey);
    }
  }
  async claimLatest(alarm: AlarmChange, dedupKey: string): Promise<boolean> {
    const seen = this.latest.get(dedupKey);
    if (seen !== undefined && seen > alarm.stateChangeTime) return false;
    this.latest.set(dedupKey, alarm.stateChangeTime);
    return true;
  }
  async latestTime(dedupKey: string): Promise<string | undefined> {
    return this.latest.get(dedupKey);
  }
  async hasPending(dedupKey: string): Promise<boolean> {
    return (this.chains.get(dedupKey)?.length ?? 0) > 0;
  }
  async appendPending(dedupKey: string, event: PendingEvent): Promise<{ first: boolean }> {
    const chain = this.chains.get(dedupKey) ?? [];
    const first = chain.length === 0;
    chain.push(JSON.parse(JSON.stringify(event)) as PendingEvent);
    this.chains.set(dedupKey, chain);
    return { first };
  }
  async pending(dedupKey: string): Promise<PendingEvent[]> {
    return [...(this.chains.get(dedupKey) ?? [])];
  }
  async popPending(dedupKey: string, id: string): Promise<void> {
    const chain = this.chains.get(dedupKey);
    if (chain?.[0]?.id === id) chain.shift();
    if (chain && chain.length === 0) this.chains.delete(dedupKey);
  }
  async scheduleDelivery(message: DeliveryMessage, now: Date): Promise<void> {
    const due = Date.parse(message.notBefore);
    this.queue.push({
      body: JSON.parse(JSON.stringify(message)) as DeliveryMessage,
      // SQS delays are whole seconds, at most 900.
      visibleAt:
        now.getTime() + Math.min(900, Math.max(0, Math.ceil((due - now.getTime()) / 1000))) * 1000,
    });
  }
  async reserveSlot(service: string, intervalMs: number, now: Date): Promise<Date> {
    let p = this.pace.get(service);
    if (!p || p.base + p.seq * intervalMs < now.getTime() - intervalMs)
      p = { base: now.getTime(), seq: 0 };
    const slot = p.base + p.seq * intervalMs;
    this.pace.set(service, { base: p.base, seq: p.seq + 1 });
    return new Date(Math.max(slot, now.getTime()));
  }
  async countTrigger(team: string, window: string): Promise<number> {
    const key = `${team}#${window}`;
    const n = (this.rates.get(key) ?? 0) + 1;
    this.rates.set(key, n);
    return n;
  }
  async claimNotification(dedupKey: string, stateChangeTime: string): Promise<boolean> {
    if (this.notified.has(dedupKey)) return false;
    this.notified.set(dedupKey, stateChangeTime);
    return true;
  }
  async releaseNotification(dedupKey: string): Promise<void> {
    this.notified.delete(dedupKey);
  }
}
