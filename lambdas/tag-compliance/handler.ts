/**
 * Periodic AWS Config rule for the SageMaker resources Config does not record: audits their
 * tags, reports every verdict with PutEvaluations, then sends each owner team one message.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { requireEnv } from '../shared/env';
import { loadRuntimePolicy } from '../shared/policy';
import { logger, metrics, tracer } from '../shared/powertools';
import type { RetryOptions } from '../shared/retry';
import { sdkClientConfig } from '../shared/sdk';
import { auditAccount, emailTeamsOf } from './audit';
import { PutEvaluationsFailedError, previouslyEvaluated, putEvaluations } from './config';
import { EVALUATION_RESOURCE_TYPE, ownerReports, summarize, toEvaluations } from './evaluate';
import { parseConfigRuleEvent } from './event';
import { publishOwnerReports } from './notify';

export interface TagAuditDeps {
  readonly sagemaker: SageMakerClient;
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly config: ConfigServiceClient;
  readonly sns: SNSClient;
  readonly policy: GuardrailsPolicy;
  readonly ownerTopicArn: string;
  readonly region?: string;
  readonly retry?: RetryOptions;
  readonly now?: () => Date;
}

export interface TagAuditSummary {
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
  readonly putEvaluationsCalls: number;
  readonly ownerMessages: number;
}

/** One evaluation run; throws if Config rejects any evaluation, so the invocation fails visibly. */
export async function run(raw: unknown, deps: TagAuditDeps): Promise<TagAuditSummary> {
  const event = parseConfigRuleEvent(raw);
  const now = deps.now ?? (() => new Date());
  logger.appendKeys({ configRuleName: event.configRuleName });

  // One retry policy for every call; throttled requests are counted for one metric at the end.
  let throttled = 0;
  const retry: RetryOptions = {
    ...deps.retry,
    onRetry: (attempt, err) => {
      throttled++;
      logger.debug('throttled, retrying', { attempt, error: String(err) });
    },
  };
  const audit = await auditAccount(deps, deps.policy, {
    previouslyEvaluated: async () =>
      (
        await previouslyEvaluated(
          deps.config,
          event.configRuleName,
          EVALUATION_RESOURCE_TYPE,
          retry,
        )
      ).resourceIds,
    retry,
    jobLookbackDays: deps.policy.tagCompliance.jobLookbackDays,
    now,
  });
  const counts = summarize(audit.verdicts);
  logger.info('tag audit evaluated', { ...counts, requests: audit.requests });

  // Periodic evaluations are stamped with the notification time; an unreadable one falls back to now.
  const notified = new Date(event.invokingEvent.notificationCreationTime ?? Number.NaN);
  const timestamp = Number.isNaN(notified.getTime()) ? now() : notified;
  const put = await putEvaluations(
    deps.config,
    event.resultToken,
    toEvaluations(audit.verdicts, timestamp),
    { retry },
  );
  if (put.failed.length > 0) {
    logger.error('AWS Config rejected evaluations', { failed: put.failed.slice(0, 10) });
    throw new PutEvaluationsFailedError(put.failed);
  }

  const reports = ownerReports(audit.verdicts, {
    emailTeams: emailTeamsOf(deps.policy),
    platformTeam: deps.policy.paging.platformTeam,
    accountId: event.accountId,
    region: deps.region,
  });
  const sent = await publishOwnerReports(deps.sns, deps.ownerTopicArn, reports, retry);

  metrics.addMetric('resourcesCompliant', MetricUnit.Count, counts.COMPLIANT);
  metrics.addMetric('resourcesNonCompliant', MetricUnit.Count, counts.NON_COMPLIANT);
  metrics.addMetric('resourcesNotApplicable', MetricUnit.Count, counts.NOT_APPLICABLE);
  metrics.addMetric('ownerMessagesSent', MetricUnit.Count, sent);
  metrics.addMetric('throttledRequests', MetricUnit.Count, throttled);
  return {
    compliant: counts.COMPLIANT,
    nonCompliant: counts.NON_COMPLIANT,
    notApplicable: counts.NOT_APPLICABLE,
    putEvaluationsCalls: put.calls,
    ownerMessages: sent,
  };
}

const sagemaker = tracer.captureAWSv3Client(new SageMakerClient(sdkClientConfig()));
const tagging = tracer.captureAWSv3Client(new ResourceGroupsTaggingAPIClient(sdkClientConfig()));
const config = tracer.captureAWSv3Client(new ConfigServiceClient(sdkClientConfig()));
const sns = tracer.captureAWSv3Client(new SNSClient(sdkClientConfig()));

export const handler = middy((event: unknown) =>
  run(event, {
    sagemaker,
    tagging,
    config,
    sns,
    policy: loadRuntimePolicy(),
    ownerTopicArn: requireEnv('OWNER_TOPIC_ARN'),
    region: process.env.AWS_REGION,
  }),
)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(captureLambdaHandler(tracer));
