import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../lambdas/auto-stop/audit';
import type { Outcome } from '../../../lambdas/auto-stop/types';
import { arnOf } from '../../helpers/auto-stop';

const documents = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ctx = { projectId: 'p', notificationId: 'n', time: new Date('2026-11-26T12:00:00Z') };
const outcome = (name: string): Outcome => ({
  resourceArn: arnOf('training-job', name),
  kind: 'training-job',
  name,
  priorState: 'InProgress',
  action: 'stop-training-job',
  result: 'done',
  reason: 'r',
});

afterEach(() => {
  documents.reset();
});

describe('AuditLog', () => {
  it('writes batches of at most 25 items', async () => {
    documents.on(BatchWriteCommand).resolves({});
    await new AuditLog(client, 'audit', { sleep: async () => {} }).write(
      ctx,
      Array.from({ length: 60 }, (_, i) => outcome(`j${i}`)),
    );
    const sizes = documents
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.audit?.length)
      .sort();
    expect(sizes).toEqual([10, 25, 25]);
  });

  it('retries unprocessed items until they are written', async () => {
    const item = { PutRequest: { Item: { pk: 'PROJECT#p', sk: 'x' } } };
    documents
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { audit: [item] } })
      .resolves({});
    await new AuditLog(client, 'audit', { sleep: async () => {} }).write(ctx, [
      outcome('a'),
      outcome('b'),
    ]);
    expect(documents).toHaveReceivedCommandTimes(BatchWriteCommand, 2);
    expect(documents.commandCalls(BatchWriteCommand)[1]?.args[0].input.RequestItems?.audit).toEqual(
      [item],
    );
  });

  it('fails loudly when items stay unprocessed', async () => {
    documents
      .on(BatchWriteCommand)
      .callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    await expect(
      new AuditLog(client, 'audit', { sleep: async () => {} }).write(ctx, [outcome('a')]),
    ).rejects.toThrow(/unprocessed/);
  });
});
