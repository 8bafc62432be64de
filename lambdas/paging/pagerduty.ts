/**
 * PagerDuty Events API v2 adapter: builds the event from a route decision and sends it with
 * retries. `fetch` and the URL are parameters, so tests and the benchmark use a local server.
 *
 * Per DOMAIN-NOTES.md ("PagerDuty Events API v2"): 202 means queued; 400 is not retried (its
 * `errors` are logged); 429, 5xx and network errors are retried with exponential backoff and
 * full jitter until the time budget is spent. The routing key is never logged or put in errors.
 */
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

/** Builds the event for a trigger or resolve decision (resolve needs only key and dedup key). */
export function toPagerDutyEvent(decision: RouteDecision, routingKey: string): PagerDutyEvent {
  if (decision.action === 'resolve')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: decision.dedupKey };
  const runbook = decision.customDetails.runbook;
  return {
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
      ...(typeof runbook === 'string' ? [{ href: runbook, text: 'Runbook' }] : []),
    ],
    client: 'ml-guardrails',
    client_url: decision.consoleUrl,
  };
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
  /** Events API v2 enqueue URL. */
  readonly url: string;
  /** Give up (throw PagerDutyUnavailableError) when the next attempt would end after this many ms. */
  readonly budgetMs: number;
  /** First backoff in ms; doubles per attempt. @default 200 */
  readonly baseDelayMs?: number;
  /** Cap of one backoff in ms. @default 8000 */
  readonly maxDelayMs?: number;
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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

async function readJson(res: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await res.json();
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Sends one event; resolves on 202, throws PagerDutyRejectedError or PagerDutyUnavailableError. */
export async function sendEvent(event: PagerDutyEvent, options: SendOptions): Promise<SendResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 8000;
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const deadline = now() + options.budgetMs;
  const body = JSON.stringify(event);
  const context = { dedupKey: event.dedup_key, eventAction: event.event_action };
  let attempts = 0;
  let lastProblem = 'no attempt made';
  let lastHttp: string | undefined;
  let lastError: unknown;

  while (true) {
    const remaining = deadline - now();
    if (remaining <= 0) break;
    attempts++;
    let delay: number | undefined;
    try {
      const res = await options.fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(Math.min(requestTimeout, remaining)),
      });
      if (res.status === 202 || res.ok) {
        const reply = await readJson(res);
        return {
          status: res.status,
          attempts,
          dedupKey: typeof reply.dedup_key === 'string' ? reply.dedup_key : undefined,
        };
      }
      const reply = await readJson(res);
      const message = typeof reply.message === 'string' ? reply.message : res.statusText;
      if (res.status === 429 || res.status >= 500) {
        lastProblem = `HTTP ${res.status} ${message}`;
        lastHttp = lastProblem;
        delay = retryAfterMs(res);
        options.logger?.warn('PagerDuty asked to retry', {
          ...context,
          status: res.status,
          attempts,
        });
      } else {
        const errors = Array.isArray(reply.errors) ? reply.errors.map((e) => String(e)) : [];
        options.logger?.error('PagerDuty rejected the event', {
          ...context,
          status: res.status,
          message,
          errors,
        });
        throw new PagerDutyRejectedError(
          `PagerDuty rejected the ${event.event_action} for ${event.dedup_key}: HTTP ${res.status} ${message}${errors.length ? ` (${errors.join('; ')})` : ''}`,
          errors,
        );
      }
    } catch (err) {
      if (err instanceof PagerDutyRejectedError) throw err;
      lastError = err;
      lastProblem = `network error: ${err instanceof Error ? err.message : String(err)}`;
      options.logger?.warn('PagerDuty unreachable', { ...context, problem: lastProblem, attempts });
    }
    // Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
    const backoff = delay ?? Math.floor(random() * Math.min(cap, base * 2 ** (attempts - 1)));
    if (now() + backoff >= deadline) break;
    await sleep(backoff);
  }
  throw new PagerDutyUnavailableError(
    `PagerDuty did not accept the ${event.event_action} for ${event.dedup_key} after ${attempts} attempt(s): ${lastProblem}${lastHttp && lastHttp !== lastProblem ? ` (last answer: ${lastHttp})` : ''}`,
    attempts,
    lastError === undefined ? undefined : { cause: lastError },
  );
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
