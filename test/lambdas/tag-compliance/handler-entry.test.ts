import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ListEndpointsCommand,
  ListHyperParameterTuningJobsCommand,
  ListInferenceComponentsCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_POLICY_FILE } from '../../helpers/app';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333';
const context = {
  functionName: 'tag-compliance',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:tag-audit',
  memoryLimitInMB: '1024',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/tag-audit',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 900_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} as Context;

describe('tag-compliance handler (middy entry point)', () => {
  const sm = mockClient(SageMakerClient);
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const config = mockClient(ConfigServiceClient);
  const sns = mockClient(SNSClient);

  // The handler reads its configuration when loaded: load it once the environment is set.
  let handler: typeof import('../../../lambdas/tag-compliance/handler.js').handler;

  beforeAll(async () => {
    process.env.GUARDRAILS_POLICY_FILE = EXAMPLE_POLICY_FILE;
    process.env.OWNER_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:owners';
    ({ handler } = await import('../../../lambdas/tag-compliance/handler.js'));
    sm.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: [
        {
          TrainingJobName: 'j',
          TrainingJobArn: `${ARN}:training-job/j`,
          TrainingJobStatus: 'Completed',
          CreationTime: new Date('2026-01-01T00:00:00Z'),
        },
      ],
    });
    sm.on(ListProcessingJobsCommand).resolves({});
    sm.on(ListTransformJobsCommand).resolves({});
    sm.on(ListHyperParameterTuningJobsCommand).resolves({});
    sm.on(ListEndpointsCommand).resolves({});
    sm.on(ListInferenceComponentsCommand).resolves({});
    tagging.on(GetResourcesCommand).resolves({});
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({});
    config.on(PutEvaluationsCommand).resolves({});
    sns.on(PublishCommand).resolves({});
  });

  afterAll(() => {
    for (const m of [sm, tagging, config, sns]) m.restore();
    delete process.env.GUARDRAILS_POLICY_FILE;
    delete process.env.OWNER_TOPIC_ARN;
  });

  it('reads the bundled policy and topic from the environment and reports through Config and SNS', async () => {
    // Prepare
    const event = JSON.parse(
      readFileSync(
        path.join(__dirname, '../../fixtures/tag-compliance/config-rule-event.json'),
        'utf8',
      ),
    );

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toMatchObject({ nonCompliant: 1, ownerMessages: 1 });
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: 'result-token-from-config',
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:eu-west-1:111122223333:owners',
    });
  });
});
