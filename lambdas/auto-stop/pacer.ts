/**
 * Client-side pacing per operation: calls are spaced at `ratePerSecond`, so a listing that is
 * known to be throttled at a low rate is read at that rate instead of being throttled and backed
 * off (which wastes calls and overshoots). Rate 0 turns pacing off. `ListTrainingJobs` is
 * throttled at about 2 requests per second, a quota that cannot be raised (reported in
 * aws/sagemaker-python-sdk issues); the same rate is assumed for the other listings.
 */
import { sleep as defaultSleep } from '../shared/retry';

export class Pacer {
  private readonly next = new Map<string, number>();
  constructor(
    private ratePerSecond: number,
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {}

  setRate(ratePerSecond: number): void {
    this.ratePerSecond = ratePerSecond;
    this.next.clear();
  }

  /** Resolves when the next call of `operation` may start. */
  async wait(operation: string): Promise<void> {
    if (this.ratePerSecond <= 0) return;
    const now = this.clock();
    const at = Math.max(now, this.next.get(operation) ?? now);
    this.next.set(operation, at + 1000 / this.ratePerSecond);
    if (at > now) await this.sleep(at - now);
  }
}
