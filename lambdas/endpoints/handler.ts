/**
 * The restore function: invoked by the platform team with `{ "projectId": "...", "endpointName":
 * "..." }`, or by EventBridge Scheduler on the first day of a budget period with `{ "projectId":
 * "...", "trigger": "next-period" }`, it brings back the endpoints auto-stop parked or scaled to
 * zero. Settings: AUDIT_TABLE_NAME, GUARDRAILS_POLICY_FILE, REPORT_TOPIC_ARN (optional: where
 * the report of a restore that changed something is sent).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Project } from '../../lib/config/schema';
import { requireEnv } from '../shared/env';
import { type ChangeEventSink, eventBridgeChangeSink } from '../shared/eventbridge';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics, tracer } from '../shared/powertools';
import { publishReport } from '../shared/report-topic';
import { sdkClientConfig } from '../shared/sdk';
import '../shared/zod-messages';
import { restoreChangeDetail } from './change-events';
import { formatRestoreReport } from './report';
import { type RestoreReport, runRestore } from './restore';
import type { EndpointClients } from './to-zero';

/** The invocation payload. */
export const RestoreEventSchema = z.strictObject({
  projectId: z.string().check(z.minLength(1)),
  endpointName: z.optional(z.string().check(z.minLength(1), z.maxLength(63))),
  dryRun: z.optional(z.boolean()),
  /** What started the run: a person (default) or the next-period schedule. */
  trigger: z.optional(z.enum(['on-request', 'next-period'])),
});
export type RestoreEvent = z.infer<typeof RestoreEventSchema>;

/** A payload that does not name a known project. */
export class RestoreInputError extends Error {
  override readonly name = 'RestoreInputError';
}

/** Validate the event against the schema and the policy's projects. */
export function parseRestoreEvent(event: unknown, projectIds: readonly string[]): RestoreEvent {
  const parsed = RestoreEventSchema.safeParse(event);
  if (!parsed.success)
    throw new RestoreInputError(
      `Invalid restore event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      { cause: parsed.error },
    );
  if (!projectIds.includes(parsed.data.projectId))
    throw new RestoreInputError(
      `Invalid restore event: projectId "${parsed.data.projectId}" is not a project of the policy (${projectIds.join(', ')})`,
    );
  return parsed.data;
}

/** Count restore results as business metrics. */
export function recordMetrics(report: RestoreReport): void {
  for (const o of report.outcomes)
    metrics.addMetric(
      `endpoints${o.result[0]?.toUpperCase()}${o.result.slice(1)}`,
      MetricUnit.Count,
      1,
    );
}

/** Sends the report somewhere people read it (an SNS topic in the function). */
export type ReportSink = (projectId: string, subject: string, text: string) => Promise<void>;

/** Run one restore with the given clients (tests and local runs pass their own). */
export async function run(
  event: unknown,
  deps: {
    clients: EndpointClients;
    projectIds: readonly string[];
    now?: () => Date;
    runId: string;
    report?: ReportSink;
    /** Sends the run's change event to PagerDuty's timeline (never rejects). */
    changeEvents?: ChangeEventSink;
  },
): Promise<RestoreReport> {
  const input = parseRestoreEvent(event, deps.projectIds);
  logger.appendKeys({ projectId: input.projectId, endpointName: input.endpointName });
  const report = await runRestore(deps.clients, input, {
    now: deps.now ?? (() => new Date()),
    runId: deps.runId,
  });
  recordMetrics(report);
  logger.info('restore finished', { report, trigger: input.trigger ?? 'on-request' });
  const change = restoreChangeDetail(report, input.trigger);
  if (change) await deps.changeEvents?.(change);
  // A scheduled run with nothing saved is the normal case: no message for it.
  if (deps.report && !report.nothingSaved)
    await deps.report(
      input.projectId,
      `ml-guardrails: endpoints restored for ${input.projectId}${input.trigger === 'next-period' ? ' (new budget period)' : ''}`,
      formatRestoreReport(report),
    );
  return report;
}

/**
 * The report topic as the sink: addressed to the project's finance and owner emails, like the
 * auto-stop report (the topic's subscriptions filter on the `recipients` attribute).
 */
export function snsReport(
  client: SNSClient,
  topicArn: string,
  projects: readonly Pick<Project, 'id' | 'financeEmails' | 'ownerEmails'>[],
): ReportSink {
  return async (projectId, subject, text) => {
    const project = projects.find((p) => p.id === projectId);
    if (project) await publishReport(client, topicArn, project, { subject, body: text });
  };
}

const sagemaker = tracer.captureAWSv3Client(new SageMakerClient(sdkClientConfig()));
const autoscaling = tracer.captureAWSv3Client(new ApplicationAutoScalingClient(sdkClientConfig()));
const cloudwatch = tracer.captureAWSv3Client(new CloudWatchClient(sdkClientConfig()));
const ddb = DynamoDBDocumentClient.from(
  tracer.captureAWSv3Client(new DynamoDBClient(sdkClientConfig())),
  {
    marshallOptions: { removeUndefinedValues: true },
  },
);

const sns = tracer.captureAWSv3Client(new SNSClient(sdkClientConfig()));
const changeEvents = eventBridgeChangeSink(
  tracer.captureAWSv3Client(new EventBridgeClient(sdkClientConfig())),
  {
    warn: (message, extra) => logger.warn(message, { ...extra }),
    count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
  },
);
const reportTopicArn = process.env.REPORT_TOPIC_ARN;
const policy = loadRuntimePolicy();

export const handler = middy((event: unknown, context: Context) =>
  run(event, {
    clients: {
      sagemaker,
      autoscaling,
      cloudwatch,
      ddb,
      tableName: requireEnv('AUDIT_TABLE_NAME'),
    },
    projectIds: policy.projects.map((p) => p.id),
    runId: context.awsRequestId,
    changeEvents,
    ...(reportTopicArn ? { report: snsReport(sns, reportTopicArn, policy.projects) } : {}),
  }),
)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(captureLambdaHandler(tracer));
