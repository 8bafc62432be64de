/**
 * The router's work for one invocation, with every dependency injected: parse every record,
 * look up what EventBridge events do not say (DescribeAlarms, cached), decide with the pure
 * `route`, then page, resolve, hold or drop, and tell the Consulted and Informed. `handler.ts`
 * wires the real clients.
 *
 * Delivery is durable and ordered per dedup key. A page is sent at once with a few seconds of
 * retries; when PagerDuty still answers 429 or 5xx (or the routing key cannot be read), the event
 * joins its dedup key's chain in the hold table and a delivery message goes to the hold queue,
 * delayed to a send slot reserved on the service at PagerDuty's rate per routing key. While a
 * chain exists, every later event of that dedup key joins it, so a resolve never overtakes its
 * trigger. A chain still failing after `maxDeliveryAttempts` fails its message, which SQS then
 * moves to the hold dead-letter queue (and its depth alarm pages out of band).
 *
 * Input that cannot be understood makes the invocation fail after all records were tried, so
 * Lambda's retries and then the on-failure queue keep the event. Hold-queue (SQS) batches report
 * partial failures, so only the failed messages come back.
 */

import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { mapSettled } from '../shared/concurrency';
import { errorMessage } from '../shared/errors';
import { type AlarmChange, AlarmParseError, parseAlarmInput } from './alarm-event';
import {
  autoStopChange,
  type ChangeDecision,
  heartbeatChange,
  parseGuardrailsEvent,
} from './change-events';
import {
  type DeliveryMessage,
  DeliveryMessageSchema,
  type HeldAlarm,
  HeldAlarmSchema,
  type HoldStore,
  type Notification,
  type PendingEvent,
} from './hold';
import { notificationFor } from './notify';
import {
  capEvent,
  changeEventsUrl,
  PagerDutyRejectedError,
  PagerDutyRetryableError,
  postOnce,
  type SendOptions,
  sendEvent,
  toPagerDutyEvent,
} from './pagerduty';
import { type AlarmLookup, type RouteDecision, route, truncate } from './route';

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
  | 'alarmsUnclassified'
  | 'alarmsOutOfScope'
  | 'pagesSent'
  | 'pagesResolved'
  | 'pagesFailed'
  | 'pagesHeld'
  | 'pagesQueued'
  | 'pagesSuppressed'
  | 'pagesSummarised'
  | 'notificationsSent'
  | 'notificationsFailed'
  | 'changeEventsSent'
  | 'heartbeatsDelivered';

export interface RouterDeps {
  readonly policy: GuardrailsPolicy;
  /** The routing key stored in the named secret (cached, last good key kept by the caller). */
  routingKey(secretName: string): Promise<string>;
  readonly fetch: typeof fetch;
  readonly eventsApiUrl: string;
  readonly hold: HoldStore;
  now(): Date;
  /** Milliseconds this invocation may still spend. */
  budgetMs(): number;
  readonly logger: RouterLogger;
  count(metric: RouterMetric, value?: number): void;
  /** DescribeAlarms for EventBridge alarms (cached); omitted: no lookup. */
  lookupAlarm?(name: string): Promise<AlarmLookup>;
  /** The account the router runs in; alarms of other accounts page nobody. */
  readonly ownAccount?: string;
  /** Publishes a C/I notification; returns the teams it could not reach. */
  notify?(notification: Notification): Promise<string[]>;
  /** Records handled at once within one invocation. @default 4 */
  readonly concurrency?: number;
  /** Retries of a live send before it goes to the hold queue, in ms. @default 2000 */
  readonly liveRetryMs?: number;
  /** Delivery attempts through the hold queue before its dead-letter queue. @default 12 */
  readonly maxDeliveryAttempts?: number;
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

/** The ms between two events on one routing key at PagerDuty's rate. */
function intervalMs(policy: GuardrailsPolicy): number {
  return Math.ceil(60_000 / policy.paging.eventsPerMinutePerKey);
}

/**
 * Wait before delivery attempt `attempt` + 1 after a 5xx or network error: 15 s doubling, capped
 * at 15 minutes (the SQS delay maximum), so an outage of an hour or more is ridden out within
 * the default 12 attempts. A 429 waits for its paced slot only: the key is up, just busy.
 */
export function deliveryBackoffMs(attempt: number, throttled: boolean): number {
  return throttled ? 0 : Math.min(900_000, 15_000 * 2 ** (attempt - 1));
}

/** Schedules the chain of a dedup key at the service's next free slot, after the backoff. */
async function scheduleChain(
  dedupKey: string,
  service: string,
  attempt: number,
  backoffMs: number,
  deps: RouterDeps,
): Promise<void> {
  const now = deps.now();
  const slot = await deps.hold.reserveSlot(service, intervalMs(deps.policy), now);
  const notBefore = new Date(Math.max(slot.getTime(), now.getTime() + backoffMs));
  await deps.hold.scheduleDelivery(
    { version: 1, kind: 'deliver', dedupKey, attempt, notBefore: notBefore.toISOString() },
    now,
  );
}

/** True for PagerDuty's "too many requests" (the key is busy, not broken). */
function isThrottled(err: unknown): boolean {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  return cause instanceof PagerDutyRetryableError && cause.status === 429;
}

/** What happens after PagerDuty accepted an event: C/I notifications once per trigger. */
async function afterDelivered(dedupKey: string, event: PendingEvent, deps: RouterDeps) {
  deps.count(event.action === 'resolve' ? 'pagesResolved' : 'pagesSent');
  if (event.action === 'resolve') {
    await deps.hold.releaseNotification(dedupKey);
    return;
  }
  const n = event.notification;
  if (!n || !deps.notify) return;
  if (!(await deps.hold.claimNotification(dedupKey, event.stateChangeTime))) return;
  try {
    const failed = await deps.notify(n);
    deps.count('notificationsSent', n.teams.length - failed.length);
    if (failed.length > 0) {
      deps.count('notificationsFailed', failed.length);
      deps.logger.warn('C/I notification not delivered to some teams', { dedupKey, teams: failed });
    }
  } catch (err) {
    // The page itself went out; a failed notification must not fail (and re-send) it.
    deps.count('notificationsFailed', n.teams.length);
    deps.logger.warn('C/I notification failed', { dedupKey, problem: errorMessage(err) });
  }
}

function pendingEventOf(decision: RouteDecision, stateChangeTime: string): PendingEvent {
  const { routing_key: _key, ...body } = toPagerDutyEvent(decision, '');
  return {
    id: `${stateChangeTime}#${decision.action}`,
    stateChangeTime,
    action: decision.action === 'resolve' ? 'resolve' : 'trigger',
    service: decision.service,
    routingKeySecret: decision.routingKeySecret,
    body,
    notification: notificationFor(decision),
  };
}

/** Sends now, or joins the dedup key's chain for durable, ordered delivery. */
async function deliver(
  decision: RouteDecision,
  stateChangeTime: string,
  deps: RouterDeps,
): Promise<'sent' | 'queued'> {
  const event = pendingEventOf(decision, stateChangeTime);
  const queue = async (why: string, throttled: boolean) => {
    const { first } = await deps.hold.appendPending(decision.dedupKey, event);
    if (first)
      await scheduleChain(
        decision.dedupKey,
        decision.service,
        1,
        deliveryBackoffMs(1, throttled),
        deps,
      );
    deps.count('pagesQueued');
    deps.logger.warn(`${decision.action} queued for durable delivery: ${why}`, {
      dedupKey: decision.dedupKey,
      service: decision.service,
    });
    return 'queued' as const;
  };
  if (await deps.hold.hasPending(decision.dedupKey))
    return queue('earlier events of this alarm are still waiting (order per dedup key)', true);
  try {
    const key = await deps.routingKey(decision.routingKeySecret);
    await sendEvent(
      { ...(event.body as object), routing_key: key } as Parameters<typeof sendEvent>[0],
      {
        fetch: deps.fetch,
        url: deps.eventsApiUrl,
        budgetMs: Math.min(deps.liveRetryMs ?? 2000, deps.budgetMs()),
        logger: deps.logger,
        ...deps.sendOptions,
      },
    );
  } catch (err) {
    if (err instanceof PagerDutyRejectedError) {
      deps.count('pagesFailed');
      throw err;
    }
    return queue(errorMessage(err), isThrottled(err));
  }
  await afterDelivered(decision.dedupKey, event, deps);
  return 'sent';
}

/** The one-minute window a trigger counts in (per-team rate limit). */
function minuteWindow(now: Date): string {
  return `${now.toISOString().slice(0, 16)}:00Z`;
}

/** Beyond the team's rate: the first excess trigger becomes one summary page, the rest are logged. */
async function overTeamLimit(decision: RouteDecision, deps: RouterDeps): Promise<boolean> {
  const limit = deps.policy.paging.pagesPerTeamPerMinute;
  if (limit <= 0) return false;
  const window = minuteWindow(deps.now());
  const n = await deps.hold.countTrigger(decision.team, window);
  if (n <= limit) return false;
  deps.count('pagesSummarised');
  deps.logger.warn('over the team rate limit: not paged on its own (see the summary page)', {
    team: decision.team,
    alarmName: decision.alarmName,
    dedupKey: decision.dedupKey,
    summary: decision.summary,
  });
  if (n === limit + 1) {
    const summary: RouteDecision = {
      ...decision,
      dedupKey: `ml-guardrails/rate-limit/${decision.team}/${window}`,
      summary: truncate(
        `ml-guardrails: more than ${limit} pages for ${decision.team} in the minute from ${window}; further alarms in it are summarised here, not paged one by one (router logs list them)`,
        1024,
      ),
      severity: 'critical',
      notify: [],
      customDetails: {
        rateLimit: limit,
        window,
        team: decision.team,
        firstSummarised: decision.alarmName,
      },
    };
    await deliver(summary, window, deps);
  }
  return true;
}
/** What DescribeAlarms adds for this alarm (EventBridge only: SNS proves the action fired). */
async function lookupFor(alarm: AlarmChange, deps: RouterDeps): Promise<AlarmLookup | undefined> {
  if (alarm.via === 'eventbridge' && deps.lookupAlarm) return deps.lookupAlarm(alarm.alarmName);
  if (alarm.via === 'sns')
    return {
      status: 'not-needed',
      why: "the alarm's own action published it to the alarms topic, so its actions are enabled",
    };
  return undefined;
}

/** Decides and acts on one alarm; `held` is set when it comes back from the hold queue. */
export async function handleAlarm(
  alarm: AlarmChange,
  deps: RouterDeps,
  held?: HeldAlarm,
): Promise<RouteDecision> {
  const lookup = await lookupFor(alarm, deps);
  const decision = route(alarm, deps.policy, deps.now(), { lookup, ownAccount: deps.ownAccount });
  const keys = {
    alarmName: decision.alarmName,
    state: decision.state,
    action: decision.action,
    scope: decision.scope,
    incidentType: decision.incidentType,
    team: decision.team,
    service: decision.service,
    severity: decision.severity,
    dedupKey: decision.dedupKey,
    withinCoverage: decision.withinCoverage,
    reason: decision.reason,
  };
  if (decision.scope === 'unclassified') deps.count('alarmsUnclassified');
  if (
    decision.action === 'none' &&
    decision.scope !== 'classified' &&
    decision.scope !== 'unclassified'
  )
    deps.count('alarmsOutOfScope');
  if (held && !(await deps.hold.isCurrent(alarm, decision.dedupKey))) {
    deps.logger.info('held alarm superseded (it recovered or changed state): not paged', keys);
    deps.count('pagesSuppressed');
    return { ...decision, action: 'none', reason: `${decision.reason}; superseded while held` };
  }
  if (!held && decision.action !== 'none') {
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
      if (held) await deps.hold.release(decision.dedupKey, alarm.stateChangeTime);
      return decision;
    case 'hold': {
      const until = new Date(decision.holdUntil ?? deps.now().toISOString());
      if (held) await deps.hold.recheck({ ...held, holdUntil: until.toISOString() }, deps.now());
      else await deps.hold.hold(alarm, decision.dedupKey, until, deps.now());
      deps.logger.info('page held until the coverage window opens', keys);
      if (!held) deps.count('pagesHeld');
      return decision;
    }
    case 'trigger':
    case 'resolve': {
      if (decision.action === 'trigger' && (await overTeamLimit(decision, deps)))
        return {
          ...decision,
          action: 'none',
          reason: `${decision.reason}; over ${decision.team}'s rate limit (${deps.policy.paging.pagesPerTeamPerMinute}/min): summarised`,
        };
      const outcome = await deliver(decision, alarm.stateChangeTime, deps);
      deps.logger.info(
        outcome === 'queued'
          ? 'queued for delivery'
          : decision.action === 'resolve'
            ? 'alert resolved'
            : 'page sent',
        keys,
      );
      // A resolve cancels a trigger still waiting in the hold queue for this alarm.
      if (decision.action === 'resolve' && teamHolds(deps.policy, decision.team))
        await deps.hold.release(decision.dedupKey);
      if (held) await deps.hold.release(decision.dedupKey, alarm.stateChangeTime);
      return decision;
    }
  }
}

/** Sends a change event (auto-stop action, heartbeat); throws when it could not be delivered. */
async function sendChange(change: ChangeDecision, deps: RouterDeps): Promise<void> {
  const key = await deps.routingKey(change.routingKeySecret);
  await sendEvent(
    capEvent({
      routing_key: key,
      payload: {
        summary: change.summary,
        source: change.source,
        timestamp: change.timestamp,
        custom_details: change.customDetails,
      },
    }),
    {
      fetch: deps.fetch,
      url: changeEventsUrl(deps.eventsApiUrl),
      budgetMs: Math.min(20_000, deps.budgetMs()),
      logger: deps.logger,
      ...deps.sendOptions,
    },
  );
}

/**
 * Delivers the chain of one dedup key from the hold queue, oldest first, one attempt each; on
 * 429, 5xx or a network error the chain is rescheduled at the service's next slot.
 */
export async function handleDelivery(message: DeliveryMessage, deps: RouterDeps): Promise<void> {
  const now = deps.now();
  // SQS delays at most 15 minutes: a later slot comes back early and is put back.
  if (Date.parse(message.notBefore) - now.getTime() > 1000) {
    await deps.hold.scheduleDelivery(message, now);
    return;
  }
  const chain = await deps.hold.pending(message.dedupKey);
  const latest = await deps.hold.latestTime(message.dedupKey);
  for (let i = 0; i < chain.length; i++) {
    const event = chain[i] as PendingEvent;
    const last = i === chain.length - 1;
    // A trigger whose newer state change was sent without queueing (a race with this chain's
    // creation) would open an alert nothing resolves: drop it.
    if (
      last &&
      event.action === 'trigger' &&
      latest !== undefined &&
      latest > event.stateChangeTime
    ) {
      await deps.hold.popPending(message.dedupKey, event.id);
      deps.count('pagesSuppressed');
      deps.logger.warn('queued trigger superseded by a newer state change: not sent', {
        dedupKey: message.dedupKey,
      });
      continue;
    }
    try {
      const key = await deps.routingKey(event.routingKeySecret);
      await postOnce(
        { ...(event.body as { dedup_key: string }), routing_key: key },
        {
          fetch: deps.fetch,
          url: deps.eventsApiUrl,
          logger: deps.logger,
          requestTimeoutMs: deps.sendOptions?.requestTimeoutMs,
        },
      );
    } catch (err) {
      if (err instanceof PagerDutyRejectedError) {
        // Invalid for good: drop it from the chain (pagesFailed alarms), keep the rest moving.
        await deps.hold.popPending(message.dedupKey, event.id);
        deps.count('pagesFailed');
        continue;
      }
      const max = deps.maxDeliveryAttempts ?? 12;
      if (message.attempt >= max) {
        deps.count('pagesFailed');
        throw new Error(
          `delivery of ${message.dedupKey} still failing after ${message.attempt} attempts: ${errorMessage(err)}`,
        );
      }
      await scheduleChain(
        message.dedupKey,
        event.service,
        message.attempt + 1,
        deliveryBackoffMs(message.attempt + 1, isThrottled(err)),
        deps,
      );
      return;
    }
    await deps.hold.popPending(message.dedupKey, event.id);
    await afterDelivered(message.dedupKey, event, deps);
  }
}

/** Handles an SNS or EventBridge invocation: every record, then fails if any record failed. */
export async function handleAlarmEvent(
  event: unknown,
  deps: RouterDeps,
): Promise<InvocationSummary> {
  const own = parseGuardrailsEvent(event);
  if (own) {
    if (own.kind === 'invalid') {
      deps.logger.error('guardrails event not understood', { problem: own.error });
      throw new AlarmDeliveryError([{ index: 0, message: own.error }]);
    }
    const change =
      own.kind === 'heartbeat'
        ? heartbeatChange(own.time, deps.policy)
        : autoStopChange(own.detail, own.time, deps.policy);
    await sendChange(change, deps);
    deps.count(own.kind === 'heartbeat' ? 'heartbeatsDelivered' : 'changeEventsSent');
    deps.logger.info('change event sent', {
      kind: own.kind,
      service: change.service,
      summary: change.summary,
    });
    return { records: 1, decisions: [], ignored: 0 };
  }
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
      const message = errorMessage(r.reason);
      deps.logger.error('alarm record failed', { recordIndex: index, problem: message });
      failures.push({ index, message });
    }
  });
  if (failures.length > 0) throw new AlarmDeliveryError(failures);
  return { records: parsed.length, decisions, ignored };
}

/** Handles a batch from the hold queue (held pages and deliveries); failed messages come back. */
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
    if ((body as { kind?: unknown })?.kind === 'deliver')
      return handleDelivery(DeliveryMessageSchema.parse(body), deps);
    const held = HeldAlarmSchema.parse(body);
    return handleAlarm(held.alarm, deps, held);
  });
  const batchItemFailures = event.Records.flatMap((record, i) => {
    const r = results[i];
    if (r?.status !== 'rejected') return [];
    deps.logger.error('hold-queue message failed: SQS will redeliver it', {
      messageId: record.messageId,
      problem: errorMessage(r.reason),
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
