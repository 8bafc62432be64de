/** The shape of a run's result: the function logs it, the CLI prints it, the report renders it. */
import type { AutoStopMode, Project, ResourceKind } from '../../lib/config/schema';
import type { BudgetMessageProblem, BudgetNotification } from '../shared/budget-message';
import type { ThresholdDecision } from './decide';
import type { DiscoveryRecord } from './discovery';
import type { Decision, Outcome } from './types';

/** The notification, as the function receives it. */
export interface NotificationInput {
  readonly notificationId: string;
  readonly message: string | undefined | null;
}

export interface RunOptions {
  /** Carry out `act` decisions (still only when the project's mode is `enforce`). */
  readonly execute: boolean;
}

/** A decision as reported (`--json` output and logs): the resource flattened. */
export interface DecisionView {
  readonly type: Decision['type'];
  readonly kind: ResourceKind;
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly action: string;
  readonly reason: string;
}

export interface RunReport {
  readonly notificationId: string;
  readonly project?: {
    readonly id: string;
    readonly name: string;
    readonly budgetName: string;
    readonly exemptionTag: string;
  };
  readonly rejected?: {
    readonly problem: BudgetMessageProblem | 'unknown-budget';
    readonly reason: string;
  };
  readonly notification?: BudgetNotification;
  readonly threshold?: ThresholdDecision;
  readonly spend?: {
    readonly checked: boolean;
    readonly confirmed: boolean;
    readonly reason: string;
    readonly actualUsd?: number;
    readonly limitUsd?: number;
    readonly policyLimitUsd?: number;
    /** The live budget limit differs from the policy's amount (alarmed; nothing stopped). */
    readonly limitMismatch?: boolean;
  };
  /** The project's configured mode (`off` when no project was identified). */
  readonly mode: AutoStopMode;
  /** Whether `act` decisions were carried out (enforce mode and not a plan-only run). */
  readonly executed: boolean;
  /** Whether discovery and planning ran. */
  readonly proceed: boolean;
  /** One sentence: why it acted or not. */
  readonly decision: string;
  /** Kinds enabled for the project that no handler in this build covers. */
  readonly unhandledKinds: ResourceKind[];
  /** Resources of the project found running or live (before planning). */
  readonly tagged: number;
  /** How each kind was discovered in each region: path, bound, calls. */
  readonly discovery: DiscoveryRecord[];
  readonly decisions: DecisionView[];
  readonly outcomes: Outcome[];
  /** `act` decisions sent to the work queue. */
  readonly queued: number;
  readonly queuedNames: string[];
}

export function view(d: Decision): DecisionView {
  return {
    type: d.type,
    kind: d.resource.kind,
    name: d.resource.name,
    arn: d.resource.arn,
    status: d.resource.status,
    action: d.type === 'act' ? d.action : d.type,
    reason: d.reason,
  };
}

export function projectView(project: Project): NonNullable<RunReport['project']> {
  return {
    id: project.id,
    name: project.name,
    budgetName: project.budgetName,
    exemptionTag: project.autoStop.exemptionTag,
  };
}

/** The fields of a run that did not discover anything. */
export function emptyRun() {
  return {
    executed: false,
    unhandledKinds: [] as ResourceKind[],
    tagged: 0,
    discovery: [] as DiscoveryRecord[],
    decisions: [] as DecisionView[],
    outcomes: [] as Outcome[],
    queued: 0,
    queuedNames: [] as string[],
  };
}

/** Counts for logs, metrics and the CLI. */
export function countOutcomes(report: RunReport): Record<Outcome['result'] | 'queued', number> {
  const counts = {
    done: 0,
    'already-done': 0,
    'would-do': 0,
    skipped: 0,
    reported: 0,
    failed: 0,
    queued: report.queued,
  };
  for (const o of report.outcomes) counts[o.result]++;
  return counts;
}
