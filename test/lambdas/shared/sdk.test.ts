import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
