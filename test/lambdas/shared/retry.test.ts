import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  isRetryableError,
  isThrottlingError,
  retry,
} from '../../../lambdas/shared/retry';

const err = (name: string, message = 'x', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('isThrottlingError and isRetryableError classify by name and code, not message text', () => {
  it.each([
    ['ThrottlingException', err('ThrottlingException'), true, true],
    [
      'DynamoDB ProvisionedThroughputExceededException',
      err('ProvisionedThroughputExceededException'),
      true,
      true,
    ],
    [
      'Application Auto Scaling ConcurrentUpdateException',
      err('ConcurrentUpdateException'),
      true,
      true,
    ],
    [
      'the SDK marks it throttling',
      err('Whatever', 'x', { $retryable: { throttling: true } }),
      true,
      true,
    ],
    ['HTTP 429', err('Whatever', 'x', { $metadata: { httpStatusCode: 429 } }), true, true],
    ['a 503 answer', err('Whatever', 'x', { $metadata: { httpStatusCode: 503 } }), false, true],
    ['a reset connection', err('Error', 'socket hang up', { code: 'ECONNRESET' }), false, true],
    ['InternalServerError', err('InternalServerError'), false, true],
    ['AccessDeniedException', err('AccessDeniedException'), false, false],
    [
      'a message that merely mentions throttling',
      err('ValidationException', 'ThrottlingException'),
      false,
      false,
    ],
    ['not an error at all', 'ThrottlingException', false, false],
  ])('%s', (_name, e, throttled, retryable) => {
    expect(isThrottlingError(e)).toBe(throttled);
    expect(isRetryableError(e)).toBe(retryable);
  });
});

describe('retry', () => {
  const noWait = { sleep: async () => {}, random: () => 0.5 };

  it('retries throttling until the call succeeds', async () => {
    // Prepare
    let calls = 0;
    const waits: number[] = [];
    // Act
    const result = await retry(
      async () => {
        calls++;
        if (calls < 4) throw err('ThrottlingException');
        return 'ok';
      },
      { ...noWait, baseDelayMs: 100, maxDelayMs: 250, sleep: async (ms) => void waits.push(ms) },
    );
    // Assess: full jitter over 100, 200, then the 250 cap
    expect([result, calls]).toEqual(['ok', 4]);
    expect(waits).toEqual([50, 100, 125]);
  });

  it('lets a non-retryable error escape on the first attempt', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw err('AccessDeniedException', 'denied');
      }, noWait),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });

  it('gives up after the attempts and rethrows the last error', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw err('ThrottlingException', `slow down ${calls}`);
        },
        { ...noWait, attempts: 3 },
      ),
    ).rejects.toThrow('slow down 3');
    expect(calls).toBe(3);
  });

  it('stops at the time budget, read from the injected clock', async () => {
    let clock = 0;
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          clock += 10;
          throw err('ThrottlingException');
        },
        { ...noWait, attempts: 100, maxElapsedMs: 35, now: () => clock },
      ),
    ).rejects.toThrow();
    expect(calls).toBe(4);
  });

  it('uses the retryOn classifier it is given and reports each retry', async () => {
    const seen: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls === 1) throw err('ServiceUnavailable');
        return calls;
      },
      { ...noWait, retryOn: isRetryableError, onRetry: (attempt) => seen.push(attempt) },
    );
    expect(result).toBe(2);
    expect(seen).toEqual([1]);
  });

  it('computes capped exponential back-off', () => {
    expect(backoffDelay(1, { baseDelayMs: 200, random: () => 0.999 })).toBeCloseTo(199.8);
    expect(backoffDelay(10, { baseDelayMs: 200, maxDelayMs: 5000, random: () => 1 })).toBe(5000);
  });
});
