/**
 * The one retry helper of ml-guardrails, on top of the AWS SDK's own retries.
 *
 * Why another layer: the SDK's standard mode retries throttling a few times with waits from
 * 500 ms (THROTTLING_RETRY_DELAY_BASE in @smithy/util-retry). SageMaker's List* and Application
 * Auto Scaling calls are throttled at a few requests per second, so a run that reads or changes
 * hundreds of resources must keep going for longer, with short jittered waits that keep it close
 * to the service's rate ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 *
 * Errors are classified by type and code, never by message text. The clock and sleep are
 * parameters so tests run without waiting.
 */
import { awsErrorName } from './errors';

/**
 * Error names AWS services use for "slow down" (SageMaker, tagging, Config, Budgets, DynamoDB,
 * S3); Application Auto Scaling answers ConcurrentUpdateException while a target is busy.
 */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'ConcurrentUpdateException',
]);

/** Transient service or network failures worth another try when the call is idempotent. */
export const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);

interface SdkErrorShape {
  readonly code?: string;
  readonly $retryable?: { throttling?: boolean };
  readonly $metadata?: { httpStatusCode?: number };
}

/** True when an AWS call failed because it was throttled. */
export function isThrottlingError(err: unknown): boolean {
  if (THROTTLING_ERROR_NAMES.has(awsErrorName(err) ?? '')) return true;
  const e = err as SdkErrorShape | undefined;
  return e?.$retryable?.throttling === true || e?.$metadata?.httpStatusCode === 429;
}

/** Throttling, a 5xx answer or a dropped connection: safe to retry for idempotent calls. */
export function isRetryableError(err: unknown): boolean {
  if (isThrottlingError(err)) return true;
  const e = err as SdkErrorShape | undefined;
  if (
    TRANSIENT_ERROR_NAMES.has(awsErrorName(err) ?? '') ||
    TRANSIENT_ERROR_NAMES.has(e?.code ?? '')
  )
    return true;
  return (e?.$metadata?.httpStatusCode ?? 0) >= 500;
}

export interface RetryOptions {
  /** Attempts in total, the first included. @default 8 */
  readonly attempts?: number;
  /** First back-off in ms; doubles each attempt, with full jitter. @default 200 */
  readonly baseDelayMs?: number;
  /** Longest single back-off in ms. @default 5000 */
  readonly maxDelayMs?: number;
  /** Stop retrying once this much time has passed since the first attempt. @default - no limit */
  readonly maxElapsedMs?: number;
  /** Which errors are retried. @default isThrottlingError */
  readonly retryOn?: (err: unknown) => boolean;
  /** Called before each retry (logging, counting). @default - nothing */
  readonly onRetry?: (attempt: number, err: unknown, delayMs: number) => void;
  /** Injected for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests. @default Date.now */
  readonly now?: () => number;
  /** Injected for tests: a number in [0, 1). @default Math.random */
  readonly random?: () => number;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before retry `attempt` (1-based): full jitter over a capped exponential. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {},
): number {
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5000;
  return (options.random ?? Math.random)() * Math.min(max, base * 2 ** (attempt - 1));
}

/** Run `call`, retrying the errors `retryOn` accepts; any other error escapes at once. */
export async function retry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const retryOn = options.retryOn ?? isThrottlingError;
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const deadline = options.maxElapsedMs === undefined ? Infinity : now() + options.maxElapsedMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!retryOn(err) || attempt >= attempts || now() >= deadline) throw err;
      const delay = backoffDelay(attempt, options);
      options.onRetry?.(attempt, err, delay);
      await wait(delay);
    }
  }
}
