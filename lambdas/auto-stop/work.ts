/**
 * The worker's orchestrator: for each work message, re-read every resource (status by describe,
 * tags by GetResources), re-decide with the project's current mode and exemptions, act on what
 * still needs it and audit each result. Every dependency is a parameter.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { isResourceNotFound } from '../shared/errors';
import type { ChangeEventSink } from '../shared/eventbridge';
import { isStoppable, KIND_SPECS } from '../shared/sagemaker-kinds';
import { readTagsOfArns } from '../shared/tagging';
import type { AuditLog } from './audit';
import { projectChangeDetails } from './change-events';
import { type ActDeps, actAll } from './executor';
import { type LiveState, recheck } from './recheck';
import type { Decision, Outcome, RunContext } from './types';
import { decisionsOf, type WorkMessage, WorkMessageSchema } from './work-queue';

export interface WorkDeps extends ActDeps {
  readonly policy: GuardrailsPolicy;
  readonly audit?: AuditLog;
  readonly now: () => Date;
}

export type WorkResult =
  | { readonly ok: false; readonly problem: string }
  | { readonly ok: true; readonly outcomes: Outcome[] };

type Act = Extract<Decision, { type: 'act' }>;

/** Live status (describe) and tags (one GetResources call per region) of the queued resources. */
async function liveStates(deps: WorkDeps, queued: readonly Act[]): Promise<LiveState[]> {
  const regionOf = (arn: string) => arn.split(':')[3] ?? '';
  const tagsByArn = new Map<string, Readonly<Record<string, string>>>();
  for (const region of new Set(queued.map((d) => regionOf(d.resource.arn)))) {
    const clients = deps.regions.get(region);
    if (!clients) continue;
    const arns = queued
      .filter((d) => regionOf(d.resource.arn) === region)
      .map((d) => d.resource.arn);
    for (const r of (await readTagsOfArns(clients.tagging, arns)).resources)
      tagsByArn.set(r.arn, r.tags);
  }
  return Promise.all(
    queued.map(async (d): Promise<LiveState> => {
      const clients = deps.regions.get(regionOf(d.resource.arn));
      const tags = tagsByArn.get(d.resource.arn) ?? {};
      const spec = KIND_SPECS[d.resource.kind];
      if (!clients || !isStoppable(spec)) return { status: d.resource.status, tags };
      try {
        const live = await spec.describe(clients.sagemaker, d.resource.name);
        return { status: live.status, tags };
      } catch (err) {
        if (isResourceNotFound(err)) return 'gone';
        throw err;
      }
    }),
  );
}

export async function processWorkMessage(
  deps: WorkDeps,
  message: WorkMessage,
): Promise<WorkResult> {
  const project = deps.policy.projects.find((p) => p.id === message.projectId);
  if (!project)
    return { ok: false, problem: `project "${message.projectId}" is not in the policy` };
  const ctx: RunContext = {
    project,
    settings: project.autoStop,
    notificationId: message.notificationId,
    now: deps.now,
  };
  const queued = decisionsOf(message);
  const live = await liveStates(deps, queued);
  const now = deps.now();
  const decisions = queued.map((d, i) =>
    recheck(d, live[i] ?? 'gone', project, deps.policy.organisation.projectTagKey, now),
  );
  const acts = decisions.filter((d): d is Act => d.type === 'act');
  const acted = await actAll(deps, acts, ctx, { queued: true });
  const skipped: Outcome[] = decisions
    .filter((d) => d.type !== 'act')
    .map((d) => ({
      resourceArn: d.resource.arn,
      kind: d.resource.kind,
      name: d.resource.name,
      priorState: d.resource.status,
      action: 'skip',
      result: 'skipped',
      reason: d.reason,
    }));
  const outcomes = [...acted, ...skipped];
  await deps.audit?.write(
    { projectId: project.id, notificationId: message.notificationId, time: now },
    outcomes,
  );
  return { ok: true, outcomes };
}

export interface WorkBatchDeps extends WorkDeps {
  readonly logger: {
    info(message: string, extra?: Record<string, unknown>): void;
    error(message: string, extra?: Record<string, unknown>): void;
  };
  readonly count: (metric: string, value?: number) => void;
  readonly emitOutcomes: (outcomes: readonly Outcome[]) => void;
  /** Sends the batch's change events (never rejects: a failure is logged and counted). */
  readonly changeEvents?: ChangeEventSink;
}

/** Processes a batch of work messages; failed ones are returned for redelivery. */
export async function handleWorkBatch(
  deps: WorkBatchDeps,
  event: SQSEvent,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const processed: { projectId: string; outcomes: readonly Outcome[] }[] = [];
  for (const record of event.Records ?? []) {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const parsed = WorkMessageSchema.safeParse(body);
    if (!parsed.success) {
      // Kept (not dropped): after maxReceiveCount it lands in the DLQ for a person to read.
      deps.logger.error('Unreadable work message', {
        messageId: record.messageId,
        error: parsed.error.message,
      });
      deps.count('workMessagesRejected');
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const result = await processWorkMessage(deps, parsed.data);
    if (!result.ok) {
      deps.logger.error('Work message refused', {
        messageId: record.messageId,
        problem: result.problem,
      });
      deps.count('workMessagesRejected');
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    deps.emitOutcomes(result.outcomes);
    processed.push({ projectId: parsed.data.projectId, outcomes: result.outcomes });
    const failed = result.outcomes.filter((o) => o.result === 'failed');
    deps.logger.info('Work message processed', {
      messageId: record.messageId,
      notificationId: parsed.data.notificationId,
      project: parsed.data.projectId,
      actions: result.outcomes.length,
      failed: failed.length,
    });
    if (failed.length > 0) batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  for (const detail of projectChangeDetails(
    processed,
    'queued auto-stop work carried out by the worker',
  ))
    await deps.changeEvents?.(detail);
  return { batchItemFailures };
}
