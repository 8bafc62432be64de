import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ACT_LEASE_MS } from '../../../../lambdas/auto-stop/period-guard/decide';
import {
  type DigestEntry,
  DynamoGuardStore,
  writeHoldAudit,
} from '../../../../lambdas/auto-stop/period-guard/store';
import { readResourceTags } from '../../../../lambdas/auto-stop/period-guard/tags';
import { awsError } from '../../../helpers/auto-stop';
import { holdOf } from '../../../helpers/period-guard';

const ddb = mockClient(DynamoDBDocumentClient);
const sagemaker = mockClient(SageMakerClient);
const store = new DynamoGuardStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'guard');
const hold = holdOf();
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

afterEach(() => {
  ddb.reset();
  sagemaker.reset();
});

describe('DynamoGuardStore', () => {
  it('writes the hold with a TTL at the end of the period and reads it back consistently', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: { pk: 'PROJECT#fraud-detection', sk: 'HOLD', ...hold } });
    // Act
    await store.putHold(hold);
    const read = await store.getHold('fraud-detection');
    // Assess
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'guard',
      Item: expect.objectContaining({
        pk: 'PROJECT#fraud-detection',
        sk: 'HOLD',
        expiresAt: Date.parse('2026-12-01T00:00:00Z') / 1000,
      }),
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true });
    expect(read).toEqual(hold);
  });

  it('claims with a condition that states claimAllowed, and answers false when it fails', async () => {
    // Prepare
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const now = Date.parse('2026-11-29T10:00:00Z');
    // Act
    const first = await store.claim(hold, 'arn:x', 'act', now);
    const second = await store.claim(hold, 'arn:x', 'act', now);
    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'CLAIM#2026-11#arn:x', verdict: 'act', claimedAt: now }),
      ConditionExpression:
        'attribute_not_exists(pk) OR verdict <> :verdict OR (verdict = :act AND claimedAt < :leaseStart)',
      ExpressionAttributeValues: {
        ':verdict': 'act',
        ':act': 'act',
        ':leaseStart': now - ACT_LEASE_MS,
      },
    });
  });

  it('lets other errors of a claim escape (throttling is retried by Lambda, not hidden)', async () => {
    ddb.on(PutCommand).rejects(awsError('ProvisionedThroughputExceededException', 'slow down'));
    await expect(store.claim(hold, 'arn:x', 'act', 0)).rejects.toThrow('slow down');
  });

  it('reads every page of a day of digest lines', async () => {
    // Prepare
    const entry = (name: string): DigestEntry => ({
      time: '2026-11-28T10:00:00.000Z',
      kind: 'training-job',
      name,
      arn: `arn:${name}`,
      region: 'eu-west-1',
      result: 'done',
      action: 'stop-training-job',
      reason: 'r',
      source: 'event',
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [entry('a')], LastEvaluatedKey: { pk: 'p', sk: 's' } })
      .resolvesOnce({ Items: [], LastEvaluatedKey: { pk: 'p', sk: 't' } })
      .resolvesOnce({ Items: [{ ...entry('b'), hourlyUsd: 2 }] });
    // Act
    const entries = await store.digestEntries('fraud-detection', '2026-11-28');
    // Assess
    expect(entries.map((e) => e.name)).toEqual(['a', 'b']);
    expect(entries[1]?.hourlyUsd).toBe(2);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: {
        ':pk': 'PROJECT#fraud-detection',
        ':prefix': 'DIGEST#2026-11-28#',
      },
    });
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 3);
  });

  it('marks a digest as sent once', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    expect(await store.markDigestSent('p', '2026-11-28', 0)).toBe(true);
    expect(await store.markDigestSent('p', '2026-11-28', 0)).toBe(false);
  });

  it('returns the removed hold on delete', async () => {
    ddb.on(DeleteCommand).resolves({ Attributes: { ...hold } });
    expect(await store.deleteHold('fraud-detection')).toEqual(hold);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { ReturnValues: 'ALL_OLD' });
  });
});

describe('writeHoldAudit', () => {
  it('writes one audit item next to the resource items of the project', async () => {
    ddb.on(PutCommand).resolves({});
    await writeHoldAudit(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'audit', {
      projectId: 'fraud-detection',
      action: 'release-hold',
      periodId: '2026-11',
      reason: 'budget raised',
      by: 'cli:alice',
      time: new Date('2026-11-29T10:00:00Z'),
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'audit',
      Item: expect.objectContaining({
        pk: 'PROJECT#fraud-detection',
        sk: 'AUDIT#2026-11-29T10:00:00.000Z#hold/2026-11',
        action: 'release-hold',
        by: 'cli:alice',
      }),
    });
  });
});

describe('readResourceTags', () => {
  it('reads every page, including an empty one that carries a NextToken', async () => {
    sagemaker
      .on(ListTagsCommand)
      .resolvesOnce({ Tags: [], NextToken: 't1' })
      .resolvesOnce({ Tags: [{ Key: 'Project', Value: 'p' }] });
    expect(await readResourceTags(new SageMakerClient({}), 'arn:x')).toEqual({ Project: 'p' });
    expect(sagemaker).toHaveReceivedCommandTimes(ListTagsCommand, 2);
  });

  it('treats a resource that is gone as untagged', async () => {
    sagemaker.on(ListTagsCommand).rejects(awsError('ResourceNotFound', 'gone'));
    expect(await readResourceTags(new SageMakerClient({}), 'arn:x')).toEqual({});
  });

  it('lets throttling escape (the event is retried)', async () => {
    sagemaker.on(ListTagsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(readResourceTags(new SageMakerClient({}), 'arn:x')).rejects.toThrow(
      'Rate exceeded',
    );
  });
});
