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

/**
 * Amounts in cents. Budgets notifications state amounts to the cent (`$9,500.00`), so a threshold
 * of 95 % on a $10.11 budget arrives as $9.60 (or $9.61), not $9.6045; the comparison is made at
 * that precision: an amount counts as reaching `pct` of `budget` when it is at least the whole
 * cents below the exact product. A lower threshold is at least one cent short, so it still fails.
 */
export function toCents(usd: number): number {
  return Math.round(usd * 100);
}

/** The smallest whole-cent amount a message can state for `pct` % of `budgetCents`. */
export function thresholdCents(budgetCents: number, pct: number): number {
  // 1e-6 absorbs binary floating-point error in budget * pct (e.g. 1011 * 95 = 96044.99999...).
  return Math.floor((budgetCents * pct) / 100 + 1e-6);
}

/**
 * Whether a notification crosses the project's auto-stop threshold. The message gives the
 * threshold as an amount even for percentage thresholds (AWS Budgets User Guide, "Creating an
 * Amazon SNS topic for budget notifications": the message states "greater than $X"), so the
 * check is made in cents against threshold % of the budgeted amount.
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
  const budgetCents = toCents(notification.budgetedUsd);
  if (budgetCents <= 0)
    return { proceed: false, reason: 'the budgeted amount is 0', notificationPct };
  const stopAtCents = thresholdCents(budgetCents, settings.thresholdPct);
  if (toCents(notification.thresholdUsd) < stopAtCents)
    return {
      proceed: false,
      reason: `the alert threshold (${pct} % of the budget) is below the auto-stop threshold of ${settings.thresholdPct} %`,
      notificationPct,
    };
  if (toCents(notification.amountUsd) < stopAtCents)
    return {
      proceed: false,
      reason: `the reported ACTUAL amount $${money(notification.amountUsd)} is below the auto-stop amount $${money(stopAtCents / 100)}`,
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
  /** The live limit differs from the policy's amount: someone changed the budget (alarmed). */
  readonly limitMismatch?: boolean;
}

/**
 * Whether the budget confirms the spend against the amount the reviewed policy sets. The live
 * limit is only compared: a limit lowered with `budgets:ModifyBudget` must not make a genuine
 * alert stop production, so a limit that differs from the policy stops nothing.
 */
export function spendDecision(
  spend: BudgetSpend,
  settings: Pick<AutoStopSettings, 'thresholdPct'>,
  policyLimitUsd: number,
): SpendDecision {
  if (toCents(spend.limitUsd) !== toCents(policyLimitUsd))
    return {
      confirmed: false,
      limitMismatch: true,
      reason: `DescribeBudget: the budget's limit $${money(spend.limitUsd)} differs from the policy's $${money(policyLimitUsd)}; nothing is stopped until they agree`,
    };
  const stopAtCents = thresholdCents(toCents(policyLimitUsd), settings.thresholdPct);
  const stopAt = stopAtCents / 100;
  if (policyLimitUsd > 0 && toCents(spend.actualUsd) >= stopAtCents)
    return {
      confirmed: true,
      reason: `DescribeBudget: actual spend $${money(spend.actualUsd)} >= $${money(stopAt)} (${settings.thresholdPct} % of $${money(policyLimitUsd)})`,
    };
  return {
    confirmed: false,
    reason: `DescribeBudget: actual spend $${money(spend.actualUsd)} is below $${money(stopAt)} (${settings.thresholdPct} % of $${money(policyLimitUsd)}); the notification is not confirmed`,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** `9612.3` -> `9,612.30`. */
export function money(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** The budget period a notification belongs to, from when SNS published it (UTC). */
export function periodOf(period: BudgetNotification['period'], publishedAt: Date): string {
  const iso = publishedAt.toISOString();
  if (period === 'daily') return iso.slice(0, 10);
  if (period === 'annually') return iso.slice(0, 4);
  if (period === 'quarterly')
    return `${iso.slice(0, 4)}-Q${Math.floor(publishedAt.getUTCMonth() / 3) + 1}`;
  return iso.slice(0, 7);
}

/**
 * What a notification means, as an idempotency key: budget, period and threshold. Budgets sends
 * one notification per threshold and period; a re-published copy (a new MessageId) is the same
 * event and must act once.
 */
export function notificationKey(notification: BudgetNotification, publishedAt: Date): string {
  return [
    notification.budgetName,
    periodOf(notification.period, publishedAt),
    notification.alertType,
    toCents(notification.thresholdUsd),
  ].join('#');
}
