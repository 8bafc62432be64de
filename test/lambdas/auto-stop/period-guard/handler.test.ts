/**
 * The period guard's entry point as deployed: configuration read from the environment at module
 * load, clients created once, and `run` routing to the orchestrator (guard.test.ts covers what
 * it decides).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_POLICY_FILE } from '../../../helpers/app';
import { ACCOUNT, arnOf } from '../../../helpers/auto-stop';

const ddb = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);

beforeEach(() => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AUDIT_TABLE_NAME', 'audit');
  vi.stubEnv('GUARD_TABLE_NAME', 'guard');
  vi.stubEnv('REPORT_TOPIC_ARN', `arn:aws:sns:eu-west-1:${ACCOUNT}:reports`);
  vi.stubEnv('GUARDRAILS_POLICY_FILE', EXAMPLE_POLICY_FILE);
  vi.resetModules();
});

afterEach(() => {
  vi.unstubAllEnvs();
  ddb.reset();
  events.reset();
});

/** The handler module loaded with the environment of the current test. */
const load = () => import('../../../../lambdas/auto-stop/period-guard/handler.js');

describe('period guard handler', () => {
  it('reads the hold of a state change from GUARD_TABLE_NAME', async () => {
    ddb.on(GetCommand).resolves({});
    const { run } = await load();
    const result = await run({
      id: 'e-1',
      source: 'aws.sagemaker',
      'detail-type': 'SageMaker Training Job State Change',
      account: ACCOUNT,
      region: 'eu-west-1',
      detail: {
        TrainingJobName: 'j',
        TrainingJobArn: arnOf('training-job', 'j'),
        TrainingJobStatus: 'InProgress',
        Tags: { Project: 'fraud-detection' },
      },
    });
    expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining('no hold') });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'guard',
      Key: { pk: 'PROJECT#fraud-detection', sk: 'HOLD' },
    });
  });

  it('reads digest lines of the previous UTC day from the guard table for every project', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const { run } = await load();
    const result = (await run({ task: 'digest' })) as { day: string; sent: unknown[] };
    expect(result.sent).toEqual([]);
    expect(result.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'guard',
      ExpressionAttributeValues: {
        ':pk': 'PROJECT#fraud-detection',
        ':prefix': `DIGEST#${result.day}#`,
      },
    });
  });

  it('sweeps every project on {"task": "sweep"} and sends no change event when nothing changed', async () => {
    ddb.on(GetCommand).resolves({});
    const { run } = await load();
    expect(await run({ task: 'sweep' })).toEqual({ task: 'sweep', projects: 3, recorded: 0 });
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('fails to load with a message naming GUARD_TABLE_NAME when it is missing', async () => {
    vi.stubEnv('GUARD_TABLE_NAME', undefined);
    await expect(load()).rejects.toThrow(/GUARD_TABLE_NAME/);
  });

  it('fails a digest with a message naming REPORT_TOPIC_ARN when the topic is not configured', async () => {
    vi.stubEnv('REPORT_TOPIC_ARN', undefined);
    const { run } = await load();
    await expect(run({ task: 'digest' })).rejects.toThrow(/REPORT_TOPIC_ARN/);
  });
});
