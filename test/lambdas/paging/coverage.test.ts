import { describe, expect, it } from 'vitest';
import {
  inWindows,
  localTime,
  minutesOf,
  nextWindowOpening,
  zonedInstant,
} from '../../../lambdas/paging/coverage';
import type { CoverageWindow } from '../../../lib/config/schema';

// Dates: 2026-11-26 is a Thursday. Berlin is UTC+1 in winter and UTC+2 in summer; it springs
// forward on 2026-03-29 (02:00 -> 03:00) and falls back on 2026-10-25 (03:00 -> 02:00). New York
// is UTC-5 in winter (IANA tz database, Europe/Berlin and America/New_York).
const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const BUSINESS: CoverageWindow[] = [
  { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
];

describe('localTime: the wall clock of the team', () => {
  it.each([
    [
      'Berlin in winter (UTC+1)',
      '2026-11-26T11:05:00Z',
      BERLIN,
      { year: 2026, month: 11, day: 26, weekday: 'thu', minutes: 12 * 60 + 5 },
    ],
    [
      'Berlin in summer (UTC+2)',
      '2026-07-01T22:30:00Z',
      BERLIN,
      { year: 2026, month: 7, day: 2, weekday: 'thu', minutes: 30 },
    ],
    [
      'New York on the previous calendar day and year',
      '2027-01-01T03:00:00Z',
      NEW_YORK,
      { year: 2026, month: 12, day: 31, weekday: 'thu', minutes: 22 * 60 },
    ],
    [
      'a Sunday at midnight is minute 0',
      '2026-11-29T00:00:00Z',
      'UTC',
      { year: 2026, month: 11, day: 29, weekday: 'sun', minutes: 0 },
    ],
  ])('%s', (_name, at, zone, expected) => {
    expect(localTime(new Date(at), zone)).toEqual(expected);
  });

  it.each([
    ['2026-11-23T12:00:00Z', 'mon'],
    ['2026-11-24T12:00:00Z', 'tue'],
    ['2026-11-25T12:00:00Z', 'wed'],
    ['2026-11-27T12:00:00Z', 'fri'],
    ['2026-11-28T12:00:00Z', 'sat'],
  ])('%s is a %s', (at, weekday) => {
    expect(localTime(new Date(at), 'UTC').weekday).toBe(weekday);
  });
});

describe('minutesOf', () => {
  it.each([
    ['00:00', 0],
    ['09:30', 570],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('%s is minute %s of the day', (hhmm, minutes) => {
    expect(minutesOf(hhmm)).toBe(minutes);
  });
});

describe('inWindows: business hours and overnight windows', () => {
  const local = (weekday: string, hhmm: string) =>
    ({ year: 2026, month: 11, day: 26, weekday, minutes: minutesOf(hhmm) }) as Parameters<
      typeof inWindows
    >[0];
  const OVERNIGHT: CoverageWindow[] = [{ days: ['fri'], start: '22:00', end: '06:00' }];
  const SATURDAY_NIGHT: CoverageWindow[] = [{ days: ['sat'], start: '22:00', end: '06:00' }];

  it.each([
    [
      'business hours: Thursday 09:00 (the start is covered)',
      local('thu', '09:00'),
      BUSINESS,
      true,
    ],
    ['business hours: Thursday 08:59', local('thu', '08:59'), BUSINESS, false],
    ['business hours: Thursday 16:59', local('thu', '16:59'), BUSINESS, true],
    [
      'business hours: Thursday 17:00 (the end is not covered)',
      local('thu', '17:00'),
      BUSINESS,
      false,
    ],
    ['business hours: Saturday 12:00', local('sat', '12:00'), BUSINESS, false],
    ['no windows at all', local('thu', '12:00'), [], false],
    ['overnight: Friday 22:00', local('fri', '22:00'), OVERNIGHT, true],
    ['overnight: Friday 21:59', local('fri', '21:59'), OVERNIGHT, false],
    [
      'overnight: Friday 05:00 (the night before belongs to Thursday)',
      local('fri', '05:00'),
      OVERNIGHT,
      false,
    ],
    ['overnight: Saturday 05:59', local('sat', '05:59'), OVERNIGHT, true],
    ['overnight: Saturday 06:00', local('sat', '06:00'), OVERNIGHT, false],
    [
      'overnight: Saturday 23:00 (Saturday is not a start day)',
      local('sat', '23:00'),
      OVERNIGHT,
      false,
    ],
    [
      'overnight across the week: Sunday 03:00 after Saturday night',
      local('sun', '03:00'),
      SATURDAY_NIGHT,
      true,
    ],
    ['overnight across the week: Monday 03:00', local('mon', '03:00'), SATURDAY_NIGHT, false],
    [
      'overnight from Wednesday: Thursday 02:00',
      local('thu', '02:00'),
      [{ days: ['wed'], start: '22:00', end: '06:00' }],
      true,
    ],
    [
      'overnight from Thursday: Friday 02:00',
      local('fri', '02:00'),
      [{ days: ['thu'], start: '22:00', end: '06:00' }],
      true,
    ],
    [
      'the second of two windows',
      local('sat', '10:00'),
      [...BUSINESS, { days: ['sat'], start: '10:00', end: '12:00' }],
      true,
    ],
  ] as const)('%s -> %s', (_name, at, windows, expected) => {
    expect(inWindows(at, windows as CoverageWindow[])).toBe(expected);
  });
});

describe('zonedInstant: a local wall-clock time as an instant', () => {
  it.each([
    ['Berlin in winter', 2026, 11, 26, '09:00', BERLIN, '2026-11-26T08:00:00.000Z'],
    ['Berlin in summer', 2026, 7, 1, '09:00', BERLIN, '2026-07-01T07:00:00.000Z'],
    ['New York in winter', 2026, 11, 26, '09:00', NEW_YORK, '2026-11-26T14:00:00.000Z'],
    [
      'a time skipped by spring-forward (02:30) is the same distance after the jump (03:30 CEST)',
      2026,
      3,
      29,
      '02:30',
      BERLIN,
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'a time that occurs twice on fall-back day is its later occurrence (02:30 CET)',
      2026,
      10,
      25,
      '02:30',
      BERLIN,
      '2026-10-25T01:30:00.000Z',
    ],
    [
      'the first minute after the Berlin jump',
      2026,
      3,
      29,
      '03:00',
      BERLIN,
      '2026-03-29T01:00:00.000Z',
    ],
  ] as const)('%s', (_name, y, m, d, hhmm, zone, iso) => {
    expect(zonedInstant(y, m, d, minutesOf(hhmm), zone).toISOString()).toBe(iso);
  });
});

describe('nextWindowOpening: when a held page is sent', () => {
  it.each([
    [
      'before the window opens today: today at the start',
      '2026-11-26T06:00:00Z',
      BERLIN,
      BUSINESS,
      '2026-11-26T08:00:00.000Z',
    ],
    [
      'exactly at the opening: the next day (the window is already open)',
      '2026-11-26T08:00:00Z',
      BERLIN,
      BUSINESS,
      '2026-11-27T08:00:00.000Z',
    ],
    [
      'Friday evening: Monday morning',
      '2026-11-27T18:00:00Z',
      BERLIN,
      BUSINESS,
      '2026-11-30T08:00:00.000Z',
    ],
    [
      'Tuesday evening: Wednesday morning',
      '2026-11-24T18:00:00Z',
      BERLIN,
      BUSINESS,
      '2026-11-25T08:00:00.000Z',
    ],
    [
      'Wednesday evening: Thursday morning',
      '2026-11-25T18:00:00Z',
      BERLIN,
      BUSINESS,
      '2026-11-26T08:00:00.000Z',
    ],
    [
      'New Year in New York: across the month and the year',
      '2026-12-31T23:00:00Z',
      NEW_YORK,
      [{ days: ['sat'], start: '08:00', end: '12:00' }],
      '2027-01-02T13:00:00.000Z',
    ],
    [
      'the earliest of two windows the same day',
      '2026-11-28T06:00:00Z',
      'UTC',
      [
        { days: ['sat'], start: '10:00', end: '12:00' },
        { days: ['sat'], start: '14:00', end: '16:00' },
      ],
      '2026-11-28T10:00:00.000Z',
    ],
    [
      'a window today beats one tomorrow that starts earlier in the day',
      '2026-11-26T06:00:00Z',
      'UTC',
      [
        { days: ['fri'], start: '07:00', end: '09:00' },
        { days: ['thu'], start: '20:00', end: '22:00' },
      ],
      '2026-11-26T20:00:00.000Z',
    ],
    [
      'a weekly window just passed: the same weekday next week (7 days on)',
      '2026-11-26T10:01:00Z',
      'UTC',
      [{ days: ['thu'], start: '10:00', end: '11:00' }],
      '2026-12-03T10:00:00.000Z',
    ],
  ] as const)('%s', (_name, at, zone, windows, iso) => {
    expect(nextWindowOpening(new Date(at), zone, windows as CoverageWindow[])?.toISOString()).toBe(
      iso,
    );
  });

  it('is undefined for a team without windows', () => {
    expect(nextWindowOpening(new Date('2026-11-26T06:00:00Z'), BERLIN, [])).toBeUndefined();
  });
});
