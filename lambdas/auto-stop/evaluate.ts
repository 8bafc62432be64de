/**
 * Steps 1-2 of a run: parse the notification, map it to a project, decide on the threshold and
 * confirm the spend with DescribeBudget in the function's own account against the policy's
 * budget amount. Never throws for a bad message (it is a `rejected` report); AWS errors escape.
 */
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import { projectForBudgetName } from '../../lib/config/naming';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import {
  BudgetMessageError,
  type BudgetNotification,
  parseBudgetMessage,
} from '../shared/budget-message';
import { readBudgetSpend } from './budgets';
import { spendDecision, thresholdDecision } from './decide';
import { emptyRun, type NotificationInput, projectView, type RunReport } from './run-report';

export interface EvaluateDeps {
  readonly policy: GuardrailsPolicy;
  readonly budgets: BudgetsClient;
  /** The account the function runs in: budgets are read there, never in one a message names. */
  readonly accountId: string | undefined;
}

export async function evaluateNotification(
  deps: EvaluateDeps,
  input: NotificationInput,
): Promise<RunReport> {
  let notification: BudgetNotification;
  try {
    notification = parseBudgetMessage(input.message);
  } catch (err) {
    if (!(err instanceof BudgetMessageError)) throw err;
    return {
      notificationId: input.notificationId,
      rejected: { problem: err.problem, reason: err.message },
      mode: 'off',
      proceed: false,
      decision: `not a usable budget notification: ${err.message}`,
      ...emptyRun(),
    };
  }
  const project = projectForBudgetName(deps.policy, notification.budgetName);
  if (!project) {
    const reason = `budget "${notification.budgetName}" belongs to no project of this policy`;
    return {
      notificationId: input.notificationId,
      notification,
      rejected: { problem: 'unknown-budget', reason },
      mode: 'off',
      proceed: false,
      decision: reason,
      ...emptyRun(),
    };
  }
  const settings = project.autoStop;
  const base = {
    notificationId: input.notificationId,
    project: projectView(project),
    notification,
    mode: settings.mode,
    ...emptyRun(),
  };
  const threshold = thresholdDecision(notification, settings);
  if (!threshold.proceed) return { ...base, threshold, proceed: false, decision: threshold.reason };

  if (!settings.verifySpend) {
    // The policy check refuses verifySpend: false with mode enforce; this is the second lock.
    const refuse = settings.mode === 'enforce';
    const spend = {
      checked: false,
      confirmed: !refuse,
      reason: refuse
        ? 'autoStop.verifySpend is false, which enforce mode does not accept: nothing is stopped'
        : 'not checked (autoStop.verifySpend is false, dry-run)',
    };
    return {
      ...base,
      threshold,
      spend,
      proceed: !refuse,
      decision: refuse ? spend.reason : threshold.reason,
    };
  }
  if (!deps.accountId) {
    const spend = {
      checked: false,
      confirmed: false,
      reason: 'the function does not know its own account: the spend cannot be checked',
    };
    return { ...base, threshold, spend, proceed: false, decision: spend.reason };
  }
  const live = await readBudgetSpend(deps.budgets, deps.accountId, project.budgetName);
  const check = spendDecision(live, settings, project.monthlyBudgetUsd);
  const spend = {
    checked: true,
    confirmed: check.confirmed,
    reason: check.reason,
    actualUsd: live.actualUsd,
    limitUsd: live.limitUsd,
    policyLimitUsd: project.monthlyBudgetUsd,
    ...(check.limitMismatch ? { limitMismatch: true } : {}),
  };
  return {
    ...base,
    threshold,
    spend,
    proceed: check.confirmed,
    decision: check.confirmed ? threshold.reason : check.reason,
  };
}
