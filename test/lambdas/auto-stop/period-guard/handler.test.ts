import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  handleGuardEvent,
  resetGuardRuntimeForTests,
} from '../../../../lambdas/auto-stop/period-guard/handler';
import { EXAMPLE_POLICY_FILE } from '../../../helpers/app';
import { ACCOUNT, arnOf } from '../fakes';

const ddb = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const ENV = {
  AWS_REGION: 'eu-west-1',
  AUDIT_TABLE_NAME: 'audit',
  GUARD_TABLE_NAME: 'guard',
  REPORT_TOPIC_ARN: `arn:aws:sns:eu-west-1:${ACCOUNT}:reports`,
  GUARDRAILS_POLICY_FILE: EXAMPLE_POLICY_FILE,
};
const saved: Record<string, string | undefined> = {};

beforeEach(() => {
  for (const [k, v] of Object.entries(ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  resetGuardRuntimeForTests();
});

afterEach(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  ddb.reset();
  events.reset();
  resetGuardRuntimeForTests();
});

describe('handleGuardEvent', () => {
  it('routes a SageMaker state change to the guard, which reads the hold from GUARD_TABLE_NAME', async () => {
    // Prepare: no hold for the project.
    ddb.on(GetCommand).resolves({});
    // Act
    const result = await handleGuardEvent({
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
    // Assess
    expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining('no hold') });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'guard',
      Key: { pk: 'PROJECT#fraud-detection', sk: 'HOLD' },
    });
  });

  it('runs the digest for the previous UTC day on {"task": "digest"}', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const result = (await handleGuardEvent({ task: 'digest' })) as { day: string; sent: unknown[] };
    expect(result.sent).toEqual([]);
    expect(result.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: {
        ':pk': 'PROJECT#fraud-detection',
        ':prefix': `DIGEST#${result.day}#`,
      },
    });
  });

  it('runs the sweep on {"task": "sweep"} and skips projects without a hold', async () => {
    ddb.on(GetCommand).resolves({});
    const result = await handleGuardEvent({ task: 'sweep' });
    expect(result).toEqual({ task: 'sweep', projects: 3, recorded: 0 });
    // Nothing changed: no change event reaches anyone's PagerDuty timeline.
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('fails with a clear message when GUARD_TABLE_NAME is missing', async () => {
    delete process.env.GUARD_TABLE_NAME;
    await expect(handleGuardEvent({ task: 'sweep' })).rejects.toThrow(/GUARD_TABLE_NAME/);
  });
});
