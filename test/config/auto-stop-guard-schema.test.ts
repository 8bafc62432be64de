import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lib/config/load';
import { AutoStopGuardSchema } from '../../lib/config/schema';
import { editedExample, problemsOf } from '../helpers/policy-factory';

describe('defaults.autoStop.guard: the period guard schedule', () => {
  it('defaults to an hourly sweep and a 07:00 UTC digest', () => {
    expect(AutoStopGuardSchema.parse({})).toEqual({ sweepMinutes: 60, digestHourUtc: 7 });
  });

  it('reads the example policy setting', () => {
    const policy = parsePolicy(editedExample());
    expect(policy.defaults.autoStop.guard).toEqual({ sweepMinutes: 60, digestHourUtc: 7 });
  });

  it.each([
    [{ sweepMinutes: 1 }, 'defaults.autoStop.guard.sweepMinutes'],
    [{ sweepMinutes: 2000 }, 'defaults.autoStop.guard.sweepMinutes'],
    [{ sweepMinutes: 7.5 }, 'defaults.autoStop.guard.sweepMinutes'],
    [{ digestHourUtc: 24 }, 'defaults.autoStop.guard.digestHourUtc'],
    [{ every: 'hour' }, 'defaults.autoStop.guard'],
  ])('rejects %j, naming the key', (bad, path) => {
    const problems = problemsOf(editedExample([['defaults', 'autoStop', 'guard'], bad]));
    expect(problems.join('\n')).toContain(path);
  });

  it('is deployment-wide: a project cannot set it', () => {
    const problems = problemsOf(
      editedExample([['projects', 0, 'autoStop', 'guard'], { sweepMinutes: 15 }]),
    );
    expect(problems.join('\n')).toContain('projects[0].autoStop');
  });
});
