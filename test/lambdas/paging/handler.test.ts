import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PagerDutyStandin } from '../../../bench/standin/pagerduty';
import { EXAMPLE_POLICY_FILE } from '../../helpers/app';

const ROUTING_KEY = 'HANDLERKEY0123456789abcdefABCDEF';
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'paging');
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

const context = {
  functionName: 'router',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:router',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 5000,
} as unknown as Context;

const secrets = mockClient(SecretsManagerClient);
const ddb = mockClient(DynamoDBDocumentClient);
let server: PagerDutyStandin;
let handler: (event: unknown, context: Context) => Promise<unknown>;
const stdout: string[] = [];

beforeAll(async () => {
  server = new PagerDutyStandin();
  const url = await server.start();
  const dir = mkdtempSync(path.join(tmpdir(), 'paging-handler-'));
  const policyFile = path.join(dir, 'guardrails.yaml');
  writeFileSync(policyFile, readFileSync(EXAMPLE_POLICY_FILE, 'utf8'));
  // The policy only accepts PagerDuty's HTTPS endpoints: requests to it go to the local server.
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
    expect(String(input)).toBe('https://events.pagerduty.com/v2/enqueue');
    return realFetch(url, init);
  });
  vi.stubEnv('GUARDRAILS_POLICY_FILE', policyFile);
  vi.stubEnv('HOLD_QUEUE_URL', 'https://sqs.eu-west-1.amazonaws.com/111122223333/hold');
  vi.stubEnv('HOLD_TABLE_NAME', 'held-alarms');
  // Log everything, so the test sees what CloudWatch Logs would.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  secrets.on(GetSecretValueCommand).resolves({ Name: 'x', SecretString: ROUTING_KEY });
  // The latest-state claim (out-of-order protection) before each page.
  ddb.on(PutCommand).resolves({});
  // No pending chain for the alarm; the team's first trigger of the minute.
  ddb.on(GetCommand).resolves({});
  ddb.on(UpdateCommand).resolves({ Attributes: { triggers: 1 } });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.resetModules();
  ({ handler } = await import('../../../lambdas/paging/handler.js'));
});

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  secrets.reset();
  ddb.reset();
  await server.stop();
});

describe('handler (middy + Powertools wiring)', () => {
  it('pages through the Events API URL of the policy with the key from Secrets Manager', async () => {
    // Act
    const out = await handler(fixture('sns-single-metric-alarm.json'), context);
    // Assess
    expect(out).toEqual({ records: 1, ignored: 0, decisions: 1 });
    expect(server.accepted).toHaveLength(1);
    expect(server.accepted[0]?.routing_key).toBe(ROUTING_KEY);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'ml-guardrails/pagerduty/revenue-models',
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'held-alarms',
      Item: expect.objectContaining({
        dedupKey: expect.stringMatching(/^latest#arn:aws:cloudwatch:/),
      }),
    });
  });

  it('throws for input it cannot understand, so Lambda retries and dead-letters it', async () => {
    await expect(
      handler({ Records: [{ EventSource: 'aws:sns', Sns: { Message: 'x' } }] }, context),
    ).rejects.toThrow(/Records\.0\.Sns\.Message: not JSON/);
  });

  it('never writes the routing key to the logs', () => {
    const logs = stdout.join('');
    expect(logs).toContain('page sent');
    expect(logs).not.toContain(ROUTING_KEY);
  });
});
