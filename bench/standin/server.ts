/**
 * A local stand-in for the AWS APIs the guardrails call, on 127.0.0.1 only. Real SDK clients
 * reach it through AWS_ENDPOINT_URL, so benchmarks run the real handler and adapter code.
 *
 * It speaks the JSON protocols (awsJson1_0 / awsJson1_1: the operation is in `X-Amz-Target`,
 * e.g. `SageMaker.ListTrainingJobs`) and the query protocol (form body with `Action=`, XML
 * reply, used by SNS). Each operation has a latency and a token-bucket rate limit; over the
 * limit it answers `ThrottlingException` the way AWS does, so SDK retry behaviour is exercised.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonHandler = (input: Record<string, unknown>) => unknown | Promise<unknown>;

export interface OperationLimits {
  /** Sustained requests per second. @default unlimited */
  readonly ratePerSecond?: number;
  /** Bucket size (burst). @default ratePerSecond */
  readonly burst?: number;
}

export interface StandinOptions {
  /** Latency added to every response, in ms. @default 30 */
  readonly latencyMs?: number;
  /** Limits by operation name as in X-Amz-Target (`SageMaker.StopTrainingJob`) or query Action (`Publish`). */
  readonly limits?: Readonly<Record<string, OperationLimits>>;
}

/** An AWS-style error reply; throw it from a handler (e.g. `ValidationException`). */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface OperationStats {
  calls: number;
  throttled: number;
}

/** The stand-in: register handlers, `start()`, point AWS_ENDPOINT_URL at `url`, `stop()`. */
export class AwsStandin {
  private readonly handlers = new Map<string, JsonHandler>();
  private readonly buckets = new Map<string, TokenBucket>();
  private server: Server | undefined;
  /** Calls per operation, throttled ones included; reset with `resetStats()`. */
  readonly stats = new Map<string, OperationStats>();
  url = '';

  constructor(private readonly options: StandinOptions = {}) {
    for (const [op, l] of Object.entries(options.limits ?? {}))
      if (l.ratePerSecond !== undefined)
        this.buckets.set(op, new TokenBucket(l.ratePerSecond, l.burst ?? l.ratePerSecond));
  }

  /** Register a handler for `Service.Operation` (JSON) or an `Action` (query protocol). */
  on(operation: string, handler: JsonHandler): this {
    this.handlers.set(operation, handler);
    return this;
  }

  resetStats(): void {
    this.stats.clear();
  }

  /** Calls that reached the stand-in (including throttled ones) for operations matching `prefix`. */
  totalCalls(prefix = ''): number {
    let n = 0;
    for (const [op, s] of this.stats) if (op.startsWith(prefix)) n += s.calls;
    return n;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.dispatch(req).then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
        res.end(body);
      });
    });
    // Many concurrent SDK connections: keep them alive like AWS does.
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private async dispatch(
    req: IncomingMessage,
  ): Promise<{ status: number; body: string; headers: Record<string, string> }> {
    const raw = await readBody(req);
    const target = req.headers['x-amz-target'];
    const query = typeof target === 'string' ? undefined : new URLSearchParams(raw);
    const operation = typeof target === 'string' ? target : (query?.get('Action') ?? 'unknown');
    const stats = this.stats.get(operation) ?? { calls: 0, throttled: 0 };
    stats.calls++;
    this.stats.set(operation, stats);

    await sleep(this.options.latencyMs ?? 30);
    const jsonHeaders = { 'content-type': 'application/x-amz-json-1.1' };
    const fail = (type: string, message: string, status = 400) =>
      query
        ? {
            status,
            body: `<ErrorResponse><Error><Type>Sender</Type><Code>${type}</Code><Message>${message}</Message></Error><RequestId>standin</RequestId></ErrorResponse>`,
            headers: { 'content-type': 'text/xml' },
          }
        : {
            status,
            body: JSON.stringify({ __type: type, message }),
            headers: { ...jsonHeaders, 'x-amzn-errortype': type },
          };

    const bucket = this.buckets.get(operation);
    if (bucket && !bucket.take()) {
      stats.throttled++;
      return fail('ThrottlingException', 'Rate exceeded');
    }
    const handler = this.handlers.get(operation);
    if (!handler)
      return fail('UnknownOperationException', `stand-in has no handler for ${operation}`);
    try {
      const input = query
        ? Object.fromEntries(query)
        : raw
          ? (JSON.parse(raw) as Record<string, unknown>)
          : {};
      const output = await handler(input);
      if (query)
        return { status: 200, body: String(output), headers: { 'content-type': 'text/xml' } };
      return { status: 200, body: JSON.stringify(output ?? {}), headers: jsonHeaders };
    } catch (err) {
      if (err instanceof AwsError) return fail(err.type, err.message, err.status);
      return fail('InternalFailure', err instanceof Error ? err.message : String(err), 500);
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
