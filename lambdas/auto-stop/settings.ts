/**
 * Settings of the auto-stop functions, from environment variables, so the same code runs in
 * Lambda, locally against an emulator (AWS_ENDPOINT_URL) and in the CLI.
 *
 * | Variable | Meaning | Default |
 * | --- | --- | --- |
 * | GUARDRAILS_POLICY_FILE | policy YAML | config/guardrails.yaml |
 * | AWS_REGION | the deployment region (projects without `regions` run there) | required |
 * | AUDIT_TABLE_NAME | audit DynamoDB table | required by the functions |
 * | IDEMPOTENCY_TABLE_NAME | Powertools idempotency table | required by the notification function |
 * | AUTO_STOP_TOPIC_ARN | the only topic whose records are accepted | none: no topic check (CLI) |
 * | REPORT_TOPIC_ARN | email report topic | none: no report |
 * | WORK_QUEUE_URL | fan-out queue | none: everything inline |
 * | AUTO_STOP_CONCURRENCY | stop calls in flight | 4 |
 * | AUTO_STOP_INLINE_LIMIT | most stops done inline before fanning out | 1000 |
 * | AUTO_STOP_LIST_RATE | SageMaker List* calls per second per operation and region (0: no pacing) | 2 |
 * | AWS_RETRY_MODE / AWS_MAX_ATTEMPTS | SDK retry | adaptive / 10 |
 */
import { optionalEnv } from '../shared/env';

export interface AutoStopEnv {
  readonly region: string;
  readonly auditTableName: string | undefined;
  readonly idempotencyTableName: string | undefined;
  readonly topicArn: string | undefined;
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
  const region = opt('AWS_REGION') ?? opt('AWS_DEFAULT_REGION');
  if (!region)
    throw new Error('Environment variable AWS_REGION is not set: auto-stop needs its region');
  return {
    region,
    auditTableName: opt('AUDIT_TABLE_NAME'),
    idempotencyTableName: opt('IDEMPOTENCY_TABLE_NAME'),
    topicArn: opt('AUTO_STOP_TOPIC_ARN'),
    reportTopicArn: opt('REPORT_TOPIC_ARN'),
    workQueueUrl: opt('WORK_QUEUE_URL'),
    concurrency: positiveInt('AUTO_STOP_CONCURRENCY', 4, env),
    inlineActionLimit: positiveInt('AUTO_STOP_INLINE_LIMIT', 1000, env),
    listRate: nonNegative('AUTO_STOP_LIST_RATE', 2, env),
  };
}
