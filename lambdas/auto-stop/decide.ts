/**
 * Pure decisions before anything is discovered: does this notification call for auto-stop, and
 * does the budget's own figure confirm it? No SDK, no clock, no env.
 */

import type { AutoStopSettings } from '../../lib/config/schema';
import type { BudgetNotification } from '../shared/budget-message';

export interface ThresholdDecision {
  readonly proceed: boolean;
  readonly reason: string;
  /** The notification's threshold as a percentage of the budgeted amount. */
  readonly notificationPct: number;
}

/** Rounding in the message (`$9,500.00` of `$10,000.00`) must not miss a 95 % threshold. */
const PCT_TOLERANCE = 0.01;

/**
 * Whether a notification crosses the project's auto-stop threshold. The message gives the
 * threshold as an amount even for percentage thresholds (DOMAIN-NOTES "AWS Budgets"), so the
 * percentage is derived from threshold / budgeted amount.
 */
export function thresholdDecision(
  notification: BudgetNotification,
  settings: Pick<AutoStopSettings, 'mode' | 'thresholdPct'>,
): ThresholdDecision {
  const notificationPct =
    notification.budgetedUsd > 0 ? (notification.thresholdUsd / notification.budgetedUsd) * 100 : 0;
  const pct = round2(notificationPct);
  if (settings.mode === 'off')
    return { proceed: false, reason: 'auto-stop mode is off for this project', notificationPct };
  if (notification.alertType !== 'ACTUAL')
    return {
      proceed: false,
      reason: `${notification.alertType} alerts never stop anything (only ACTUAL spend does)`,
      notificationPct,
    };
  if (notification.budgetedUsd <= 0)
    return { proceed: false, reason: 'the budgeted amount is 0', notificationPct };
  if (notificationPct + PCT_TOLERANCE < settings.thresholdPct)
    return {
      proceed: false,
      reason: `the alert threshold (${pct} % of the budget) is below the auto-stop threshold of ${settings.thresholdPct} %`,
      notificationPct,
    };
  const stopAt = (notification.budgetedUsd * settings.thresholdPct) / 100;
  if (notification.amountUsd + 0.005 < stopAt)
    return {
      proceed: false,
      reason: `the reported ACTUAL amount $${money(notification.amountUsd)} is below the auto-stop amount $${money(stopAt)}`,
      notificationPct,
    };
  return {
    proceed: true,
    reason: `ACTUAL spend $${money(notification.amountUsd)} crossed ${pct} % of $${money(notification.budgetedUsd)} (auto-stop at ${settings.thresholdPct} %)`,
    notificationPct,
  };
}

/** What `DescribeBudget` says now. */
export interface BudgetSpend {
  readonly actualUsd: number;
  readonly limitUsd: number;
}

export interface SpendDecision {
  readonly confirmed: boolean;
  readonly reason: string;
}

/** Whether the budget itself confirms the spend; a forged or test message fails here. */
export function spendDecision(
  spend: BudgetSpend,
  settings: Pick<AutoStopSettings, 'thresholdPct'>,
): SpendDecision {
  const stopAt = (spend.limitUsd * settings.thresholdPct) / 100;
  if (spend.limitUsd > 0 && spend.actualUsd + 0.005 >= stopAt)
    return {
      confirmed: true,
      reason: `DescribeBudget: actual spend $${money(spend.actualUsd)} >= $${money(stopAt)} (${settings.thresholdPct} % of $${money(spend.limitUsd)})`,
    };
  return {
    confirmed: false,
    reason: `DescribeBudget: actual spend $${money(spend.actualUsd)} is below $${money(stopAt)} (${settings.thresholdPct} % of $${money(spend.limitUsd)}); the notification is not confirmed`,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** `9612.3` -> `9,612.30`. */
export function money(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
