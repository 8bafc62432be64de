/**
 * An in-memory stand-in for the auto-stop audit table behind an aws-sdk-client-mock of
 * DynamoDBDocumentClient: Put (with attribute_not_exists), Get, Query (pk + begins_with sk),
 * Update (SET one attribute), Delete and TransactWrite (Put + Delete), so round trips can be asserted on stored items.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, unknown>;

export interface FakeAuditTable {
  readonly mock: AwsClientStub<DynamoDBDocumentClient>;
  readonly items: Map<string, Item>;
  savedItems(): Item[];
  auditItems(): Item[];
}

const key = (pk: unknown, sk: unknown) => `${String(pk)}|${String(sk)}`;

export function fakeAuditTable(): FakeAuditTable {
  const items = new Map<string, Item>();
  const m = mockClient(DynamoDBDocumentClient);
  m.on(PutCommand).callsFake((input: { Item: Item; ConditionExpression?: string }) => {
    const k = key(input.Item.pk, input.Item.sk);
    if (input.ConditionExpression === 'attribute_not_exists(pk)' && items.has(k))
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
      });
    items.set(k, structuredClone(input.Item));
    return {};
  });
  m.on(GetCommand).callsFake((input: { Key: Item }) => {
    const item = items.get(key(input.Key.pk, input.Key.sk));
    return item ? { Item: structuredClone(item) } : {};
  });
  m.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Item }) => {
    const pk = input.ExpressionAttributeValues[':pk'];
    const prefix = String(input.ExpressionAttributeValues[':saved']);
    return {
      Items: [...items.values()]
        .filter((i) => i.pk === pk && String(i.sk).startsWith(prefix))
        .map((i) => structuredClone(i)),
    };
  });
  m.on(UpdateCommand).callsFake((input: { Key: Item; ExpressionAttributeValues: Item }) => {
    const item = items.get(key(input.Key.pk, input.Key.sk));
    if (item) item.recreatedAt = input.ExpressionAttributeValues[':at'];
    return {};
  });
  m.on(DeleteCommand).callsFake((input: { Key: Item }) => {
    items.delete(key(input.Key.pk, input.Key.sk));
    return {};
  });
  m.on(TransactWriteCommand).callsFake(
    (input: { TransactItems: { Put?: { Item: Item }; Delete?: { Key: Item } }[] }) => {
      for (const t of input.TransactItems) {
        if (t.Put) items.set(key(t.Put.Item.pk, t.Put.Item.sk), structuredClone(t.Put.Item));
        if (t.Delete) items.delete(key(t.Delete.Key.pk, t.Delete.Key.sk));
      }
      return {};
    },
  );
  return {
    mock: m,
    items,
    savedItems: () => [...items.values()].filter((i) => String(i.sk).startsWith('SAVED#')),
    auditItems: () => [...items.values()].filter((i) => String(i.sk).startsWith('AUDIT#')),
  };
}
