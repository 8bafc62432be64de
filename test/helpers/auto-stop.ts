/**
 * Test doubles shared by the auto-stop tests: ARNs, resources, and an in-memory DynamoDB table
 * behind aws-sdk-client-mock that behaves like the Powertools idempotency store expects
 * (conditional PutItem fails with the old item once a record exists).
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { RunReport } from '../../lambdas/auto-stop/run-report';
import type { Resource } from '../../lambdas/auto-stop/types';
import type { BudgetNotification } from '../../lambdas/shared/budget-message';
import type { ResourceKind } from '../../lib/config/schema';

export const ACCOUNT = '111122223333';

const ARN_TYPE: Record<ResourceKind, string> = {
  'training-job': 'training-job',
  'processing-job': 'processing-job',
  'transform-job': 'transform-job',
  'hyperparameter-tuning-job': 'hyper-parameter-tuning-job',
  'notebook-instance': 'notebook-instance',
  endpoint: 'endpoint',
};

export function arnOf(kind: ResourceKind, name: string): string {
  return `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:${ARN_TYPE[kind]}/${name}`;
}

export function resource(over: Partial<Resource> & { name?: string } = {}): Resource {
  const kind = over.kind ?? 'training-job';
  const name = over.name ?? 'job-1';
  return {
    arn: arnOf(kind, name),
    kind,
    name,
    status: 'InProgress',
    tags: { Project: 'fraud-detection' },
    ...over,
  };
}

/** An SDK-style service error. */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });
}

type Item = Record<string, AttributeValue>;

/** In-memory table for the idempotency records (single `id` key). */
export function fakeIdempotencyTable(ddb: AwsClientStub<DynamoDBClient>) {
  const items = new Map<string, Item>();
  const keyOf = (key: Item | undefined) => JSON.stringify(key?.id);
  ddb.on(PutItemCommand).callsFake((input: { Item: Item }) => {
    const key = keyOf(input.Item);
    const existing = items.get(key);
    if (existing)
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: existing,
      });
    items.set(key, { ...input.Item });
    return {};
  });
  ddb
    .on(UpdateItemCommand)
    .callsFake(
      (input: {
        Key: Item;
        ExpressionAttributeNames: Record<string, string>;
        ExpressionAttributeValues: Record<string, AttributeValue>;
      }) => {
        const key = keyOf(input.Key);
        const item = { ...(items.get(key) ?? input.Key) };
        for (const [placeholder, attr] of Object.entries(input.ExpressionAttributeNames)) {
          const value = input.ExpressionAttributeValues[`:${placeholder.slice(1)}`];
          if (value) item[attr] = value;
        }
        items.set(key, item);
        return {};
      },
    );
  ddb
    .on(GetItemCommand)
    .callsFake((input: { Key: Item }) => ({ Item: items.get(keyOf(input.Key)) }));
  ddb.on(DeleteItemCommand).callsFake((input: { Key: Item }) => {
    items.delete(keyOf(input.Key));
    return {};
  });
  return items;
}

/** The 95 % ACTUAL alert of fraud-detection's $10,000 budget (fixtures/monthly-actual.txt). */
export function budgetNotification(over: Partial<BudgetNotification> = {}): BudgetNotification {
  return {
    budgetName: 'ml-fraud-detection',
    accountId: ACCOUNT,
    alertType: 'ACTUAL',
    thresholdUsd: 9500,
    budgetedUsd: 10000,
    amountUsd: 9612.34,
    period: 'monthly',
    ...over,
  };
}

/** A run for that alert that proceeded in enforce mode and found nothing. */
export function runReport(over: Partial<RunReport> = {}): RunReport {
  return {
    notificationId: '9f1c2e7a-5b0d-5c1e-8f3a-2d4b6c8e0a12',
    project: {
      id: 'fraud-detection',
      name: 'Card fraud detection',
      budgetName: 'ml-fraud-detection',
      exemptionTag: 'ml-guardrails:exempt',
    },
    notification: budgetNotification(),
    mode: 'enforce',
    executed: true,
    proceed: true,
    decision: 'ACTUAL spend $9,612.34 crossed 95 % of $10,000.00',
    unhandledKinds: [],
    tagged: 0,
    discovery: [],
    decisions: [],
    outcomes: [],
    queued: 0,
    queuedNames: [],
    ...over,
  };
}
