import { SageMakerClient, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { workMessages } from '../../../lambdas/auto-stop/work-queue';
import { handleWorkBatch, resetWorkerForTests } from '../../../lambdas/auto-stop/worker';
import { EXAMPLE_POLICY_FILE } from '../../helpers/app';
import { awsError, resource } from './fakes';

const sagemaker = mockClient(SageMakerClient);
const documents = mockClient(DynamoDBDocumentClient);

const act = (name: string) => ({
  type: 'act' as const,
  resource: resource({ name }),
  action: 'stop-training-job',
  reason: 'InProgress and not exempt',
});

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body })),
  } as unknown as SQSEvent;
}

beforeEach(() => {
  vi.stubEnv('GUARDRAILS_POLICY_FILE', EXAMPLE_POLICY_FILE);
  vi.stubEnv('AUDIT_TABLE_NAME', 'audit');
  resetWorkerForTests();
  documents.on(BatchWriteCommand).resolves({});
});

afterEach(() => {
  vi.unstubAllEnvs();
  sagemaker.reset();
  documents.reset();
});

describe('handleWorkBatch', () => {
  it('stops every queued resource and audits each result', async () => {
    // Prepare
    sagemaker.on(StopTrainingJobCommand).resolves({});
    const [message] = workMessages('fraud-detection', 'msg-1', [act('a'), act('b')]);
    // Act
    const reply = await handleWorkBatch(sqsEvent([JSON.stringify(message)]));
    // Assess
    expect(reply.batchItemFailures).toEqual([]);
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 2);
    const items = documents.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.audit;
    expect(items?.map((i) => i.PutRequest?.Item?.notificationId)).toEqual(['msg-1', 'msg-1']);
  });

  it('returns a message with a failed stop for redelivery, after stopping the rest', async () => {
    // Prepare
    sagemaker
      .on(StopTrainingJobCommand, { TrainingJobName: 'a' })
      .rejects(awsError('AccessDeniedException', 'no'))
      .on(StopTrainingJobCommand, { TrainingJobName: 'b' })
      .resolves({});
    const [message] = workMessages('fraud-detection', 'msg-1', [act('a'), act('b')]);
    // Act
    const reply = await handleWorkBatch(sqsEvent([JSON.stringify(message)]));
    // Assess
    expect(reply.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, { TrainingJobName: 'b' });
  });

  it('counts an already stopped job as done on redelivery', async () => {
    sagemaker
      .on(StopTrainingJobCommand)
      .rejects(awsError('ValidationException', 'The job is in status Stopped'));
    const [message] = workMessages('fraud-detection', 'msg-1', [act('a')]);
    const reply = await handleWorkBatch(sqsEvent([JSON.stringify(message)]));
    expect(reply.batchItemFailures).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['a body that fails the schema', JSON.stringify({ version: 1, items: [] })],
    ['a project not in the policy', JSON.stringify(workMessages('nope', 'msg-1', [act('a')])[0])],
  ])('keeps %s for the dead-letter queue instead of dropping it', async (_name, body) => {
    const reply = await handleWorkBatch(sqsEvent([body]));
    expect(reply.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
  });

  it('splits decisions into messages of 25', () => {
    const decisions = Array.from({ length: 60 }, (_, i) => act(`j${i}`));
    expect(workMessages('p', 'n', decisions).map((m) => m.items.length)).toEqual([25, 25, 10]);
  });
});
