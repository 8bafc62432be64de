/**
 * The period guard's orchestrator. While a project's hold is in force (it crossed its threshold in
 * this budget period), work that starts is stopped as it starts (state-change events) or at the
 * next sweep, with the same rules and audit as a notification run, once per resource and period;
 * the day's late stops go out as one digest per project. Dependencies come in as parameters.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { projectRegions } from '../../../lib/config/naming';
import type { Project } from '../../../lib/config/schema';
import { mapLimit } from '../../shared/concurrency';
import type { ChangeEventSink } from '../../shared/eventbridge';
import { regionOfArn } from '../../shared/sagemaker-kinds';
import type { AuditLog } from '../audit';
import { readBudgetSpend } from '../budgets';
import { projectChangeDetails } from '../change-events';
import { actOne, passiveOutcome } from '../executor';
import { findAndPlan } from '../find-resources';
import type { AutoStopDeps } from '../orchestrator';
import { planRegistryKind } from '../plan';
import type { DigestMessage } from '../report';
import type { Decision, Outcome, Resource, RunContext } from '../types';
import { type GuardVerdict, guardVerdict, type Hold, holdState, liftDecision } from './decide';
import { parseStateChange, type StateChange } from './event';
import { periodOf, previousUtcDay } from './period';
import type { DigestEntry, GuardStore, HoldAuditEvent } from './store';

/**
 * What the guard shares with a notification run (`buildDeps`): the policy, one set of clients per
 * region, Budgets, the kind handlers outside the registry (endpoints), the listing pace, the
 * concurrency of actions and the clock; plus its own store and audits.
 */
export interface GuardDeps
  extends Pick<
    AutoStopDeps,
    | 'policy'
    | 'budgets'
    | 'regions'
    | 'deploymentRegion'
    | 'handlers'
    | 'concurrency'
    | 'pace'
    | 'now'
  > {
  readonly store: GuardStore;
  readonly readTags: (client: SageMakerClient, arn: string) => Promise<Record<string, string>>;
  readonly audit?: Pick<AuditLog, 'write'>;
  readonly holdAudit?: (event: HoldAuditEvent) => Promise<void>;
  /** Remembers budget re-reads for a few minutes, so a burst of events reads the budget once. */
  readonly budgetCache?: BudgetCache;
}

/** Budget re-reads per project, reused for `ttlMs` (Budgets refreshes its figures a few times a day). */
export class BudgetCache {
  private readonly entries = new Map<string, { at: number; lift: boolean; reason: string }>();
  constructor(private readonly ttlMs = 5 * 60 * 1000) {}
  get(projectId: string, nowMs: number) {
    const e = this.entries.get(projectId);
    return e && nowMs - e.at < this.ttlMs ? e : undefined;
  }
  set(projectId: string, nowMs: number, value: { lift: boolean; reason: string }): void {
    this.entries.set(projectId, { at: nowMs, ...value });
  }
}

/** What happened to one event or one resource of a sweep. */
export type GuardResult =
  | { readonly status: 'ignored'; readonly reason: string }
  | { readonly status: 'duplicate'; readonly reason: string }
  | { readonly status: 'lifted'; readonly reason: string }
  | { readonly status: 'recorded'; readonly projectId: string; readonly outcome: Outcome };

/**
 * Re-reads the budget; when it no longer confirms the threshold (`liftDecision`: spend below it,
 * or the limit changed away from the policy's, e.g. raised mid-period) the hold is removed and
 * audited. Resolves to the reason when it lifted.
 */
async function liftIfBudgetRaised(
  deps: GuardDeps,
  project: Project,
  hold: Hold,
  useCache: boolean,
): Promise<string | undefined> {
  const nowMs = deps.now().getTime();
  let check = useCache ? deps.budgetCache?.get(project.id, nowMs) : undefined;
  if (!check) {
    const spend = await readBudgetSpend(deps.budgets, hold.accountId, hold.budgetName);
    const decision = liftDecision(spend, project.autoStop, project.monthlyBudgetUsd);
    deps.budgetCache?.set(project.id, nowMs, decision);
    check = { at: nowMs, ...decision };
  }
  if (!check.lift) return undefined;
  const removed = await deps.store.deleteHold(project.id);
  if (removed)
    await deps.holdAudit?.({
      projectId: project.id,
      action: 'lift-hold',
      periodId: hold.periodId,
      reason: check.reason,
      by: 'budget-check',
      time: deps.now(),
    });
  return check.reason;
}

/**
 * Claims, carries out (enforce, through the executor's `actOne`: the registry's stop call or the
 * kind's handler) or records (dry-run, exempt, report-only) one verdict, then audits it and adds
 * it to the day's digest. A failed stop gives its claim back, so the next event or sweep tries
 * again.
 */
async function carryOut(
  deps: GuardDeps,
  project: Project,
  hold: Hold,
  verdict: GuardVerdict,
  source: { readonly kind: 'event' | 'sweep'; readonly id: string },
): Promise<GuardResult> {
  if (verdict.type === 'ignore') return { status: 'ignored', reason: verdict.reason };
  const resource = verdict.decision.resource;
  const now = deps.now();
  if (!(await deps.store.claim(hold, resource.arn, verdict.type, now.getTime())))
    return {
      status: 'duplicate',
      reason: `${resource.kind} ${resource.name}: already handled in period ${hold.periodId}`,
    };
  const notificationId = `guard:${source.kind}:${source.id}`;
  let outcome: Outcome;
  if (verdict.type === 'act' && verdict.decision.type === 'act') {
    const ctx: RunContext = { project, settings: project.autoStop, notificationId, now: deps.now };
    outcome = await actOne(deps, verdict.decision, ctx);
    if (outcome.result === 'failed') await deps.store.unclaim(hold, resource.arn);
  } else {
    // Recorded, not carried out: the same outcome a notification run records for it.
    outcome = passiveOutcome(verdict.decision);
  }
  await deps.audit?.write({ projectId: project.id, notificationId, time: now }, [outcome]);
  const entry: DigestEntry = {
    time: now.toISOString(),
    kind: outcome.kind,
    name: outcome.name,
    arn: outcome.resourceArn,
    region: regionOfArn(outcome.resourceArn) ?? deps.deploymentRegion,
    result: outcome.result,
    action: outcome.action,
    reason: outcome.reason,
    source: source.kind,
    ...(outcome.hourlyUsd !== undefined ? { hourlyUsd: outcome.hourlyUsd } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
  await deps.store.addDigestEntry(project.id, entry);
  return { status: 'recorded', projectId: project.id, outcome };
}

/**
 * The decision for the resource an event names, by the same rules as a notification run:
 * registry kinds (jobs, notebooks) by `planRegistryKind` on the event's status and tags; other
 * kinds (endpoints) are described again by their handler, whose plan needs their details.
 * Undefined when the resource is gone or no rule in this build knows its kind.
 */
async function planEvent(
  deps: GuardDeps,
  change: StateChange,
  tags: Readonly<Record<string, string>>,
  ctx: RunContext,
): Promise<Decision | undefined> {
  const resource: Resource = {
    arn: change.arn,
    kind: change.kind,
    name: change.name,
    status: change.status,
    tags,
  };
  const registry = planRegistryKind(resource, ctx.settings, deps.now());
  if (registry) return registry;
  const handler = deps.handlers.find((h) => h.kinds.includes(change.kind));
  const clients = deps.regions.get(change.region);
  if (!handler || !clients) return undefined;
  const [live] = await handler.discover(clients, [{ arn: change.arn, tags }], ctx);
  return live ? handler.plan(live, ctx.settings) : undefined;
}

/** One SageMaker state-change event. A stop that fails with a retryable error throws (Lambda retries). */
export async function handleStateChange(deps: GuardDeps, event: unknown): Promise<GuardResult> {
  const parsed = parseStateChange(event);
  if (!parsed.ok) return { status: 'ignored', reason: parsed.reason };
  const change = { ...parsed.change, region: parsed.change.region || deps.deploymentRegion };
  const clients = deps.regions.get(change.region);
  if (!clients)
    return {
      status: 'ignored',
      reason: `${change.kind} ${change.name}: region ${change.region} is not among the policy's regions`,
    };
  const tags = change.tags ?? (await deps.readTags(clients.sagemaker, change.arn));
  const projectId = tags[deps.policy.organisation.projectTagKey];
  const project = deps.policy.projects.find((p) => p.id === projectId);
  if (!project)
    return {
      status: 'ignored',
      reason: `${change.kind} ${change.name}: not tagged with a project of this policy`,
    };
  const state = holdState(await deps.store.getHold(project.id), deps.now());
  if (!state.active) return { status: 'ignored', reason: state.reason };
  const lifted = await liftIfBudgetRaised(deps, project, state.hold, true);
  if (lifted) return { status: 'lifted', reason: lifted };
  const ctx: RunContext = {
    project,
    settings: project.autoStop,
    notificationId: `guard:event:${change.eventId}`,
    now: deps.now,
  };
  const decision = await planEvent(deps, change, tags, ctx);
  if (!decision)
    return {
      status: 'ignored',
      reason: `${change.kind} ${change.name}: gone, or no rule for ${change.kind} in this build`,
    };
  const verdict = guardVerdict({ state, settings: project.autoStop, decision });
  const result = await carryOut(deps, project, state.hold, verdict, {
    kind: 'event',
    id: change.eventId,
  });
  if (
    result.status === 'recorded' &&
    result.outcome.result === 'failed' &&
    result.outcome.retryable
  )
    throw new Error(
      `Stopping ${change.kind} ${change.name} failed and will be retried: ${result.outcome.error}`,
    );
  return result;
}

/** What a sweep did for one project. */
export interface SweepProjectResult {
  readonly projectId: string;
  readonly status: 'not-held' | 'lifted' | 'swept';
  readonly reason: string;
  readonly regions: readonly string[];
  readonly recorded: readonly Outcome[];
  readonly duplicates: number;
}

/**
 * Every held project, in every region it runs in: what the events missed. Finding and planning
 * is the notification run's (`findAndPlan`: bounded discovery, tags of the candidates only).
 */
export async function sweep(deps: GuardDeps): Promise<SweepProjectResult[]> {
  const results: SweepProjectResult[] = [];
  const sweptAt = deps.now().toISOString();
  for (const project of deps.policy.projects) {
    if (project.autoStop.mode === 'off') continue;
    const state = holdState(await deps.store.getHold(project.id), deps.now());
    const base = { projectId: project.id, regions: [] as string[], recorded: [], duplicates: 0 };
    if (!state.active) {
      results.push({ ...base, status: 'not-held', reason: state.reason });
      continue;
    }
    const lifted = await liftIfBudgetRaised(deps, project, state.hold, false);
    if (lifted) {
      results.push({ ...base, status: 'lifted', reason: lifted });
      continue;
    }
    const ctx: RunContext = {
      project,
      settings: project.autoStop,
      notificationId: `guard:sweep:${sweptAt}`,
      now: deps.now,
    };
    const { decisions } = await findAndPlan(deps, ctx);
    const handled = await mapLimit(decisions, deps.concurrency, (decision) =>
      carryOut(
        deps,
        project,
        state.hold,
        guardVerdict({ state, settings: project.autoStop, decision }),
        { kind: 'sweep', id: sweptAt },
      ),
    );
    results.push({
      ...base,
      status: 'swept',
      reason: `held for period ${state.hold.periodId}`,
      regions: projectRegions(project, deps.deploymentRegion),
      recorded: handled.flatMap((r) => (r.status === 'recorded' ? [r.outcome] : [])),
      duplicates: handled.filter((r) => r.status === 'duplicate').length,
    });
  }
  return results;
}

/** Records the hold after a verified notification crossed the threshold (enforce or dry-run). */
export async function recordHold(
  deps: Pick<GuardDeps, 'store' | 'holdAudit'>,
  report: {
    readonly notificationId: string;
    readonly proceed: boolean;
    readonly mode: Project['autoStop']['mode'];
    readonly decision: string;
    readonly project?: { readonly id: string; readonly budgetName: string };
    readonly notification?: {
      readonly accountId: string | undefined;
      readonly period: Parameters<typeof periodOf>[0];
    };
  },
  fallbackAccountId: string | undefined,
  now: Date,
): Promise<Hold | undefined> {
  const accountId = report.notification?.accountId ?? fallbackAccountId;
  if (
    !report.proceed ||
    report.mode === 'off' ||
    !report.project ||
    !report.notification ||
    !accountId
  )
    return undefined;
  const period = periodOf(report.notification.period, now);
  const hold: Hold = {
    projectId: report.project.id,
    periodId: period.id,
    periodEnd: period.end.toISOString(),
    mode: report.mode,
    accountId,
    budgetName: report.project.budgetName,
    createdAt: now.toISOString(),
    reason: report.decision,
    notificationId: report.notificationId,
  };
  await deps.store.putHold(hold);
  await deps.holdAudit?.({
    projectId: hold.projectId,
    action: 'record-hold',
    periodId: hold.periodId,
    reason: `${hold.reason}; held until ${hold.periodEnd}`,
    by: `notification:${report.notificationId}`,
    time: now,
  });
  return hold;
}

/** Removes a project's hold by hand (`guardrails auto-stop release`), audited. */
export async function releaseHold(
  deps: Pick<GuardDeps, 'store' | 'holdAudit' | 'now'>,
  projectId: string,
  by: string,
  reason: string,
): Promise<Hold | undefined> {
  const removed = await deps.store.deleteHold(projectId);
  if (removed)
    await deps.holdAudit?.({
      projectId,
      action: 'release-hold',
      periodId: removed.periodId,
      reason,
      by,
      time: deps.now(),
    });
  return removed;
}

/** What the digest run sent. */
export interface DigestRunResult {
  readonly day: string;
  readonly sent: readonly { readonly projectId: string; readonly entries: number }[];
}

/**
 * One digest per project for `day`, only if something was recorded that day; marked as sent
 * before publishing (a retry does not send twice) and unmarked if publishing fails.
 */
export async function sendDigests(
  deps: Pick<GuardDeps, 'policy' | 'store' | 'now'> & {
    readonly render: (
      project: Project,
      day: string,
      entries: readonly DigestEntry[],
    ) => DigestMessage;
    readonly publish: (project: Project, message: DigestMessage) => Promise<unknown>;
  },
  day: string,
): Promise<DigestRunResult> {
  const sent: { projectId: string; entries: number }[] = [];
  for (const project of deps.policy.projects) {
    const entries = await deps.store.digestEntries(project.id, day);
    if (entries.length === 0) continue;
    if (!(await deps.store.markDigestSent(project.id, day, deps.now().getTime()))) continue;
    try {
      await deps.publish(project, deps.render(project, day, entries));
    } catch (err) {
      await deps.store.unmarkDigestSent(project.id, day);
      throw err;
    }
    sent.push({ projectId: project.id, entries: entries.length });
  }
  return { day, sent };
}

/** What routing one invocation needs besides the guard's own dependencies. */
export interface GuardEventDeps {
  readonly guard: GuardDeps;
  /** Renders and publishes digests; without it a digest task fails (no report topic). */
  readonly digest?: Pick<Parameters<typeof sendDigests>[0], 'render' | 'publish'>;
  /** Late stops reach the owning team's PagerDuty timeline like a notification run's. */
  readonly changeEvents: ChangeEventSink;
  readonly emitOutcomes: (outcomes: readonly Outcome[]) => void;
  readonly count: (metric: string, value: number) => void;
  readonly logger: {
    readonly info: (message: string, extra?: Record<string, unknown>) => void;
    readonly debug: (message: string, extra?: Record<string, unknown>) => void;
  };
}

/**
 * One invocation, three inputs: `{ "task": "sweep" }` (schedule), `{ "task": "digest" }` (daily
 * schedule, the previous UTC day) and anything else as a SageMaker state-change event.
 */
export async function handleGuardEvent(event: unknown, deps: GuardEventDeps): Promise<unknown> {
  const { guard, logger } = deps;
  const task = (event as { task?: unknown } | null)?.task;
  if (task === 'sweep') {
    const results = await sweep(guard);
    const recorded = results.reduce((n, r) => n + r.recorded.length, 0);
    logger.info('Period guard sweep', {
      results: results.map((r) => ({ ...r, recorded: r.recorded.length })),
    });
    deps.emitOutcomes(results.flatMap((r) => r.recorded));
    const changes = projectChangeDetails(
      results.map((r) => ({ projectId: r.projectId, outcomes: r.recorded })),
      'period guard sweep: work started after the budget threshold was crossed',
    );
    for (const detail of changes) await deps.changeEvents(detail);
    return { task, projects: results.length, recorded };
  }
  if (task === 'digest') {
    if (!deps.digest) throw new Error('REPORT_TOPIC_ARN is required to send digests');
    const result = await sendDigests({ ...guard, ...deps.digest }, previousUtcDay(guard.now()));
    logger.info('Period guard digest', { ...result });
    deps.count('guardDigestsSent', result.sent.length);
    return result;
  }
  const result = await handleStateChange(guard, event);
  if (result.status === 'recorded') {
    logger.info('Period guard acted', { outcome: result.outcome });
    deps.emitOutcomes([result.outcome]);
    const [change] = projectChangeDetails(
      [{ projectId: result.projectId, outcomes: [result.outcome] }],
      'period guard: work started after the budget threshold was crossed',
    );
    if (change) await deps.changeEvents(change);
  } else logger.debug('Period guard: nothing to do', { ...result });
  return result;
}
