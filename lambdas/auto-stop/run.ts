/**
 * The auto-stop orchestrator, shared by the Lambda handler, the worker and the CLI:
 * parse -> map to project -> threshold -> verify spend -> discover -> plan -> act (inline or
 * fanned out) -> audit -> report. Kind handlers plug in as a list, so a new kind is one line.
 */
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { projectForBudgetName } from '../../lib/config/naming';
import type {
  AutoStopMode,
  GuardrailsPolicy,
  Project,
  ResourceKind,
} from '../../lib/config/schema';
import {
  BudgetMessageError,
  type BudgetMessageProblem,
  type BudgetNotification,
  parseBudgetMessage,
} from '../shared/budget-message';
import { Limiter, mapLimit } from '../shared/concurrency';
import type { AuditLog } from './audit';
import { readBudgetSpend } from './budgets';
import { spendDecision, type ThresholdDecision, thresholdDecision } from './decide';
import { findTaggedResources, taggingTypeOfArn } from './tagging';
import type {
  Decision,
  KindHandler,
  Outcome,
  Progress,
  Resource,
  RunContext,
  SageMakerClients,
  TaggedResource,
} from './types';
import { DECISIONS_PER_MESSAGE, type WorkQueue, workMessages } from './work-queue';

/** Every client the orchestrator uses. */
export interface AutoStopClients extends SageMakerClients {
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly budgets: BudgetsClient;
}

export interface AutoStopDeps {
  readonly policy: GuardrailsPolicy;
  readonly clients: AutoStopClients;
  /** The kind handlers of this build (jobs, notebooks, and endpoints once merged). */
  readonly handlers: readonly KindHandler<SageMakerClients>[];
  /** Stop calls in flight at once. */
  readonly concurrency: number;
  /** Most `act` decisions done inline; more go to `workQueue`. */
  readonly inlineActionLimit: number;
  readonly audit?: AuditLog;
  readonly workQueue?: WorkQueue;
  readonly now: () => Date;
  readonly onProgress?: (progress: Progress) => void;
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

/** Everything a run did and why: the function logs it, the CLI prints it, the report renders it. */
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
  /** Resources the tagging API returned (before the live-state check). */
  readonly tagged: number;
  readonly decisions: DecisionView[];
  readonly outcomes: Outcome[];
  /** `act` decisions sent to the work queue. */
  readonly queued: number;
  readonly queuedNames: string[];
}

/** The notification, as the function receives it. */
export interface NotificationInput {
  readonly notificationId: string;
  readonly message: string | undefined | null;
  /** Account to read the budget in when the message has no `AWS Account` line (the function's own). */
  readonly fallbackAccountId?: string;
}

export interface RunOptions {
  /** Carry out `act` decisions (still only when the project's mode is `enforce`). */
  readonly execute: boolean;
}

function view(d: Decision): DecisionView {
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

function projectView(project: Project): NonNullable<RunReport['project']> {
  return {
    id: project.id,
    name: project.name,
    budgetName: project.budgetName,
    exemptionTag: project.autoStop.exemptionTag,
  };
}

const empty = {
  executed: false,
  unhandledKinds: [] as ResourceKind[],
  tagged: 0,
  decisions: [] as DecisionView[],
  outcomes: [] as Outcome[],
  queued: 0,
  queuedNames: [] as string[],
};

/**
 * Steps 1-2: parse, map to a project, threshold decision, spend check. Never throws for a bad
 * message (it is a `rejected` report); AWS errors from DescribeBudget escape.
 */
export async function evaluateNotification(
  deps: Pick<AutoStopDeps, 'policy' | 'clients'>,
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
      ...empty,
    };
  }
  const project = projectForBudgetName(deps.policy, notification.budgetName);
  if (!project)
    return {
      notificationId: input.notificationId,
      notification,
      rejected: {
        problem: 'unknown-budget',
        reason: `budget "${notification.budgetName}" belongs to no project of this policy`,
      },
      mode: 'off',
      proceed: false,
      decision: `budget "${notification.budgetName}" belongs to no project of this policy`,
      ...empty,
    };
  const settings = project.autoStop;
  const base = {
    notificationId: input.notificationId,
    project: projectView(project),
    notification,
    mode: settings.mode,
  };
  const threshold = thresholdDecision(notification, settings);
  if (!threshold.proceed)
    return { ...base, threshold, proceed: false, decision: threshold.reason, ...empty };

  if (!settings.verifySpend) {
    const spend = {
      checked: false,
      confirmed: true,
      reason: 'not checked (autoStop.verifySpend is false)',
    };
    return { ...base, threshold, spend, proceed: true, decision: threshold.reason, ...empty };
  }
  const accountId = notification.accountId ?? input.fallbackAccountId;
  if (!accountId) {
    const spend = {
      checked: false,
      confirmed: false,
      reason: 'the message names no account and none was given: the spend cannot be checked',
    };
    return { ...base, threshold, spend, proceed: false, decision: spend.reason, ...empty };
  }
  const live = await readBudgetSpend(deps.clients.budgets, accountId, project.budgetName);
  const check = spendDecision(live, settings);
  const spend = { checked: true, ...check, actualUsd: live.actualUsd, limitUsd: live.limitUsd };
  return {
    ...base,
    threshold,
    spend,
    proceed: check.confirmed,
    decision: check.confirmed ? threshold.reason : check.reason,
    ...empty,
  };
}

/**
 * Steps 3-4: the project's live resources and a decision for each, handed to `onDecisions` page
 * by page (kinds side by side, each on its own List* quota). Changes nothing itself.
 */
export async function planProject(
  deps: Pick<AutoStopDeps, 'policy' | 'clients' | 'handlers' | 'onProgress'>,
  ctx: RunContext,
  onDecisions: (decisions: Decision[]) => void = () => {},
): Promise<{ tagged: number; decisions: Decision[]; unhandledKinds: ResourceKind[] }> {
  const enabled = new Set(ctx.settings.resourceKinds);
  const handlers = deps.handlers.filter((h) => h.kinds.some((k) => enabled.has(k)));
  const covered = new Set(handlers.flatMap((h) => h.kinds));
  const unhandledKinds = ctx.settings.resourceKinds.filter((k) => !covered.has(k));

  const types = [...new Set(handlers.flatMap((h) => h.taggingTypes))];
  // The tagging API and the listings are read at the same time; listed pages wait for the
  // tagging result (only tagged resources are the project's) and are joined when it is in.
  const taggedPromise = findTaggedResources(
    deps.clients.tagging,
    deps.policy.organisation.projectTagKey,
    ctx.project.id,
    types,
  ).then((tagged) => {
    deps.onProgress?.({ phase: 'discover', tagged: tagged.length });
    const byType = new Map<string, TaggedResource[]>();
    for (const t of tagged) {
      const type = taggingTypeOfArn(t.arn);
      if (type) byType.set(type, [...(byType.get(type) ?? []), t]);
    }
    return { count: tagged.length, byType };
  });
  const decisions: Decision[] = [];
  const take = (h: KindHandler<SageMakerClients>, resources: readonly Resource[]) => {
    if (resources.length === 0) return;
    const planned = resources.map((r) => h.plan(r, ctx.settings));
    decisions.push(...planned);
    onDecisions(planned);
  };
  const mineOf = (h: KindHandler<SageMakerClients>, byType: Map<string, TaggedResource[]>) =>
    h.taggingTypes.flatMap((t) => byType.get(t) ?? []);

  const discoverWith = async (h: KindHandler<SageMakerClients>) => {
    if (h.listLive) {
      let index: Map<string, TaggedResource> | undefined;
      const ready = taggedPromise.then(({ byType }) => {
        index = new Map(mineOf(h, byType).map((t) => [t.arn.toLowerCase(), t]));
      });
      // Failures surface through the final `await ready`; this only keeps the promise handled.
      ready.catch(() => {});
      const join = (page: readonly Resource[]): Resource[] =>
        page.flatMap((r) => {
          const t = index?.get(r.arn.toLowerCase());
          return t ? [{ ...r, tags: t.tags }] : [];
        });
      let waiting: Resource[] = [];
      for await (const page of h.listLive(deps.clients, ctx)) {
        if (!index) {
          waiting.push(...page);
          continue;
        }
        take(h, join(waiting));
        waiting = [];
        take(h, join(page));
        // Nothing of this kind carries the project tag: stop reading its listing.
        if (index.size === 0) break;
      }
      await ready;
      take(h, join(waiting));
      return;
    }
    const mine = mineOf(h, (await taggedPromise).byType);
    if (h.discoverPages)
      for await (const page of h.discoverPages(deps.clients, mine, ctx)) take(h, page);
    else take(h, await h.discover(deps.clients, mine, ctx));
  };
  await Promise.all([taggedPromise, ...handlers.map(discoverWith)]);
  const tagged = (await taggedPromise).count;
  deps.onProgress?.({
    phase: 'plan',
    resources: decisions.length,
    actions: decisions.filter((d) => d.type === 'act').length,
  });
  return { tagged, decisions, unhandledKinds };
}

/** Carry out one `act` decision with the handler of its kind. */
function actOne(
  deps: Pick<AutoStopDeps, 'clients' | 'handlers'>,
  d: Extract<Decision, { type: 'act' }>,
  ctx: RunContext,
): Promise<Outcome> {
  const handler = deps.handlers.find((h) => h.kinds.includes(d.resource.kind));
  if (!handler)
    return Promise.resolve({
      resourceArn: d.resource.arn,
      kind: d.resource.kind,
      name: d.resource.name,
      priorState: d.resource.status,
      action: d.action,
      result: 'failed',
      reason: d.reason,
      error: `NoHandlerError: no handler for ${d.resource.kind} in this build`,
    });
  return handler.act(deps.clients, d, ctx);
}

/** Carry out `act` decisions inline with bounded concurrency; one failure does not stop the rest. */
export async function actAll(
  deps: Pick<AutoStopDeps, 'clients' | 'handlers' | 'concurrency' | 'onProgress'>,
  decisions: readonly Extract<Decision, { type: 'act' }>[],
  ctx: RunContext,
): Promise<Outcome[]> {
  return mapLimit(
    decisions,
    deps.concurrency,
    (d) => actOne(deps, d, ctx),
    (done) => {
      if (done % 25 === 0 || done === decisions.length)
        deps.onProgress?.({ phase: 'act', done, total: decisions.length });
    },
  );
}

function passiveOutcome(d: Decision): Outcome {
  const r = d.resource;
  const base = { resourceArn: r.arn, kind: r.kind, name: r.name, priorState: r.status };
  if (d.type === 'act') return { ...base, action: d.action, result: 'would-do', reason: d.reason };
  if (d.type === 'report')
    return { ...base, action: 'report', result: 'reported', reason: d.reason };
  return { ...base, action: 'skip', result: 'skipped', reason: d.reason };
}

/**
 * Carries out `act` decisions as discovery produces them: the first `inlineActionLimit` inline
 * (bounded concurrency), the rest in batches to the work queue; stops that still fail with a
 * retryable error go to the queue too.
 */
class Executor {
  private inlineLeft: number;
  private readonly limiter: Limiter;
  private readonly inline: Promise<Outcome>[] = [];
  private readonly inlineDecisions: Extract<Decision, { type: 'act' }>[] = [];
  private buffer: Extract<Decision, { type: 'act' }>[] = [];
  private sending: Promise<void> = Promise.resolve();
  private done = 0;
  readonly queued: Extract<Decision, { type: 'act' }>[] = [];
  readonly passive: Outcome[] = [];

  constructor(
    private readonly deps: AutoStopDeps,
    private readonly ctx: RunContext,
    private readonly acting: boolean,
  ) {
    this.inlineLeft = deps.inlineActionLimit;
    this.limiter = new Limiter(deps.concurrency);
  }

  submit(decisions: readonly Decision[]): void {
    for (const d of decisions) {
      if (!this.acting || d.type !== 'act') {
        this.passive.push(passiveOutcome(d));
      } else if (this.inlineLeft > 0 || !this.deps.workQueue) {
        this.inlineLeft--;
        this.inlineDecisions.push(d);
        this.inline.push(
          this.limiter
            .run(() => actOne(this.deps, d, this.ctx))
            .then((o) => {
              this.done++;
              if (this.done % 25 === 0)
                this.deps.onProgress?.({
                  phase: 'act',
                  done: this.done,
                  total: this.inline.length,
                });
              return o;
            }),
        );
      } else {
        this.buffer.push(d);
        if (this.buffer.length >= DECISIONS_PER_MESSAGE) this.flush();
      }
    }
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.queued.push(...batch);
    const queue = this.deps.workQueue;
    // Sends are chained so a failure surfaces in `finish` (and the invocation fails: no loss).
    this.sending = this.sending.then(async () => {
      await queue?.send(workMessages(this.ctx.project.id, this.ctx.notificationId, batch));
    });
    // Mark the chain handled while discovery goes on (an unhandled rejection would crash the
    // runtime); `finish` awaits it and rethrows.
    this.sending.catch(() => {});
  }

  async finish(): Promise<Outcome[]> {
    this.flush();
    const outcomes = await Promise.all(this.inline);
    if (this.inline.length > 0)
      this.deps.onProgress?.({ phase: 'act', done: this.inline.length, total: this.inline.length });
    // Stops that still fail with throttling or a server error after the SDK's retries go to the
    // worker (which retries through SQS and then its DLQ) rather than being dropped.
    const retryable = outcomes.map((o) => this.deps.workQueue !== undefined && isRetryable(o));
    this.buffer = this.inlineDecisions.filter((_, i) => retryable[i]);
    this.flush();
    await this.sending;
    if (this.queued.length > 0)
      this.deps.onProgress?.({ phase: 'queue', queued: this.queued.length });
    return [...outcomes.filter((_, i) => !retryable[i]), ...this.passive];
  }
}

/** Steps 3-6 for one project: plan, act (or not) as decisions arrive, then audit. */
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
  const executor = new Executor(deps, ctx, acting);
  const plan = await planProject(deps, ctx, (decisions) => executor.submit(decisions));
  const outcomes = await executor.finish();
  await deps.audit?.write(
    { projectId: project.id, notificationId: ctx.notificationId, time: deps.now() },
    outcomes,
  );
  return {
    ...evaluation,
    executed: acting,
    unhandledKinds: plan.unhandledKinds,
    tagged: plan.tagged,
    decisions: plan.decisions.map(view),
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

const RETRYABLE =
  /^(ThrottlingException|Throttling|TooManyRequestsException|RequestLimitExceeded|ServiceUnavailable|InternalFailure|InternalServerError|TimeoutError)\b/;

/** A failed outcome worth retrying later (throttling, server-side or network errors). */
export function isRetryable(outcome: Outcome): boolean {
  return outcome.result === 'failed' && RETRYABLE.test(outcome.error ?? '');
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
