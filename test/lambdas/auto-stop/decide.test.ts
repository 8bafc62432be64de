import { describe, expect, it } from 'vitest';
import { spendDecision, thresholdDecision } from '../../../lambdas/auto-stop/decide';
import type { BudgetNotification } from '../../../lambdas/shared/budget-message';

const notification = (over: Partial<BudgetNotification> = {}): BudgetNotification => ({
  budgetName: 'ml-fraud-detection',
  accountId: '111122223333',
  alertType: 'ACTUAL',
  thresholdUsd: 9500,
  budgetedUsd: 10000,
  amountUsd: 9612.34,
  period: 'monthly',
  ...over,
});

describe('thresholdDecision', () => {
  it.each([
    [
      'proceeds on ACTUAL at the threshold',
      notification(),
      { mode: 'enforce', thresholdPct: 95 },
      true,
    ],
    [
      'proceeds in dry-run (the plan is still made)',
      notification(),
      { mode: 'dry-run', thresholdPct: 95 },
      true,
    ],
    [
      'ignores FORECASTED alerts',
      notification({ alertType: 'FORECASTED' }),
      { mode: 'enforce', thresholdPct: 95 },
      false,
    ],
    [
      'ignores alerts below the auto-stop threshold',
      notification({ thresholdUsd: 8000, amountUsd: 8100 }),
      { mode: 'enforce', thresholdPct: 95 },
      false,
    ],
    [
      'ignores projects whose mode is off',
      notification(),
      { mode: 'off', thresholdPct: 95 },
      false,
    ],
    [
      'proceeds above the threshold (a 100 % alert for a 95 % policy)',
      notification({ thresholdUsd: 10000, amountUsd: 10001 }),
      { mode: 'enforce', thresholdPct: 95 },
      true,
    ],
    [
      'ignores a message whose amount is below the stop amount',
      notification({ thresholdUsd: 9500, amountUsd: 9000 }),
      { mode: 'enforce', thresholdPct: 95 },
      false,
    ],
    [
      'tolerates rounding in the message ($0.95 of $1 at 95 %)',
      notification({ thresholdUsd: 0.95, budgetedUsd: 1, amountUsd: 0.95 }),
      { mode: 'enforce', thresholdPct: 95 },
      true,
    ],
    [
      'ignores a zero budget',
      notification({ budgetedUsd: 0 }),
      { mode: 'enforce', thresholdPct: 95 },
      false,
    ],
  ] as const)('%s', (_name, input, settings, expected) => {
    // Act
    const decision = thresholdDecision(input, settings);
    // Assess
    expect(decision.proceed).toBe(expected);
    expect(decision.reason).not.toBe('');
  });

  it('derives the percentage from threshold / budgeted amount (the message gives an amount)', () => {
    expect(
      thresholdDecision(notification(), { mode: 'enforce', thresholdPct: 95 }).notificationPct,
    ).toBeCloseTo(95);
  });
});

describe('spendDecision', () => {
  it.each([
    ['confirms spend at the threshold', { actualUsd: 9500, limitUsd: 10000 }, true],
    ['confirms spend above the threshold', { actualUsd: 12000, limitUsd: 10000 }, true],
    [
      'rejects a forged message (actual spend far below)',
      { actualUsd: 120, limitUsd: 10000 },
      false,
    ],
    ['rejects a budget with no limit', { actualUsd: 5, limitUsd: 0 }, false],
  ])('%s', (_name, spend, expected) => {
    expect(spendDecision(spend, { thresholdPct: 95 }).confirmed).toBe(expected);
  });
});
