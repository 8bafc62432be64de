import { describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/cli/command';
import { todayOption } from '../../lib/cli/commands/today';

describe('--today', () => {
  it('defaults to the current UTC date', () => {
    expect(todayOption({}, new Date('2026-11-29T23:30:00-05:00'))).toBe('2026-11-30');
  });

  it('keeps a calendar date as given', () => {
    expect(todayOption({ today: '2024-02-29' })).toBe('2024-02-29');
  });

  it.each(['29/11/2026', '2026-02-30', '2026-11-29T00:00Z'])(
    'refuses %s as a usage error naming the format',
    (value) => {
      expect(() => todayOption({ today: value })).toThrow(UsageError);
      expect(() => todayOption({ today: value })).toThrow(/--today must be a date as YYYY-MM-DD/);
    },
  );
});
