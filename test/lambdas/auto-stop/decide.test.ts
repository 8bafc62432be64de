import { describe, expect, it } from 'vitest';
import {
  notificationKey,
  spendDecision,
  thresholdDecision,
} from '../../../lambdas/auto-stop/decide';
import type { BudgetNotification } from '../../../lambdas/shared/budget-message';
import { budgetNotification } from '../../helpers/auto-stop';

const notification = budgetNotification;

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
      'ignores a lower (80 %) alert even when its amount is already past the stop amount (the 95 % alert stops)',
      notification({ thresholdUsd: 8000, amountUsd: 9700 }),
      { mode: 'enforce', thresholdPct: 95 },
      false,
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
  ])('%s', (_name, spend, expected) => {
    expect(spendDecision(spend, { thresholdPct: 95 }, 10000).confirmed).toBe(expected);
  });

  it.each([
    ['lowered', { actualUsd: 9612.34, limitUsd: 9700 }],
    ['raised', { actualUsd: 9612.34, limitUsd: 20000 }],
  ])(
    'refuses, and flags for the alarm, a live limit %s away from the policy amount',
    (_name, spend) => {
      // Act
      const decision = spendDecision(spend, { thresholdPct: 95 }, 10000);
      // Assess
      expect(decision).toMatchObject({ confirmed: false, limitMismatch: true });
      expect(decision.reason).toContain("differs from the policy's $10,000.00");
    },
  );
});

/** What AWS Budgets states for pct % of a budget: the amount to the cent, rounded or cut. */
const stated = (budget: number, pct: number, cut: 'round' | 'floor') => {
  const exact = (Math.round(budget * 100) * pct) / 100;
  return (cut === 'round' ? Math.round(exact) : Math.floor(exact)) / 100;
};

const BUDGETS = [
  1, 1.01, 7.77, 10.11, 10.1, 99.99, 123.45, 1000, 4321.07, 99999.99, 1e6, 9999999.99, 1e7,
];

describe('threshold tolerance at the cent precision of the message', () => {
  it.each(
    BUDGETS.flatMap((budget) =>
      ([95, 90, 99.5] as const).flatMap((pct) =>
        (['round', 'floor'] as const).map((cut) => [budget, pct, cut] as const),
      ),
    ),
  )('a genuine %s USD alert at %s %% (amount %s to the cent) proceeds', (budget, pct, cut) => {
    // Prepare
    const threshold = stated(budget, pct, cut);
    const input = notification({
      budgetedUsd: budget,
      thresholdUsd: threshold,
      amountUsd: threshold,
    });
    // Act
    const decision = thresholdDecision(input, { mode: 'enforce', thresholdPct: pct });
    // Assess
    expect(decision.proceed).toBe(true);
  });

  it.each(BUDGETS)('a %s USD alert one cent below 95 %% does not proceed', (budget) => {
    // Prepare: a forged or lower-threshold message, one cent short of the stop amount.
    const threshold = stated(budget, 95, 'floor') - 0.01;
    const input = notification({
      budgetedUsd: budget,
      thresholdUsd: threshold,
      amountUsd: threshold,
    });
    // Act + Assess
    expect(thresholdDecision(input, { mode: 'enforce', thresholdPct: 95 }).proceed).toBe(false);
  });

  it.each(BUDGETS)(
    'a %s USD alert of a lower threshold (90 %%) does not act for a 95 %% policy',
    (budget) => {
      const threshold = stated(budget, 90, 'round');
      const input = notification({
        budgetedUsd: budget,
        thresholdUsd: threshold,
        amountUsd: threshold,
      });
      const expected = stated(budget, 90, 'round') >= stated(budget, 95, 'floor');
      expect(thresholdDecision(input, { mode: 'enforce', thresholdPct: 95 }).proceed).toBe(
        expected,
      );
    },
  );

  it('accepts the 95 % alert on a $10.11 budget ($9.60, exactly $9.6045)', () => {
    const input = notification({ budgetedUsd: 10.11, thresholdUsd: 9.6, amountUsd: 9.7 });
    expect(thresholdDecision(input, { mode: 'enforce', thresholdPct: 95 }).proceed).toBe(true);
  });
});

describe('notificationKey', () => {
  it('is the same for a re-published alert and differs by period, threshold and budget', () => {
    const at = new Date('2026-11-26T12:00:00Z');
    const key = notificationKey(notification(), at);
    expect(notificationKey(notification(), new Date('2026-11-30T23:00:00Z'))).toBe(key);
    expect(notificationKey(notification(), new Date('2026-12-01T00:00:00Z'))).not.toBe(key);
    expect(notificationKey(notification({ thresholdUsd: 10000 }), at)).not.toBe(key);
    expect(notificationKey(notification({ budgetName: 'ml-other' }), at)).not.toBe(key);
    expect(notificationKey(notification({ period: 'daily' }), at)).toBe(
      'ml-fraud-detection#2026-11-26#ACTUAL#950000',
    );
  });
});

describe('thresholdDecision: the reason finance reads', () => {
  it.each([
    [
      'a project whose mode is off says so',
      notification(),
      { mode: 'off', thresholdPct: 95 },
      'auto-stop mode is off for this project',
    ],
    [
      'a FORECASTED alert says that only ACTUAL spend stops anything',
      notification({ alertType: 'FORECASTED' }),
      { mode: 'enforce', thresholdPct: 95 },
      'FORECASTED alerts never stop anything (only ACTUAL spend does)',
    ],
    [
      'a zero budget says the budgeted amount is 0',
      notification({ budgetedUsd: 0 }),
      { mode: 'enforce', thresholdPct: 95 },
      'the budgeted amount is 0',
    ],
    [
      'a lower alert threshold names both percentages',
      notification({ thresholdUsd: 8000, amountUsd: 8100 }),
      { mode: 'enforce', thresholdPct: 95 },
      'the alert threshold (80 % of the budget) is below the auto-stop threshold of 95 %',
    ],
    [
      'an amount below the stop amount names both amounts, to the cent',
      notification({ thresholdUsd: 9500, amountUsd: 9000 }),
      { mode: 'enforce', thresholdPct: 95 },
      'the reported ACTUAL amount $9,000.00 is below the auto-stop amount $9,500.00',
    ],
    [
      'a crossing names the spend, the alert percentage, the budget and the policy threshold',
      notification({ thresholdUsd: 9750.5, amountUsd: 9800 }),
      { mode: 'enforce', thresholdPct: 95 },
      'ACTUAL spend $9,800.00 crossed 97.51 % of $10,000.00 (auto-stop at 95 %)',
    ],
  ] as const)('%s', (_name, input, settings, reason) => {
    // Act
    const decision = thresholdDecision(input, settings);
    // Assess
    expect(decision.reason).toBe(reason);
  });

  it('reports 0 % for a zero budget instead of a division by zero', () => {
    // Act
    const decision = thresholdDecision(notification({ budgetedUsd: 0 }), {
      mode: 'enforce',
      thresholdPct: 95,
    });
    // Assess
    expect(decision.notificationPct).toBe(0);
  });
});

describe('spendDecision: edge amounts and reasons', () => {
  it('never confirms spend against a policy budget of 0, even when the spend is 0', () => {
    // Act
    const decision = spendDecision({ actualUsd: 0, limitUsd: 0 }, { thresholdPct: 95 }, 0);
    // Assess
    expect(decision.confirmed).toBe(false);
    expect(decision.limitMismatch).toBeUndefined();
  });

  it('treats a live limit equal to the policy to the cent as agreeing', () => {
    const decision = spendDecision(
      { actualUsd: 9500, limitUsd: 10000.001 },
      { thresholdPct: 95 },
      10000,
    );
    expect(decision).toEqual({
      confirmed: true,
      reason: 'DescribeBudget: actual spend $9,500.00 >= $9,500.00 (95 % of $10,000.00)',
    });
  });

  it('does not confirm spend one cent below the stop amount and says by how much it is short', () => {
    const decision = spendDecision(
      { actualUsd: 9499.99, limitUsd: 10000 },
      { thresholdPct: 95 },
      10000,
    );
    expect(decision).toEqual({
      confirmed: false,
      reason:
        'DescribeBudget: actual spend $9,499.99 is below $9,500.00 (95 % of $10,000.00); the notification is not confirmed',
    });
  });

  it('names the live limit and the policy amount when they differ', () => {
    const decision = spendDecision(
      { actualUsd: 9612.34, limitUsd: 9700 },
      { thresholdPct: 95 },
      10000,
    );
    expect(decision.reason).toBe(
      "DescribeBudget: the budget's limit $9,700.00 differs from the policy's $10,000.00; nothing is stopped until they agree",
    );
  });
});

describe('notificationKey: one key per Budgets period', () => {
  it.each([
    ['daily', '2026-11-26T12:00:00Z', 'ml-fraud-detection#2026-11-26#ACTUAL#950000'],
    ['monthly', '2026-11-26T12:00:00Z', 'ml-fraud-detection#2026-11#ACTUAL#950000'],
    [
      'unknown (read as monthly)',
      '2026-11-26T12:00:00Z',
      'ml-fraud-detection#2026-11#ACTUAL#950000',
    ],
    ['quarterly', '2026-01-01T00:00:00Z', 'ml-fraud-detection#2026-Q1#ACTUAL#950000'],
    ['quarterly', '2026-03-31T23:59:59Z', 'ml-fraud-detection#2026-Q1#ACTUAL#950000'],
    ['quarterly', '2026-04-01T00:00:00Z', 'ml-fraud-detection#2026-Q2#ACTUAL#950000'],
    ['quarterly', '2026-12-31T23:59:59Z', 'ml-fraud-detection#2026-Q4#ACTUAL#950000'],
    ['annually', '2026-11-26T12:00:00Z', 'ml-fraud-detection#2026#ACTUAL#950000'],
  ] as const)('a %s budget published at %s has key %s', (period, at, key) => {
    // Prepare
    const input = notification({
      period: period.startsWith('unknown') ? 'unknown' : (period as BudgetNotification['period']),
    });
    // Act + Assess
    expect(notificationKey(input, new Date(at))).toBe(key);
  });
});
