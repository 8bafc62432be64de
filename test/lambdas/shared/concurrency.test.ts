import { describe, expect, it } from 'vitest';
import { Limiter, mapLimit, mapSettled } from '../../../lambdas/shared/concurrency';

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
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

  it('counts completions and handles an empty list and a limit of 0', async () => {
    const done: number[] = [];
    expect(
      await mapLimit(
        [1, 2, 3],
        0,
        async (n) => n,
        (d) => done.push(d),
      ),
    ).toEqual([1, 2, 3]);
    expect(done).toEqual([1, 2, 3]);
    expect(await mapLimit([], 4, async (n) => n)).toEqual([]);
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapLimit([1, 2], 2, async (n) => {
        if (n === 2) throw new Error('two');
        return n;
      }),
    ).rejects.toThrow('two');
  });
});

describe('mapSettled', () => {
  it('runs every item and reports each outcome in input order', async () => {
    const out = await mapSettled([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two');
      return n;
    });
    expect(out.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(out[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect((out[1] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
  });
});

describe('Limiter', () => {
  it('runs at most `limit` tasks at once, in submission order', async () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const task = (n: number) => () =>
      new Promise<number>((resolve) => {
        started.push(n);
        running++;
        peak = Math.max(peak, running);
        setTimeout(() => {
          running--;
          resolve(n);
        }, 2);
      });
    const results = await Promise.all([1, 2, 3, 4].map((n) => limiter.run(task(n))));
    expect(results).toEqual([1, 2, 3, 4]);
    expect(started).toEqual([1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
