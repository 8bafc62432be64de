/**
 * A local PagerDuty Events API v2 stand-in on 127.0.0.1 for tests and the paging benchmark:
 * records every event and the path it was posted to (`/v2/enqueue` for alerts,
 * `/v2/change/enqueue` for change events), adds latency, answers 202 / 400 like PagerDuty, and
 * can rate-limit per routing key (PagerDuty: about 120 events per minute per integration key,
 * answering 429), on the real clock or an injected one (the benchmark's simulated time).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandinReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PagerDutyStandinOptions {
  /** Latency added to every response, in ms. @default 0 */
  readonly latencyMs?: number;
  /** Events per minute accepted per routing key before 429. @default unlimited */
  readonly perKeyPerMinute?: number;
  /** Burst per routing key. @default perKeyPerMinute */
  readonly burst?: number;
  /** Overrides the reply to the n-th request (1-based); return undefined for the default. */
  readonly reply?: (event: Record<string, unknown>, n: number) => StandinReply | undefined;
  /** Clock of the rate limiter, in ms. @default performance.now */
  readonly now?: () => number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export class PagerDutyStandin {
  private server: Server | undefined;
  private readonly buckets = new Map<string, { tokens: number; last: number }>();
  /** Every request body received, in arrival order (accepted or not). */
  readonly received: Record<string, unknown>[] = [];
  /** Accepted (202) events. */
  readonly accepted: Record<string, unknown>[] = [];
  /** Path of every request, in arrival order. */
  readonly paths: string[] = [];
  /** Clock time of every accepted event, in ms (same order as `accepted`). */
  readonly acceptedAt: number[] = [];
  throttled = 0;
  url = '';

  constructor(private readonly options: PagerDutyStandinOptions = {}) {}

  private take(key: string): boolean {
    const rate = this.options.perKeyPerMinute;
    if (rate === undefined) return true;
    const burst = this.options.burst ?? rate;
    const now = (this.options.now ?? (() => performance.now()))();
    const b = this.buckets.get(key) ?? { tokens: burst, last: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.last) / 60_000) * rate);
    b.last = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const text = await readBody(req);
      let event: Record<string, unknown> = {};
      try {
        event = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // answered as 400 below
      }
      this.received.push(event);
      this.paths.push(req.url ?? '');
      const n = this.received.length;
      let reply = this.options.reply?.(event, n);
      if (!reply) {
        const change = req.url === '/v2/change/enqueue';
        const valid = change
          ? typeof event.routing_key === 'string' &&
            typeof (event.payload as { summary?: unknown } | undefined)?.summary === 'string'
          : typeof event.routing_key === 'string' &&
            typeof event.dedup_key === 'string' &&
            ['trigger', 'acknowledge', 'resolve'].includes(String(event.event_action));
        if (req.url !== '/v2/enqueue' && !change)
          reply = { status: 404, body: { status: 'not found', message: 'Not found' } };
        else if (!valid)
          reply = {
            status: 400,
            body: {
              status: 'invalid event',
              message: 'Event object is invalid',
              errors: ['Invalid routing key'],
            },
          };
        else if (!this.take(String(event.routing_key))) {
          this.throttled++;
          reply = {
            status: 429,
            body: {
              status: 'throttle',
              message: 'Requests for this service are arriving too quickly.',
            },
          };
        } else
          reply = {
            status: 202,
            body: { status: 'success', message: 'Event processed', dedup_key: event.dedup_key },
          };
      }
      if (reply.status === 202) {
        this.accepted.push(event);
        this.acceptedAt.push((this.options.now ?? (() => performance.now()))());
      }
      const latency = this.options.latencyMs ?? 0;
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      }, latency);
    });
    // Many concurrent keep-alive connections in the storm benchmark.
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/v2/enqueue`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}
