/**
 * Retry of throttled AWS calls on top of the SDK's own retries. SageMaker List* calls are limited
 * to about 2 requests/s (DOMAIN-NOTES) and answer `ThrottlingException`; a periodic audit that
 * reads thousands of resources must wait and go on rather than fail.
 */
import { isThrottlingError } from '../shared/errors';

/** True when an AWS call was throttled (the shared list of AWS "slow down" error names). */
export const isThrottling = isThrottlingError;

export interface RetryOptions {
  /** Attempts in total, the first included. @default 8 */
  readonly attempts?: number;
  /** First back-off in ms; doubles each attempt, with full jitter. @default 200 */
  readonly baseDelayMs?: number;
  /** Longest back-off in ms. @default 5000 */
  readonly maxDelayMs?: number;
  /** Injected for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (logging, counting). @default - nothing */
  readonly onRetry?: (attempt: number, err: unknown) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Run `call`, retrying throttling errors with exponential back-off; other errors escape at once. */
export async function retryThrottled<T>(
  call: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5000;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isThrottling(err) || attempt >= attempts) throw err;
      options.onRetry?.(attempt, err);
      await sleep(Math.random() * Math.min(max, base * 2 ** (attempt - 1)));
    }
  }
}
