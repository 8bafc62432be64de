import { describe, expect, it } from 'vitest';
import { isNotFound, withRetry } from '../../../lambdas/endpoints/aws';

const err = (name: string, message = 'x', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

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
      { baseDelayMs: 1, maxDelayMs: 1 },
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
        { baseDelayMs: 5, maxDelayMs: 5, maxElapsedMs: 30 },
      ),
    ).rejects.toThrow('slow down');
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(50);
  });
});
