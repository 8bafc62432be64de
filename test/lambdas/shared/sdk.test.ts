import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CONNECTION_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  sdkClientConfig,
} from '../../../lambdas/shared/sdk';

describe('sdkClientConfig', () => {
  it('uses adaptive retry, 10 attempts and connection and request timeouts by default', () => {
    expect(sdkClientConfig({})).toEqual({
      retryMode: 'adaptive',
      maxAttempts: 10,
      requestHandler: {
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
      },
    });
  });

  it('honours the SDK variables AWS_RETRY_MODE and AWS_MAX_ATTEMPTS', () => {
    expect(sdkClientConfig({ AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '1' })).toMatchObject({
      retryMode: 'standard',
      maxAttempts: 1,
    });
  });

  it.each(['0', '-2', '2.5', 'many'])('falls back to 10 attempts for AWS_MAX_ATTEMPTS=%s', (v) => {
    expect(sdkClientConfig({ AWS_MAX_ATTEMPTS: v }).maxAttempts).toBe(10);
  });

  it('sets neither region, credentials nor endpoint, so the default chains still apply', () => {
    expect(Object.keys(sdkClientConfig({})).sort()).toEqual([
      'maxAttempts',
      'requestHandler',
      'retryMode',
    ]);
  });
});

describe('a client built with sdkClientConfig', () => {
  let server: Server | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('sends to AWS_ENDPOINT_URL (local stand-ins and emulators keep working)', async () => {
    // Prepare
    const paths: string[] = [];
    server = createServer((req, res) => {
      paths.push(`${req.method} ${req.headers['x-amz-target'] ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ QueueUrl: 'http://127.0.0.1/000000000000/q' }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    vi.stubEnv('AWS_ENDPOINT_URL', `http://127.0.0.1:${port}`);
    const sqs = new SQSClient(sdkClientConfig({ AWS_MAX_ATTEMPTS: '1' }));

    // Act
    const out = await sqs.send(new GetQueueUrlCommand({ QueueName: 'q' }));

    // Assess
    expect(out.QueueUrl).toBe('http://127.0.0.1/000000000000/q');
    expect(paths).toEqual(['POST AmazonSQS.GetQueueUrl']);
  });
});

describe('every function', () => {
  /** Lambda sources, recursively. */
  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? sources(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(dir, e.name)]
          : [],
    );
  }

  /** A source without its comment lines. */
  const code = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\*|\*|\/\/)/.test(line))
      .join('\n');

  it('builds its SDK clients from sdkClientConfig (custom resource handlers included)', () => {
    const root = path.join(__dirname, '../../../lambdas');
    const constructions = sources(root).flatMap((file) =>
      [...code(file).matchAll(/new (\w+Client)\(([^)]*)\)/g)].map((m) => ({
        file: path.relative(root, file),
        client: m[1],
        args: m[2] ?? '',
      })),
    );
    // Clients are built in the handlers and in auto-stop's client factory (from `config`).
    expect(constructions.length).toBeGreaterThan(20);
    const other = constructions.filter(
      (c) => !/^(\{ \.\.\.)?(sdkClientConfig\(|config\b)/.test(c.args.trim()),
    );
    expect(other).toEqual([]);
  });
});
