/**
 * The auto-stop orchestrator, shared by the Lambda handler and the CLI: evaluate the
 * notification, find and plan the project's resources, act (inline or through the work queue)
 * with the audit written as actions complete. Every dependency is a parameter.
 */
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import type { GuardrailsPolicy, Project } from '../../lib/config/schema';
import type { AuditLog } from './audit';
import { evaluateNotification } from './evaluate';
import { Executor } from './executor';
import { findAndPlan, type RegionClients } from './find-resources';
import { type NotificationInput, type RunOptions, type RunReport, view } from './run-report';
import type { KindHandler, Progress, RunContext, SageMakerClients } from './types';
import type { WorkQueue } from './work-queue';

export interface AutoStopDeps {
  readonly policy: GuardrailsPolicy;
  readonly budgets: BudgetsClient;
  /** One set of clients per region the policy's projects list. */
  readonly regions: ReadonlyMap<string, RegionClients>;
  readonly deploymentRegion: string;
  /** The account the function runs in (budgets are read there). */
  readonly accountId: string | undefined;
  /** Kind handlers outside the kind registry (endpoints). */
  readonly handlers: readonly KindHandler<SageMakerClients>[];
  readonly concurrency: number;
  readonly inlineActionLimit: number;
  readonly pace: (operation: string) => Promise<void>;
  readonly audit?: AuditLog;
  readonly workQueue?: WorkQueue;
  readonly now: () => Date;
  readonly onProgress?: (progress: Progress) => void;
}

/** Steps 3-5 for one project: find and plan, act as decisions arrive, audit as actions end. */
export async function runProject(
  deps: AutoStopDeps,
  evaluation: RunReport,
  project: Project,
  options: RunOptions,
): Promise<RunReport> {
  const ctx: RunContext = {
    project,
    settings: project.autoStop,
    notificationId: evaluation.notificationId,
    now: deps.now,
  };
  const acting = options.execute && project.autoStop.mode === 'enforce';
  const executor = new Executor(deps, ctx, acting, {
    projectId: project.id,
    notificationId: ctx.notificationId,
    time: deps.now(),
  });
  const found = await findAndPlan(deps, ctx, (decisions) => executor.submit(decisions));
  const outcomes = await executor.finish();
  return {
    ...evaluation,
    executed: acting,
    unhandledKinds: found.unhandledKinds,
    tagged: found.found,
    discovery: found.discovery,
    decisions: found.decisions.map(view),
    outcomes,
    queued: executor.queued.length,
    queuedNames: executor.queued.map(
      (d) => `${d.resource.kind} ${d.resource.name} (was ${d.resource.status})`,
    ),
  };
}

/** The whole flow for one notification. */
export async function runNotification(
  deps: AutoStopDeps,
  input: NotificationInput,
  options: RunOptions,
): Promise<RunReport> {
  const evaluation = await evaluateNotification(deps, input);
  const project =
    evaluation.project && deps.policy.projects.find((p) => p.id === evaluation.project?.id);
  if (!evaluation.proceed || !project) return evaluation;
  return runProject(deps, evaluation, project, options);
}
