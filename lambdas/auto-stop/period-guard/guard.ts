/**
 * The period guard's orchestrator. While a project's hold is in force (it crossed its threshold in
 * this budget period), work that starts is stopped as it starts (state-change events) or at the
 * next sweep, with the same rules and audit as a notification run, once per resource and period;
 * the day's late stops go out as one digest per project. Dependencies come in as parameters.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { projectRegions } from '../../../lib/config/naming';
import type { GuardrailsPolicy, Project } from '../../../lib/config/schema';
import { mapLimit } from '../../shared/concurrency';
import type { AuditLog } from '../audit';
import { readBudgetSpend } from '../budgets';
import type { DigestMessage } from '../report';
import { type AutoStopClients, isRetryable, planProject } from '../run';
import type { KindHandler, Outcome, Resource, RunContext, SageMakerClients } from '../types';
import { type GuardVerdict, guardVerdict, type Hold, holdState, liftDecision } from './decide';
import { parseStateChange } from './event';
import { periodOf } from './period';
import type { DigestEntry, GuardStore, HoldAuditEvent } from './store';

export interface GuardDeps {
  readonly policy: GuardrailsPolicy;
  readonly store: GuardStore;
  /** SDK clients for a region (the sweep covers every region of a project). */
  readonly clientsFor: (region: string) => AutoStopClients;
  /** The region the guard is deployed in (`projectRegions` falls back to it). */
  readonly deploymentRegion: string;
  readonly handlers: readonly KindHandler<SageMakerClients>[];
  readonly readTags: (client: SageMakerClient, arn: string) => Promise<Record<string, string>>;
  readonly audit?: Pick<AuditLog, 'write'>;
  readonly holdAudit?: (event: HoldAuditEvent) => Promise<void>;
  /** Remembers budget re-reads for a few minutes, so a burst of events reads the budget once. */
  readonly budgetCache?: BudgetCache;
  /** Decisions carried out at once during a sweep. @default 4 */
  readonly concurrency?: number;
  readonly now: () => Date;
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
  | { readonly status: 'recorded'; readonly outcome: Outcome };

function outcomeOf(verdict: Exclude<GuardVerdict, { type: 'ignore' }>): Outcome {
  const r = verdict.decision.resource;
  const base = { resourceArn: r.arn, kind: r.kind, name: r.name, priorState: r.status };
  if (verdict.type === 'would-act' && verdict.decision.type === 'act')
    return { ...base, action: verdict.decision.action, result: 'would-do', reason: verdict.reason };
  if (verdict.type === 'report')
    return { ...base, action: 'report', result: 'reported', reason: verdict.reason };
  return { ...base, action: 'skip', result: 'skipped', reason: verdict.reason };
}

/**
 * Re-reads the budget; when the spend is now below the threshold (the limit was raised mid-period)
 * the hold is removed and audited. Resolves to the reason when it lifted.
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
    const clients = deps.clientsFor(deps.deploymentRegion);
    const spend = await readBudgetSpend(clients.budgets, hold.accountId, hold.budgetName);
    const decision = liftDecision(spend, project.autoStop);
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
 * Claims, carries out (enforce) or records (dry-run, exempt, report-only) one verdict, then
 * audits it and adds it to the day's digest. A failed stop gives its claim back, so the next event
 * or sweep tries again.
 */
async function carryOut(
  deps: GuardDeps,
  project: Project,
  hold: Hold,
  verdict: GuardVerdict,
  clients: SageMakerClients,
  source: { readonly kind: 'event' | 'sweep'; readonly id: string; readonly region: string },
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
    const handler = deps.handlers.find((h) => h.kinds.includes(resource.kind));
    const ctx: RunContext = { project, settings: project.autoStop, notificationId, now: deps.now };
    outcome = handler
      ? await handler.act(clients, verdict.decision, ctx)
      : {
          ...outcomeOf({ ...verdict, type: 'skip' }),
          result: 'failed',
          error: `NoHandlerError: no handler for ${resource.kind} in this build`,
        };
    if (outcome.result === 'failed') await deps.store.unclaim(hold, resource.arn);
  } else {
    outcome = outcomeOf(verdict);
  }
  await deps.audit?.write({ projectId: project.id, notificationId, time: now }, [outcome]);
  const entry: DigestEntry = {
    time: now.toISOString(),
    kind: outcome.kind,
    name: outcome.name,
    arn: outcome.resourceArn,
    region: source.region,
    result: outcome.result,
    action: outcome.action,
    reason: outcome.reason,
    source: source.kind,
    ...(outcome.hourlyUsd !== undefined ? { hourlyUsd: outcome.hourlyUsd } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
  await deps.store.addDigestEntry(project.id, entry);
  return { status: 'recorded', outcome };
}

/** The live resource an event names: endpoints are described again (their plan needs details). */
async function liveResource(
  clients: AutoStopClients,
  handler: KindHandler<SageMakerClients>,
  change: { kind: Resource['kind']; arn: string; name: string; status: string },
  tags: Record<string, string>,
  ctx: RunContext,
): Promise<Resource | undefined> {
  if (change.kind !== 'endpoint') return { ...change, tags };
  const [live] = await handler.discover(clients, [{ arn: change.arn, tags }], ctx);
  return live;
}

/** One SageMaker state-change event. A stop that fails with a retryable error throws (Lambda retries). */
export async function handleStateChange(deps: GuardDeps, event: unknown): Promise<GuardResult> {
  const parsed = parseStateChange(event);
  if (!parsed.ok) return { status: 'ignored', reason: parsed.reason };
  const change = parsed.change;
  const clients = deps.clientsFor(change.region || deps.deploymentRegion);
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
  const handler = deps.handlers.find((h) => h.kinds.includes(change.kind));
  if (!handler) return { status: 'ignored', reason: `no handler for ${change.kind} in this build` };
  const ctx: RunContext = {
    project,
    settings: project.autoStop,
    notificationId: `guard:event:${change.eventId}`,
    now: deps.now,
  };
  const resource = await liveResource(clients, handler, change, tags, ctx);
  if (!resource) return { status: 'ignored', reason: `${change.kind} ${change.name} is gone` };
  const verdict = guardVerdict({
    state,
    settings: project.autoStop,
    resource,
    plan: (r, s) => handler.plan(r, s),
    now: deps.now(),
  });
  const result = await carryOut(deps, project, state.hold, verdict, clients, {
    kind: 'event',
    id: change.eventId,
    region: change.region,
  });
  if (result.status === 'recorded' && isRetryable(result.outcome))
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

/** Every held project, in every region it runs in: what the events missed. */
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
    const regions = projectRegions(project, deps.deploymentRegion);
    const recorded: Outcome[] = [];
    let duplicates = 0;
    for (const region of regions) {
      const clients = deps.clientsFor(region);
      const ctx: RunContext = {
        project,
        settings: project.autoStop,
        notificationId: `guard:sweep:${sweptAt}`,
        now: deps.now,
      };
      const { decisions } = await planProject(
        { policy: deps.policy, clients, handlers: deps.handlers },
        ctx,
      );
      const handled = await mapLimit(decisions, deps.concurrency ?? 4, async (d) => {
        const handler = deps.handlers.find((h) => h.kinds.includes(d.resource.kind));
        if (!handler) return undefined;
        const verdict = guardVerdict({
          state,
          settings: project.autoStop,
          resource: d.resource,
          plan: (r, s) => handler.plan(r, s),
          now: deps.now(),
        });
        return carryOut(deps, project, state.hold, verdict, clients, {
          kind: 'sweep',
          id: sweptAt,
          region,
        });
      });
      for (const r of handled) {
        if (r?.status === 'recorded') recorded.push(r.outcome);
        if (r?.status === 'duplicate') duplicates++;
      }
    }
    results.push({
      ...base,
      status: 'swept',
      reason: `held for period ${state.hold.periodId}`,
      regions,
      recorded,
      duplicates,
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
