import { describe, expect, it } from 'vitest';
import {
  isNotFound,
  isRetryable,
  mapLimit,
  withRetry,
} from '../../../lambdas/auto-stop/kinds/endpoint-aws';

const err = (name: string, message = 'x', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('isRetryable', () => {
  it.each([
    ['ThrottlingException', err('ThrottlingException'), true],
    ['Application Auto Scaling ConcurrentUpdateException', err('ConcurrentUpdateException'), true],
    ['a 503 answer', err('Whatever', 'x', { $metadata: { httpStatusCode: 503 } }), true],
    ['a reset connection', err('Error', 'socket hang up', { code: 'ECONNRESET' }), true],
    ['AccessDeniedException', err('AccessDeniedException'), false],
    ['ValidationException', err('ValidationException', 'Could not find endpoint'), false],
  ])('%s -> %s', (_name, e, expected) => {
    expect(isRetryable(e)).toBe(expected);
  });
});

describe('isNotFound', () => {
  it.each([
    [
      'SageMaker "Could not find endpoint"',
      err('ValidationException', 'Could not find endpoint "x".'),
      true,
    ],
    [
      'SageMaker "does not exist"',
      err('ValidationException', 'Inference component x does not exist.'),
      true,
    ],
    ['Application Auto Scaling ObjectNotFoundException', err('ObjectNotFoundException'), true],
    [
      'another ValidationException',
      err('ValidationException', 'Cannot update in-progress endpoint'),
      false,
    ],
    ['throttling', err('ThrottlingException'), false],
  ])('%s -> %s', (_name, e, expected) => {
    expect(isNotFound(e)).toBe(expected);
  });
});

describe('withRetry', () => {
  it('retries throttling until success', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 4) throw err('ThrottlingException');
        return 'ok';
      },
      { baseMs: 1, maxMs: 1 },
    );
    expect([result, calls]).toEqual(['ok', 4]);
  });

  it('does not retry an error that is not transient', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw err('AccessDeniedException', 'denied');
      }),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });

  it('stops at the time budget', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw err('ThrottlingException', 'slow down');
        },
        { baseMs: 5, maxMs: 5, maxElapsedMs: 30 },
      ),
    ).rejects.toThrow('slow down');
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(50);
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
