/**
 * The router's work for one invocation, with every dependency injected: parse every record,
 * decide with the pure `route`, then page, resolve or hold. `handler.ts` wires the real clients.
 *
 * Failure semantics: input that cannot be understood and pages that could not be delivered make
 * the invocation fail after all records were tried, so Lambda's retries and then the on-failure
 * queue keep the event (nothing is dropped). Re-sending records that already succeeded is safe:
 * PagerDuty merges events with the same dedup key into the open alert. Hold-queue (SQS) batches
 * report partial failures instead, so only the failed messages come back.
 */

import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { mapSettled } from '../shared/concurrency';
import { type AlarmChange, AlarmParseError, parseAlarmInput } from './alarm-event';
import { type HeldAlarm, HeldAlarmSchema, type HoldStore } from './hold';
import { type SendOptions, sendEvent, toPagerDutyEvent } from './pagerduty';
import { type RouteDecision, route } from './route';

export interface RouterLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown> | Error): void;
}

/** Business-event counters; the handler maps them to EMF metrics. */
export type RouterMetric =
  | 'alarmsReceived'
  | 'alarmsInvalid'
  | 'alarmsIgnored'
  | 'pagesSent'
  | 'pagesResolved'
  | 'pagesFailed'
  | 'pagesHeld'
  | 'pagesSuppressed';

export interface RouterDeps {
  readonly policy: GuardrailsPolicy;
  /** The routing key stored in the named secret (cached by the caller). */
  routingKey(secretName: string): Promise<string>;
  readonly fetch: typeof fetch;
  readonly eventsApiUrl: string;
  readonly hold?: HoldStore;
  now(): Date;
  /** Milliseconds this invocation may still spend on PagerDuty retries. */
  budgetMs(): number;
  readonly logger: RouterLogger;
  count(metric: RouterMetric, value?: number): void;
  /** Records handled at once within one invocation. @default 4 */
  readonly concurrency?: number;
  /** Overrides for the retry timing (tests, benchmark). */
  readonly sendOptions?: Partial<SendOptions>;
}

/** Thrown at the end of an invocation in which some records failed; lists them all. */
export class AlarmDeliveryError extends Error {
  override readonly name = 'AlarmDeliveryError';
  constructor(readonly failures: readonly { index: number; message: string }[]) {
    super(
      `${failures.length} alarm record(s) failed: ${failures
        .slice(0, 10)
        .map((f) => `#${f.index}: ${f.message}`)
        .join(' | ')}`,
    );
  }
}

export interface InvocationSummary {
  readonly records: number;
  readonly decisions: readonly RouteDecision[];
  readonly ignored: number;
}

function teamHolds(policy: GuardrailsPolicy, teamId: string): boolean {
  return policy.teams.find((t) => t.id === teamId)?.onCall.afterHours === 'hold';
}

async function deliver(decision: RouteDecision, deps: RouterDeps): Promise<void> {
  try {
    // Inside the try: a missing or malformed secret is a failed page too.
    const key = await deps.routingKey(decision.routingKeySecret);
    await sendEvent(toPagerDutyEvent(decision, key), {
      fetch: deps.fetch,
      url: deps.eventsApiUrl,
      budgetMs: deps.budgetMs(),
      logger: deps.logger,
      ...deps.sendOptions,
    });
  } catch (err) {
    deps.count('pagesFailed');
    throw err;
  }
  deps.count(decision.action === 'resolve' ? 'pagesResolved' : 'pagesSent');
}

/** Decides and acts on one alarm; `held` is set when it comes back from the hold queue. */
export async function handleAlarm(
  alarm: AlarmChange,
  deps: RouterDeps,
  held?: HeldAlarm,
): Promise<RouteDecision> {
  const decision = route(alarm, deps.policy, deps.now());
  const keys = {
    alarmName: decision.alarmName,
    state: decision.state,
    action: decision.action,
    incidentType: decision.incidentType,
    team: decision.team,
    service: decision.service,
    severity: decision.severity,
    dedupKey: decision.dedupKey,
    withinCoverage: decision.withinCoverage,
    reason: decision.reason,
  };
  if (held && deps.hold && !(await deps.hold.isCurrent(alarm, decision.dedupKey))) {
    deps.logger.info('held alarm superseded (it recovered or changed state): not paged', keys);
    deps.count('pagesSuppressed');
    return { ...decision, action: 'none', reason: `${decision.reason}; superseded while held` };
  }
  if (!held && decision.action !== 'none' && deps.hold) {
    if (!(await deps.hold.claimLatest(alarm, decision.dedupKey))) {
      deps.logger.warn('stale state change (a newer one was already handled): not sent', keys);
      deps.count('pagesSuppressed');
      return {
        ...decision,
        action: 'none',
        reason: `${decision.reason}; stale: a newer state change was already handled`,
      };
    }
  }
  switch (decision.action) {
    case 'none':
      deps.logger.info('no page', keys);
      deps.count('alarmsIgnored');
      if (held) await deps.hold?.release(decision.dedupKey, alarm.stateChangeTime);
      return decision;
    case 'hold': {
      if (!deps.hold) {
        // Without a hold store, never lose the page: send it at low urgency instead.
        deps.logger.warn('hold requested but no hold queue configured: paging as warning', keys);
        const fallback: RouteDecision = { ...decision, action: 'trigger', severity: 'warning' };
        await deliver(fallback, deps);
        return fallback;
      }
      const until = new Date(decision.holdUntil ?? deps.now().toISOString());
      if (held) await deps.hold.recheck({ ...held, holdUntil: until.toISOString() }, deps.now());
      else await deps.hold.hold(alarm, decision.dedupKey, until, deps.now());
      deps.logger.info('page held until the coverage window opens', keys);
      if (!held) deps.count('pagesHeld');
      return decision;
    }
    case 'trigger':
    case 'resolve':
      await deliver(decision, deps);
      deps.logger.info(decision.action === 'resolve' ? 'alert resolved' : 'page sent', keys);
      // A resolve cancels a trigger still waiting in the hold queue for this alarm.
      if (decision.action === 'resolve' && deps.hold && teamHolds(deps.policy, decision.team))
        await deps.hold.release(decision.dedupKey);
      if (held) await deps.hold?.release(decision.dedupKey, alarm.stateChangeTime);
      return decision;
  }
}

/** Handles an SNS or EventBridge invocation: every record, then fails if any record failed. */
export async function handleAlarmEvent(
  event: unknown,
  deps: RouterDeps,
): Promise<InvocationSummary> {
  const parsed = parseAlarmInput(event);
  const failures: { index: number; message: string }[] = [];
  let ignored = 0;
  const alarms: { index: number; alarm: AlarmChange }[] = [];
  for (const p of parsed) {
    if (p.kind === 'invalid') {
      deps.logger.error('alarm record not understood: kept for the dead-letter queue', {
        recordIndex: p.index,
        problem: p.error.message,
      });
      deps.count('alarmsInvalid');
      failures.push({ index: p.index, message: p.error.message });
    } else if (p.kind === 'ignored') {
      deps.logger.info('event ignored', { recordIndex: p.index, reason: p.reason });
      ignored++;
    } else alarms.push(p);
  }
  deps.count('alarmsReceived', alarms.length);
  const results = await mapSettled(alarms, deps.concurrency ?? 4, ({ alarm }) =>
    handleAlarm(alarm, deps),
  );
  const decisions: RouteDecision[] = [];
  results.forEach((r, i) => {
    const index = alarms[i]?.index ?? i;
    if (r.status === 'fulfilled') decisions.push(r.value);
    else {
      const message = r.reason instanceof Error ? r.reason.message : String(r.reason);
      deps.logger.error('alarm record failed', { recordIndex: index, problem: message });
      failures.push({ index, message });
    }
  });
  if (failures.length > 0) throw new AlarmDeliveryError(failures);
  return { records: parsed.length, decisions, ignored };
}

/** Handles a batch from the hold queue; failed messages are reported for SQS to redeliver. */
export async function handleHoldBatch(
  event: SQSEvent,
  deps: RouterDeps,
): Promise<SQSBatchResponse> {
  const results = await mapSettled(event.Records, deps.concurrency ?? 4, async (record) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new AlarmParseError(`hold message ${record.messageId}: body is not JSON`);
    }
    const held = HeldAlarmSchema.parse(body);
    return handleAlarm(held.alarm, deps, held);
  });
  const batchItemFailures = event.Records.flatMap((record, i) => {
    const r = results[i];
    if (r?.status !== 'rejected') return [];
    deps.logger.error('held alarm failed: SQS will redeliver it', {
      messageId: record.messageId,
      problem: r.reason instanceof Error ? r.reason.message : String(r.reason),
    });
    return [{ itemIdentifier: record.messageId }];
  });
  return { batchItemFailures };
}

/** True for an SQS event (the hold queue) rather than SNS or EventBridge. */
export function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown })?.Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    (records[0] as { eventSource?: unknown })?.eventSource === 'aws:sqs'
  );
}
