import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../lambdas/auto-stop/pacer';

describe('Pacer', () => {
  it('spaces calls of one operation at the rate, independently per operation', async () => {
    // Prepare: a fake clock that sleeping advances.
    let now = 0;
    const pacer = new Pacer(
      2,
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    // Act
    const starts: string[] = [];
    for (const op of ['list', 'list', 'other', 'list']) {
      await pacer.wait(op);
      starts.push(`${op}@${now}`);
    }
    // Assess: 2/s = 500 ms apart for `list`; `other` is not delayed by `list`.
    expect(starts).toEqual(['list@0', 'list@500', 'other@500', 'list@1000']);
  });

  it('does not wait when the rate is 0', async () => {
    const pacer = new Pacer(
      0,
      () => 0,
      async () => {
        throw new Error('slept');
      },
    );
    await pacer.wait('x');
    await pacer.wait('x');
  });
});
