import { describe, expect, it } from 'vitest';
import {
  periodOf,
  previousUtcDay,
  utcDay,
} from '../../../../lambdas/auto-stop/period-guard/period';

describe('periodOf', () => {
  it.each([
    [
      'monthly',
      '2026-11-29T23:59:59Z',
      '2026-11',
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ],
    [
      'monthly',
      '2026-12-31T12:00:00Z',
      '2026-12',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
    [
      'unknown',
      '2026-02-10T00:00:00Z',
      '2026-02',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ],
    [
      'daily',
      '2026-11-29T10:00:00Z',
      '2026-11-29',
      '2026-11-29T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ],
    [
      'quarterly',
      '2026-11-29T10:00:00Z',
      '2026-Q4',
      '2026-10-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
    [
      'annually',
      '2026-11-29T10:00:00Z',
      '2026',
      '2026-01-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
  ] as const)('%s at %s is %s', (unit, now, id, start, end) => {
    const p = periodOf(unit, new Date(now));
    expect({ id: p.id, start: p.start.toISOString(), end: p.end.toISOString() }).toEqual({
      id,
      start,
      end,
    });
  });
});

describe('utcDay', () => {
  it('uses the UTC calendar day, and the day before for the digest', () => {
    expect(utcDay(new Date('2026-11-29T23:30:00-05:00'))).toBe('2026-11-30');
    expect(previousUtcDay(new Date('2026-12-01T07:00:00Z'))).toBe('2026-11-30');
  });
});
