/**
 * Settings and SDK clients of the auto-stop functions, from environment variables, so the same
 * code runs in Lambda, locally against an emulator (AWS_ENDPOINT_URL) and in the CLI.
 *
 * | Variable | Meaning | Default |
 * | --- | --- | --- |
 * | GUARDRAILS_POLICY_FILE | policy YAML | config/guardrails.yaml |
 * | AUDIT_TABLE_NAME | audit DynamoDB table | required by the functions |
 * | IDEMPOTENCY_TABLE_NAME | Powertools idempotency table | required by the notification function |
 * | REPORT_TOPIC_ARN | email report topic | none: no report |
 * | WORK_QUEUE_URL | fan-out queue | none: everything inline |
 * | AUTO_STOP_CONCURRENCY | stop calls in flight | 4 |
 * | AUTO_STOP_INLINE_LIMIT | most stops done inline before fanning out | 200 |
 * | AUTO_STOP_LIST_RATE | SageMaker List* calls per second per operation (0: no pacing) | 2 |
 * | AWS_RETRY_MODE / AWS_MAX_ATTEMPTS | SDK retry | adaptive / 10 |
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optionalEnv } from '../shared/env';
import { sdkClientConfig as sdkConfig } from '../shared/sdk';
import type { AutoStopClients } from './run';

/** The one SDK client configuration of every function (lambdas/shared/sdk.ts). */
export { sdkConfig };

export interface AutoStopSdk extends AutoStopClients {
  readonly sagemakerList: SageMakerClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly rawDynamo: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/** One set of clients with the {@link sdkConfig} settings. */
export function createClients(env: NodeJS.ProcessEnv = process.env): AutoStopSdk {
  const config = sdkConfig(env);
  const rawDynamo = new DynamoDBClient(config);
  return {
    sagemaker: new SageMakerClient(config),
    // Listings are paced client-side (AUTO_STOP_LIST_RATE): standard retry, own retry state.
    sagemakerList: new SageMakerClient({ ...config, retryMode: 'standard' }),
    autoScaling: new ApplicationAutoScalingClient(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
    budgets: new BudgetsClient(config),
    rawDynamo,
    dynamo: DynamoDBDocumentClient.from(rawDynamo, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
  };
}

export interface AutoStopEnv {
  readonly auditTableName: string | undefined;
  readonly idempotencyTableName: string | undefined;
  readonly reportTopicArn: string | undefined;
  readonly workQueueUrl: string | undefined;
  readonly concurrency: number;
  readonly inlineActionLimit: number;
  readonly listRate: number;
}

function positiveInt(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = optionalEnv(name, String(fallback), env);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`Environment variable ${name} must be a positive integer, got "${raw}"`);
  return value;
}

function nonNegative(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = optionalEnv(name, String(fallback), env);
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`Environment variable ${name} must be a number >= 0, got "${raw}"`);
  return value;
}

/** The documented settings (see the table above). */
export function readAutoStopEnv(env: NodeJS.ProcessEnv = process.env): AutoStopEnv {
  const opt = (name: string) => env[name] || undefined;
  return {
    auditTableName: opt('AUDIT_TABLE_NAME'),
    idempotencyTableName: opt('IDEMPOTENCY_TABLE_NAME'),
    reportTopicArn: opt('REPORT_TOPIC_ARN'),
    workQueueUrl: opt('WORK_QUEUE_URL'),
    concurrency: positiveInt('AUTO_STOP_CONCURRENCY', 4, env),
    inlineActionLimit: positiveInt('AUTO_STOP_INLINE_LIMIT', 200, env),
    listRate: nonNegative('AUTO_STOP_LIST_RATE', 2, env),
  };
}
