/**
 * Step 5 of a run: carry out `act` decisions as discovery produces them. The first
 * `inlineActionLimit` run inline (bounded concurrency), the rest go in batches to the work queue;
 * stops that fail with a retryable error go to the queue too. Each inline action's audit item is
 * written as soon as it completes, so a timeout leaves a true record of what was done.
 */
import { Limiter, mapLimit } from '../shared/concurrency';
import type { AuditContext, AuditLog } from './audit';
import type { RegionClients } from './find-resources';
import { stopResource } from './stop';
import type {
  Decision,
  KindHandler,
  Outcome,
  Progress,
  RunContext,
  SageMakerClients,
} from './types';
import { DECISIONS_PER_MESSAGE, type WorkQueue, workMessages } from './work-queue';

type Act = Extract<Decision, { type: 'act' }>;

export interface ActDeps {
  readonly regions: ReadonlyMap<string, RegionClients>;
  readonly handlers: readonly KindHandler<SageMakerClients>[];
  /** Stop calls in flight at once. */
  readonly concurrency: number;
  readonly onProgress?: (progress: Progress) => void;
}

export interface ExecutorDeps extends ActDeps {
  /** Most `act` decisions done inline; more go to `workQueue`. */
  readonly inlineActionLimit: number;
  readonly audit?: AuditLog;
  readonly workQueue?: WorkQueue;
}

/** The region of a resource: its ARN's fourth field. */
function regionOf(arn: string): string {
  return arn.split(':')[3] ?? '';
}

/**
 * Carry out one `act` decision: registry kinds by name, others with their handler (`queued`:
 * the decision came from the work queue, so handlers that can re-read it first do).
 */
export function actOne(
  deps: ActDeps,
  d: Act,
  ctx: RunContext,
  options: { readonly queued?: boolean } = {},
): Promise<Outcome> {
  const clients = deps.regions.get(regionOf(d.resource.arn));
  const failed = (error: string): Promise<Outcome> =>
    Promise.resolve({
      resourceArn: d.resource.arn,
      kind: d.resource.kind,
      name: d.resource.name,
      priorState: d.resource.status,
      action: d.action,
      result: 'failed',
      reason: d.reason,
      error,
    });
  if (!clients)
    return failed(
      `NoClientsError: region ${regionOf(d.resource.arn)} is not among the policy's regions`,
    );
  const handler = deps.handlers.find((h) => h.kinds.includes(d.resource.kind));
  if (handler)
    return options.queued && handler.actQueued
      ? handler.actQueued(clients, d, ctx)
      : handler.act(clients, d, ctx);
  return stopResource(clients.sagemaker, d).catch((err: unknown) =>
    failed(`NoHandlerError: ${err instanceof Error ? err.message : String(err)}`),
  );
}

/** Carry out `act` decisions with bounded concurrency; one failure does not stop the rest. */
export function actAll(
  deps: ActDeps,
  decisions: readonly Act[],
  ctx: RunContext,
  options: { readonly queued?: boolean } = {},
): Promise<Outcome[]> {
  return mapLimit(
    decisions,
    deps.concurrency,
    (d) => actOne(deps, d, ctx, options),
    (done) => {
      if (done % 25 === 0 || done === decisions.length)
        deps.onProgress?.({ phase: 'act', done, total: decisions.length });
    },
  );
}

/** The outcome of a decision that is recorded, not carried out (dry-run, skip, report). */
export function passiveOutcome(d: Decision): Outcome {
  const r = d.resource;
  const base = { resourceArn: r.arn, kind: r.kind, name: r.name, priorState: r.status };
  if (d.type === 'act') return { ...base, action: d.action, result: 'would-do', reason: d.reason };
  if (d.type === 'report')
    return { ...base, action: 'report', result: 'reported', reason: d.reason };
  return { ...base, action: 'skip', result: 'skipped', reason: d.reason };
}

export class Executor {
  private inlineLeft: number;
  private readonly limiter: Limiter;
  private readonly inline: Promise<{ decision: Act; outcome: Outcome }>[] = [];
  private buffer: Act[] = [];
  private sending: Promise<void> = Promise.resolve();
  private done = 0;
  readonly queued: Act[] = [];
  readonly passive: Outcome[] = [];

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly ctx: RunContext,
    private readonly acting: boolean,
    private readonly auditContext: AuditContext,
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
        const run = this.limiter.run(async () => {
          const outcome = await actOne(this.deps, d, this.ctx);
          // Written before the next action starts in this slot: the record never lags far.
          if (!this.requeue(outcome)) await this.deps.audit?.put(this.auditContext, outcome);
          return { decision: d, outcome };
        });
        this.inline.push(
          run.then((r) => {
            this.done++;
            if (this.done % 25 === 0)
              this.deps.onProgress?.({ phase: 'act', done: this.done, total: this.inline.length });
            return r;
          }),
        );
      } else {
        this.buffer.push(d);
        if (this.buffer.length >= DECISIONS_PER_MESSAGE) this.flush();
      }
    }
  }

  /** A failure the worker should retry (throttling, 5xx) rather than one to report. */
  private requeue(outcome: Outcome): boolean {
    return (
      this.deps.workQueue !== undefined && outcome.result === 'failed' && outcome.retryable === true
    );
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
    this.sending.catch(() => {});
  }

  /** Waits for inline actions and queue sends; writes the passive outcomes' audit items. */
  async finish(): Promise<Outcome[]> {
    this.flush();
    const results = await Promise.all(this.inline);
    if (this.inline.length > 0)
      this.deps.onProgress?.({ phase: 'act', done: this.inline.length, total: this.inline.length });
    this.buffer = results.filter((r) => this.requeue(r.outcome)).map((r) => r.decision);
    this.flush();
    await this.sending;
    if (this.queued.length > 0)
      this.deps.onProgress?.({ phase: 'queue', queued: this.queued.length });
    await this.deps.audit?.write(this.auditContext, this.passive);
    return [
      ...results.filter((r) => !this.requeue(r.outcome)).map((r) => r.outcome),
      ...this.passive,
    ];
  }
}
