/**
 * The period guard's decisions, pure (no SDK, no clock, no env): is a hold in force, what to do
 * with one resource while it is, whether a claim lets this decision be carried out (once per
 * resource and period), and whether the budget now lifts the hold.
 */
import type { AutoStopMode, AutoStopSettings } from '../../../lib/config/schema';
import { type BudgetSpend, spendDecision } from '../decide';
import type { Decision } from '../types';

/** "Over threshold for period P": recorded when a verified notification crosses the threshold. */
export interface Hold {
  readonly projectId: string;
  readonly periodId: string;
  /** ISO time the period ends (the hold's expiry). */
  readonly periodEnd: string;
  /** The project's mode when the hold was recorded (the guard re-reads the policy's mode). */
  readonly mode: AutoStopMode;
  /** Account whose budget is re-read to lift the hold. */
  readonly accountId: string;
  readonly budgetName: string;
  readonly createdAt: string;
  /** Why: the notification's decision sentence. */
  readonly reason: string;
  readonly notificationId: string;
}

export type HoldState =
  | { readonly active: true; readonly hold: Hold }
  | { readonly active: false; readonly reason: string };

/**
 * Whether the hold is in force at `now`. DynamoDB deletes expired items only eventually ("within a
 * few days", DynamoDB Developer Guide, "Time to Live"), so expiry is checked here, not left to TTL.
 */
export function holdState(hold: Hold | undefined, now: Date): HoldState {
  if (!hold)
    return {
      active: false,
      reason: 'no hold: the project has not crossed its threshold this period',
    };
  if (now.getTime() >= Date.parse(hold.periodEnd))
    return {
      active: false,
      reason: `the hold for period ${hold.periodId} ended at ${hold.periodEnd}`,
    };
  return { active: true, hold };
}

/** What the guard does with one live resource of a held project. */
export type GuardVerdict =
  | { readonly type: 'ignore'; readonly reason: string }
  | {
      readonly type: 'act' | 'would-act' | 'skip' | 'report';
      readonly decision: Decision;
      readonly reason: string;
    };

/**
 * The same rules as a notification run: the project's current mode decides what happens to the
 * kind's own decision (`planRegistryKind` or the kind handler's plan, which apply the one
 * exemption rule, the enabled kinds and the running state).
 */
export function guardVerdict(input: {
  readonly state: HoldState;
  readonly settings: Pick<AutoStopSettings, 'mode'>;
  readonly decision: Decision;
}): GuardVerdict {
  const { state, settings, decision } = input;
  if (!state.active) return { type: 'ignore', reason: state.reason };
  if (settings.mode === 'off')
    return { type: 'ignore', reason: 'auto-stop mode is off for this project' };
  if (decision.type === 'act')
    return {
      type: settings.mode === 'enforce' ? 'act' : 'would-act',
      decision,
      reason: decision.reason,
    };
  return { type: decision.type, decision, reason: decision.reason };
}

/** What the claim table remembers about a resource in a period. */
export interface Claim {
  readonly verdict: 'act' | 'would-act' | 'skip' | 'report';
  /** Epoch milliseconds. */
  readonly claimedAt: number;
}

/**
 * A stop started within this window is not repeated: SageMaker sends several events per state
 * change, and the sweep may find a resource that is still stopping. After it, a resource that is
 * running again (a notebook started again) is stopped again.
 */
export const ACT_LEASE_MS = 10 * 60 * 1000;

/**
 * Whether a decision may be carried out and recorded: nothing recorded yet for this resource and
 * period, or a different verdict than last time (an exemption expired, the mode changed), or a
 * repeated stop after the lease (it runs again). A repeated skip, report or dry-run line is not
 * recorded twice in a period. The DynamoDB adapter states the same rule as a condition.
 */
export function claimAllowed(
  existing: Claim | undefined,
  verdict: Claim['verdict'],
  nowMs: number,
  leaseMs = ACT_LEASE_MS,
): boolean {
  if (!existing) return true;
  if (existing.verdict !== verdict) return true;
  return verdict === 'act' && existing.claimedAt < nowMs - leaseMs;
}

/**
 * Whether the budget, re-read now, still confirms the threshold against the policy's amount (the
 * same check as a notification run); if not (spend below the threshold, or a limit changed away
 * from the policy's, for which a notification run stops nothing either), the hold lifts.
 */
export function liftDecision(
  spend: BudgetSpend,
  settings: Pick<AutoStopSettings, 'thresholdPct'>,
  policyLimitUsd: number,
): { readonly lift: boolean; readonly reason: string } {
  const check = spendDecision(spend, settings, policyLimitUsd);
  if (check.confirmed) return { lift: false, reason: check.reason };
  return {
    lift: true,
    reason: check.limitMismatch
      ? `the budget was changed: ${check.reason}`
      : `the spend was corrected: spend is now below ${settings.thresholdPct} % of the limit`,
  };
}
