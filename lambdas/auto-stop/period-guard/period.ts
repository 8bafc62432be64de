/**
 * Budget periods, pure. AWS Budgets counts calendar periods in UTC: a budget created without a
 * start date starts "at the start of your chosen time period (DAILY, MONTHLY, QUARTERLY, or
 * ANNUALLY)" at 00:00 UTC (AWS Budgets API Reference, TimePeriod). A hold recorded for a period
 * ends when the period does, so a new period starts with a clean slate.
 */
import type { BudgetPeriod as MessagePeriod } from '../../shared/budget-message';

export interface Period {
  /** `2026-11` (month), `2026-11-29` (day), `2026-Q4` (quarter), `2026` (year). */
  readonly id: string;
  readonly start: Date;
  /** First instant of the next period (exclusive end). */
  readonly end: Date;
}

/**
 * The period containing `now` for the notification's period. The project budgets are monthly, so
 * a message whose period cannot be read counts as monthly.
 */
export function periodOf(unit: MessagePeriod, now: Date): Period {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (unit) {
    case 'daily':
      return {
        id: `${y}-${pad(m + 1)}-${pad(d)}`,
        start: new Date(Date.UTC(y, m, d)),
        end: new Date(Date.UTC(y, m, d + 1)),
      };
    case 'quarterly': {
      const q = Math.floor(m / 3);
      return {
        id: `${y}-Q${q + 1}`,
        start: new Date(Date.UTC(y, q * 3, 1)),
        end: new Date(Date.UTC(y, q * 3 + 3, 1)),
      };
    }
    case 'annually':
      return {
        id: `${y}`,
        start: new Date(Date.UTC(y, 0, 1)),
        end: new Date(Date.UTC(y + 1, 0, 1)),
      };
    default:
      return {
        id: `${y}-${pad(m + 1)}`,
        start: new Date(Date.UTC(y, m, 1)),
        end: new Date(Date.UTC(y, m + 1, 1)),
      };
  }
}

/** The UTC day of `time` as YYYY-MM-DD (digests are per project per UTC day). */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The UTC day before `time`. */
export function previousUtcDay(time: Date): string {
  return utcDay(new Date(time.getTime() - 24 * 3600 * 1000));
}
