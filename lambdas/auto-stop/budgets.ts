/** Adapter: reads a budget's limit and actual spend (AWS Budgets `DescribeBudget`). */
import { type BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import type { BudgetSpend } from './decide';

/** IAM: `DescribeBudget` is authorised by `budgets:ViewBudget` (Service Authorization Reference, AWS Budget Service). */
export const BUDGET_READ_ACTIONS = ['budgets:ViewBudget'] as const;

/** The budget's current limit and ACTUAL spend. */
export async function readBudgetSpend(
  client: BudgetsClient,
  accountId: string,
  budgetName: string,
): Promise<BudgetSpend> {
  const { Budget } = await client.send(
    new DescribeBudgetCommand({ AccountId: accountId, BudgetName: budgetName }),
  );
  const limit = Number(Budget?.BudgetLimit?.Amount);
  const actual = Number(Budget?.CalculatedSpend?.ActualSpend?.Amount ?? 0);
  if (!Number.isFinite(limit) || !Number.isFinite(actual))
    throw new Error(
      `DescribeBudget ${budgetName}: no numeric BudgetLimit/ActualSpend in the reply`,
    );
  return { actualUsd: actual, limitUsd: limit };
}
