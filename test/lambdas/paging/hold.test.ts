import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { delaySeconds, SqsDynamoHoldStore } from '../../../lambdas/paging/hold';
import { alarm } from '../../helpers/paging';

const sqsMock = mockClient(SQSClient);
const ddbMock = mockClient(DynamoDBDocumentClient);
const store = new SqsDynamoHoldStore(
  new SQSClient({}),
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  'https://sqs.eu-west-1.amazonaws.com/111122223333/hold',
  'held-alarms',
);

afterEach(() => {
  sqsMock.reset();
  ddbMock.reset();
});

describe('SqsDynamoHoldStore', () => {
  it('records the hold, then queues a re-check capped at the SQS maximum of 900 s', async () => {
    // Act
    await store.hold(
      alarm('d'),
      'key-1',
      new Date('2026-11-26T14:00:00Z'),
      new Date('2026-11-26T03:00:00Z'),
    );
    // Assess
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'held-alarms',
      Item: expect.objectContaining({
        dedupKey: 'key-1',
        stateChangeTime: '2026-11-26T10:00:00.000Z',
      }),
    });
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, { DelaySeconds: 900 });
  });

  it('is current only while the stored state change time matches', async () => {
    ddbMock
      .on(GetCommand)
      .resolves({ Item: { dedupKey: 'k', stateChangeTime: '2026-11-26T10:00:00.000Z' } });
    expect(await store.isCurrent(alarm('d'), 'k')).toBe(true);
    expect(
      await store.isCurrent(alarm('d', { stateChangeTime: '2026-11-26T11:00:00.000Z' }), 'k'),
    ).toBe(false);
    expect(ddbMock).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true });
  });

  it('treats a newer hold as not its own to release', async () => {
    ddbMock
      .on(DeleteCommand)
      .rejects(Object.assign(new Error('cond'), { name: 'ConditionalCheckFailedException' }));
    await expect(store.release('k', 't')).resolves.toBeUndefined();
    ddbMock
      .on(DeleteCommand)
      .rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    await expect(store.release('k', 't')).rejects.toThrow('boom');
  });

  it('claims the latest state change with a conditional write, and reports a stale one', async () => {
    // Prepare
    ddbMock
      .on(PutCommand)
      .resolvesOnce({})
      .rejectsOnce(Object.assign(new Error('cond'), { name: 'ConditionalCheckFailedException' }));
    // Act
    const first = await store.claimLatest(alarm('d'), 'k');
    const second = await store.claimLatest(alarm('d'), 'k');
    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        dedupKey: 'latest#k',
        stateChangeTime: '2026-11-26T10:00:00.000Z',
      }),
      ConditionExpression: 'attribute_not_exists(dedupKey) OR stateChangeTime <= :t',
    });
  });

  it.each([
    ['in the past', '2026-11-26T02:00:00Z', 0],
    ['in 90 s', '2026-11-26T03:01:30Z', 90],
    ['in 11 h', '2026-11-26T14:00:00Z', 900],
  ])('delaySeconds for a window opening %s', (_n, until, expected) => {
    expect(delaySeconds(new Date(until), new Date('2026-11-26T03:00:00Z'))).toBe(expected);
  });
});

describe('SqsDynamoHoldStore: delivery chains, pacing and counters', () => {
  const event = {
    id: '2026-11-26T10:00:00.000Z#trigger',
    stateChangeTime: '2026-11-26T10:00:00.000Z',
    action: 'trigger' as const,
    service: 'ml-engineering',
    routingKeySecret: 'ml-guardrails/pagerduty/ml-engineering',
    body: { event_action: 'trigger', dedup_key: 'k' },
  };

  it('appends atomically with list_append and tells the first appender to schedule', async () => {
    ddbMock
      .on(UpdateCommand)
      .resolvesOnce({})
      .resolvesOnce({ Attributes: { events: [event] } });
    expect(await store.appendPending('k', event)).toEqual({ first: true });
    expect(await store.appendPending('k', event)).toEqual({ first: false });
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { dedupKey: 'pending#k' },
      UpdateExpression: expect.stringContaining('list_append(if_not_exists(events, :empty), :e)'),
      ReturnValues: 'UPDATED_OLD',
    });
  });

  it('pops the head only if it is still the event sent, and deletes the chain only when empty', async () => {
    ddbMock.on(UpdateCommand).resolves({});
    ddbMock
      .on(DeleteCommand)
      .rejects(Object.assign(new Error('cond'), { name: 'ConditionalCheckFailedException' }));
    await store.popPending('k', event.id);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'REMOVE events[0]',
      ConditionExpression: 'events[0].id = :id',
    });
    expect(ddbMock).toHaveReceivedCommandWith(DeleteCommand, {
      ConditionExpression: 'size(events) = :zero',
    });
  });

  it('reserves paced slots with an atomic counter: the n-th slot is n intervals after the base', async () => {
    const now = new Date('2026-11-26T10:00:00Z');
    ddbMock.on(UpdateCommand).resolves({ Attributes: { base: now.getTime(), seq: 3 } });
    const slot = await store.reserveSlot('ml-engineering', 500, now);
    expect(slot.toISOString()).toBe('2026-11-26T10:00:01.000Z');
  });

  it('moves a stale base to now (the key was idle) and reserves again', async () => {
    const now = new Date('2026-11-26T10:00:00Z');
    ddbMock
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { base: now.getTime() - 3_600_000, seq: 5 } })
      .resolvesOnce({})
      .resolvesOnce({ Attributes: { base: now.getTime(), seq: 1 } });
    const slot = await store.reserveSlot('ml-engineering', 500, now);
    expect(slot.getTime()).toBe(now.getTime());
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'base = :old',
    });
  });

  it('counts triggers per team and minute with ADD', async () => {
    ddbMock.on(UpdateCommand).resolves({ Attributes: { triggers: 61 } });
    expect(await store.countTrigger('platform', '2026-11-26T10:00:00Z')).toBe(61);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { dedupKey: 'rate#platform#2026-11-26T10:00:00Z' },
    });
  });

  it('queues a delivery message delayed to its slot, at most 900 s', async () => {
    sqsMock.on(SendMessageCommand).resolves({});
    const now = new Date('2026-11-26T10:00:00Z');
    await store.scheduleDelivery(
      { version: 1, kind: 'deliver', dedupKey: 'k', attempt: 2, notBefore: '2026-11-26T11:00:00Z' },
      now,
    );
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, { DelaySeconds: 900 });
  });
});
