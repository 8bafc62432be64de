/**
 * PagerDuty Events API v2 adapter: builds alert and change events and sends them. `fetch` and
 * the URL are parameters, so tests and the benchmark use a local server.
 *
 * PagerDuty developer docs, "Events API v2 Overview" and "Send an Alert Event": 202 means
 * queued; 400 is an invalid event and is never retried (its `errors` are logged); 429 (about 120
 * events per minute per routing key, PagerDuty community answer "Events - 120/min (enforced
 * per-integration-key)") and 5xx are retried. Change events go to `/v2/change/enqueue` and appear
 * on the service's timeline without paging ("Send a Change Event"). Retries inside one
 * invocation use the shared `retry` helper for a few seconds only; longer outages are the
 * router's durable delivery (the hold queue). The routing key is never logged or put in errors.
 */
import { isRetryableError, retry } from '../shared/retry';
import type { RouteDecision } from './route';

/** The Events API v2 request body. */
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: RouteDecision['severity'];
    readonly timestamp?: string;
    readonly component?: string;
    readonly group?: string;
    readonly class?: string;
    readonly custom_details?: Readonly<Record<string, unknown>>;
  };
  readonly links?: readonly { readonly href: string; readonly text: string }[];
  readonly client?: string;
  readonly client_url?: string;
}

/** A change event body (`POST /v2/change/enqueue`). */
export interface PagerDutyChangeEvent {
  readonly routing_key: string;
  readonly payload: {
    readonly summary: string;
    readonly source?: string;
    readonly timestamp?: string;
    readonly custom_details?: Readonly<Record<string, unknown>>;
  };
  readonly links?: readonly { readonly href: string; readonly text: string }[];
}

/**
 * Our cap on one event's JSON: PagerDuty accepts up to 512 KB per event; a page needs far less,
 * and a smaller cap keeps a hostile alarm from filling the hold table and logs.
 */
export const MAX_EVENT_BYTES = 64 * 1024;

/** The change-events URL next to an alert-events URL (`/v2/enqueue` -> `/v2/change/enqueue`). */
export function changeEventsUrl(eventsApiUrl: string): string {
  return eventsApiUrl.replace(/\/v2\/enqueue$/, '/v2/change/enqueue');
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Keeps an event under MAX_EVENT_BYTES by replacing oversized custom details with a digest. */
export function capEvent<
  T extends { payload?: { custom_details?: Readonly<Record<string, unknown>> } },
>(event: T): T {
  if (bytes(event) <= MAX_EVENT_BYTES || !event.payload) return event;
  const details = event.payload.custom_details ?? {};
  const kept: Record<string, unknown> = {
    truncated: `custom details over ${MAX_EVENT_BYTES} bytes were cut`,
  };
  // The routing facts first; alarm-supplied text last (it is what makes an event large).
  for (const key of ['incidentType', 'team', 'model', 'project', 'runbook', 'routing', 'console']) {
    if (key in details) kept[key] = details[key];
  }
  const capped = { ...event, payload: { ...event.payload, custom_details: kept } };
  if (bytes(capped) <= MAX_EVENT_BYTES) return capped;
  return {
    ...capped,
    payload: { ...capped.payload, custom_details: { truncated: kept.truncated } },
  };
}

/** Builds the event for a trigger or resolve decision (resolve needs only key and dedup key). */
export function toPagerDutyEvent(decision: RouteDecision, routingKey: string): PagerDutyEvent {
  if (decision.action === 'resolve')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: decision.dedupKey };
  return capEvent({
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: decision.dedupKey,
    payload: {
      summary: decision.summary,
      source: decision.source,
      severity: decision.severity,
      timestamp: decision.timestamp,
      component: decision.component,
      group: decision.group,
      class: decision.class,
      custom_details: decision.customDetails,
    },
    links: [
      { href: decision.consoleUrl, text: 'CloudWatch alarm' },
      ...(decision.runbook ? [{ href: decision.runbook, text: 'Runbook' }] : []),
    ],
    client: 'ml-guardrails',
    client_url: decision.consoleUrl,
  });
}

/** Base class of delivery failures; the message never contains the routing key. */
export class PagerDutyError extends Error {
  override readonly name: string = 'PagerDutyError';
}

/** PagerDuty answered 400: the event is invalid (or the routing key unknown); retrying cannot help. */
export class PagerDutyRejectedError extends PagerDutyError {
  override readonly name = 'PagerDutyRejectedError';
  constructor(
    message: string,
    readonly errors: readonly string[],
  ) {
    super(message);
  }
}

/** One attempt failed in a way worth retrying (429, 5xx, network). */
export class PagerDutyRetryableError extends PagerDutyError {
  override readonly name = 'PagerDutyRetryableError';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Retries were spent (429, 5xx, network) within the time budget. */
export class PagerDutyUnavailableError extends PagerDutyError {
  override readonly name = 'PagerDutyUnavailableError';
  constructor(
    message: string,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface DeliveryLogger {
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface SendOptions {
  readonly fetch: typeof fetch;
  /** Events API v2 URL. */
  readonly url: string;
  /** Stop retrying once this many ms have passed since the first attempt. */
  readonly budgetMs: number;
  /** First backoff in ms; doubles per attempt, full jitter. @default 200 */
  readonly baseDelayMs?: number;
  /** Cap of one backoff in ms. @default 8000 */
  readonly maxDelayMs?: number;
  /** Attempts in total. @default 50 (the budget usually ends first) */
  readonly attempts?: number;
  /** Timeout of one request in ms. @default 10000 */
  readonly requestTimeoutMs?: number;
  readonly logger?: DeliveryLogger;
  /** Injected for tests. @default Math.random */
  readonly random?: () => number;
  /** Injected for tests. @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests. @default Date.now */
  readonly now?: () => number;
}

export interface SendResult {
  readonly status: number;
  readonly attempts: number;
  readonly dedupKey?: string;
}

async function readJson(res: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await res.json();
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One POST; resolves on 2xx, throws PagerDutyRejectedError (4xx but 429) or PagerDutyRetryableError. */
export async function postOnce(
  body: {
    readonly routing_key: string;
    readonly dedup_key?: string;
    readonly event_action?: string;
  },
  options: Pick<SendOptions, 'fetch' | 'url' | 'requestTimeoutMs' | 'logger'>,
): Promise<{ status: number; dedupKey?: string }> {
  const what = `${body.event_action ?? 'change event'}${body.dedup_key ? ` for ${body.dedup_key}` : ''}`;
  let res: Response;
  try {
    res = await options.fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000),
    });
  } catch (err) {
    const problem = `network error: ${err instanceof Error ? err.message : String(err)}`;
    options.logger?.warn('PagerDuty unreachable', { dedupKey: body.dedup_key, problem });
    throw new PagerDutyRetryableError(`PagerDuty did not take the ${what}: ${problem}`, undefined, {
      cause: err,
    });
  }
  const reply = await readJson(res);
  if (res.ok)
    return {
      status: res.status,
      dedupKey: typeof reply.dedup_key === 'string' ? reply.dedup_key : undefined,
    };
  const message = typeof reply.message === 'string' ? reply.message : res.statusText;
  if (res.status === 429 || res.status >= 500) {
    options.logger?.warn('PagerDuty asked to retry', {
      dedupKey: body.dedup_key,
      status: res.status,
    });
    throw new PagerDutyRetryableError(
      `PagerDuty did not take the ${what}: HTTP ${res.status} ${message}`,
      res.status,
    );
  }
  const errors = Array.isArray(reply.errors) ? reply.errors.map((e) => String(e)) : [];
  options.logger?.error('PagerDuty rejected the event', {
    dedupKey: body.dedup_key,
    status: res.status,
    message,
    errors,
  });
  throw new PagerDutyRejectedError(
    `PagerDuty rejected the ${what}: HTTP ${res.status} ${message}${errors.length ? ` (${errors.join('; ')})` : ''}`,
    errors,
  );
}

/** Sends one event, retrying 429, 5xx and network errors within `budgetMs` (the shared `retry`). */
export async function sendEvent(
  event: PagerDutyEvent | PagerDutyChangeEvent,
  options: SendOptions,
): Promise<SendResult> {
  let attempts = 0;
  try {
    const out = await retry(
      () => {
        attempts++;
        return postOnce(event, options);
      },
      {
        attempts: options.attempts ?? 50,
        baseDelayMs: options.baseDelayMs ?? 200,
        maxDelayMs: options.maxDelayMs ?? 8000,
        maxElapsedMs: options.budgetMs,
        retryOn: (err) => err instanceof PagerDutyRetryableError || isRetryableError(err),
        sleep: options.sleep,
        now: options.now,
        random: options.random,
      },
    );
    return { status: out.status, attempts, dedupKey: out.dedupKey };
  } catch (err) {
    if (err instanceof PagerDutyRetryableError)
      throw new PagerDutyUnavailableError(
        `${err.message} (after ${attempts} attempt(s))`,
        attempts,
        {
          cause: err,
        },
      );
    throw err;
  }
}

/**
 * The routing key from a secret's value: the 32-character key itself, or JSON with a
 * `routingKey` / `routing_key` field. The error never quotes the value.
 */
export function routingKeyFromSecret(value: unknown, secretName: string): string {
  let text = typeof value === 'string' ? value.trim() : '';
  if (text.startsWith('{')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      const field = obj.routingKey ?? obj.routing_key;
      text = typeof field === 'string' ? field.trim() : '';
    } catch {
      text = '';
    }
  }
  if (!/^[A-Za-z0-9]{20,64}$/.test(text))
    throw new PagerDutyError(
      `secret ${secretName} does not hold a PagerDuty routing key (expected the 32-character key or {"routingKey": "..."})`,
    );
  return text;
}

/** Why a routing key came from the cache rather than a fresh read. */
export interface RoutingKeyLogger {
  warn(message: string, extra?: Record<string, unknown>): void;
}

/**
 * Routing keys by secret name, read through `fetchSecret` at most every `maxAgeMs`. When a
 * read fails (Secrets Manager down, the secret changed to something that is not a key), the
 * last good key is kept and used, so an outage of the secret store does not silence every page;
 * without a last good key the failure is thrown.
 */
export class RoutingKeyCache {
  private readonly keys = new Map<string, { key: string; at: number }>();

  constructor(
    private readonly fetchSecret: (name: string) => Promise<unknown>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
    private readonly logger?: RoutingKeyLogger,
  ) {}

  async get(secretName: string): Promise<string> {
    const cached = this.keys.get(secretName);
    if (cached && this.now() - cached.at < this.maxAgeMs) return cached.key;
    try {
      const key = routingKeyFromSecret(await this.fetchSecret(secretName), secretName);
      this.keys.set(secretName, { key, at: this.now() });
      return key;
    } catch (err) {
      if (!cached) throw err;
      this.logger?.warn('routing key could not be read: using the last good key', {
        secretName,
        problem: err instanceof Error ? err.message : String(err),
        lastReadSecondsAgo: Math.round((this.now() - cached.at) / 1000),
      });
      return cached.key;
    }
  }
}
