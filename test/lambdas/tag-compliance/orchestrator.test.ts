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
  ListTagsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PutEvaluationsFailedError } from '../../../lambdas/tag-compliance/config';
import { EVALUATION_RESOURCE_TYPE } from '../../../lambdas/tag-compliance/evaluate';
import { InvalidConfigEventError } from '../../../lambdas/tag-compliance/event';
import {
  fitMessage,
  MAX_SNS_MESSAGE_BYTES,
  publishOwnerReports,
} from '../../../lambdas/tag-compliance/notify';
import {
  auditRegions,
  runTagAudit as run,
  type TagAuditDeps,
} from '../../../lambdas/tag-compliance/orchestrator';
import { examplePolicy } from '../../helpers/app';

const sm = mockClient(SageMakerClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const config = mockClient(ConfigServiceClient);
const sns = mockClient(SNSClient);

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:owners';
const event = JSON.parse(
  readFileSync(
    path.join(__dirname, '../../fixtures/tag-compliance/config-rule-event.json'),
    'utf8',
  ),
) as Record<string, unknown>;
const NOW = new Date('2026-11-26T03:05:00Z');

const compliantTags = [
  { Key: 'Environment', Value: 'prod' },
  { Key: 'Project', Value: 'fraud-detection' },
  { Key: 'CostCenter', Value: 'CC-1100-RISK' },
  { Key: 'Team', Value: 'ml-engineering' },
  { Key: 'ModelName', Value: 'fraud_detection' },
  { Key: 'ManagedBy', Value: 'sagemaker-pipelines' },
  { Key: 'CreatedBy', Value: 'pipeline' },
];

function deps(): TagAuditDeps {
  return {
    sagemaker: new SageMakerClient({}),
    tagging: new ResourceGroupsTaggingAPIClient({}),
    config: new ConfigServiceClient({}),
    sns: new SNSClient({}),
    policy: examplePolicy(),
    ownerTopicArn: TOPIC,
    region: 'eu-west-1',
    retry: { sleep: async () => {} },
    now: () => NOW,
    logger: { appendKeys: () => {}, debug: () => {}, info: () => {}, error: () => {} },
    count: () => {},
  };
}

function trainingJobs(names: string[]) {
  return names.map((n) => ({
    TrainingJobName: n,
    TrainingJobArn: `${ARN}:training-job/${n}`,
    TrainingJobStatus: 'Completed' as const,
    CreationTime: new Date('2026-11-01T00:00:00Z'),
  }));
}

beforeEach(() => {
  for (const cmd of [
    ListProcessingJobsCommand,
    ListTransformJobsCommand,
    ListHyperParameterTuningJobsCommand,
    ListEndpointsCommand,
    ListInferenceComponentsCommand,
  ])
    sm.on(cmd as typeof ListEndpointsCommand).resolves({});
  sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});

afterEach(() => {
  sm.reset();
  tagging.reset();
  config.reset();
  sns.reset();
});

describe('runTagAudit', () => {
  it('reports compliant, non-compliant and deleted resources with the event result token and notification time', async () => {
    // Prepare: "ok" is tagged, "untagged" is absent from the tagging API, "gone" is only in the tagging API.
    sm.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: trainingJobs(['ok', 'untagged']),
    });
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: `${ARN}:training-job/ok`, Tags: compliantTags },
        { ResourceARN: `${ARN}:endpoint/gone`, Tags: compliantTags },
      ],
    });

    // Act
    const summary = await run(event, deps());

    // Assess
    expect(summary).toMatchObject({
      compliant: 1,
      nonCompliant: 1,
      notApplicable: 1,
      putEvaluationsCalls: 1,
    });
    const at = new Date('2026-11-26T03:00:00.373Z');
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: 'result-token-from-config',
      Evaluations: [
        expect.objectContaining({
          ComplianceResourceId: `${ARN}:training-job/ok`,
          ComplianceType: 'COMPLIANT',
          ComplianceResourceType: EVALUATION_RESOURCE_TYPE,
          OrderingTimestamp: at,
        }),
        expect.objectContaining({
          ComplianceResourceId: `${ARN}:training-job/untagged`,
          ComplianceType: 'NON_COMPLIANT',
        }),
        expect.objectContaining({
          ComplianceResourceId: `${ARN}:endpoint/gone`,
          ComplianceType: 'NOT_APPLICABLE',
        }),
      ],
    });
  });

  it('counts the verdicts, the owner messages and the throttled requests as metrics', async () => {
    // Prepare: one compliant and one untagged job; the tagging API throttles once.
    sm.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: trainingJobs(['ok', 'untagged']),
    });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    tagging
      .on(GetResourcesCommand)
      .rejectsOnce(throttled)
      .resolves({
        ResourceTagMappingList: [{ ResourceARN: `${ARN}:training-job/ok`, Tags: compliantTags }],
      });
    const counted = new Map<string, number>();
    // Act
    await run(event, {
      ...deps(),
      count: (metric, value) => counted.set(metric, (counted.get(metric) ?? 0) + value),
    });
    // Assess
    expect(Object.fromEntries(counted)).toEqual({
      resourcesCompliant: 1,
      resourcesNonCompliant: 1,
      resourcesNotApplicable: 0,
      ownerMessagesSent: 1,
      throttledRequests: 1,
    });
  });

  it('sends PutEvaluations in batches of at most 100', async () => {
    // Prepare
    const names = Array.from({ length: 250 }, (_, i) => `job-${i}`);
    sm.on(ListTrainingJobsCommand)
      .resolvesOnce({ TrainingJobSummaries: trainingJobs(names.slice(0, 100)), NextToken: 'a' })
      .resolvesOnce({ TrainingJobSummaries: trainingJobs(names.slice(100, 200)), NextToken: 'b' })
      .resolvesOnce({ TrainingJobSummaries: trainingJobs(names.slice(200)) });

    // Act
    const summary = await run(event, deps());

    // Assess
    const sizes = config
      .commandCalls(PutEvaluationsCommand)
      .map((c) => c.args[0].input.Evaluations?.length);
    expect(sizes.sort()).toEqual([100, 100, 50]);
    expect(summary.putEvaluationsCalls).toBe(3);
  });

  it('marks resources it reported before and that no longer exist NOT_APPLICABLE', async () => {
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: {
              ResourceId: `${ARN}:processing-job/old`,
              ResourceType: EVALUATION_RESOURCE_TYPE,
            },
          },
        },
      ],
    });
    await run(event, deps());
    expect(config).toHaveReceivedCommandWith(GetComplianceDetailsByConfigRuleCommand, {
      ConfigRuleName: 'ml-guardrails-sagemaker-required-tags',
      ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
    });
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      Evaluations: [
        expect.objectContaining({
          ComplianceResourceId: `${ARN}:processing-job/old`,
          ComplianceType: 'NOT_APPLICABLE',
        }),
      ],
    });
  });

  it('sends one message per owner team with the team message attribute', async () => {
    // Prepare: two untagged-ish resources of ml-engineering (via project) and one of no known owner.
    sm.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: trainingJobs(['a', 'b', 'c']),
    });
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        {
          ResourceARN: `${ARN}:training-job/a`,
          Tags: [{ Key: 'Project', Value: 'fraud-detection' }],
        },
        {
          ResourceARN: `${ARN}:training-job/b`,
          Tags: [{ Key: 'Project', Value: 'real-time-bidding' }],
        },
      ],
    });

    // Act
    const summary = await run(event, deps());

    // Assess
    expect(summary.ownerMessages).toBe(2);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      MessageAttributes: { team: { DataType: 'String', StringValue: 'ml-engineering' } },
      Message: expect.stringContaining('Project real-time-bidding:'),
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: { team: { DataType: 'String', StringValue: 'platform' } },
      Message: expect.stringContaining('training-job c'),
    });
  });

  it('lists only jobs created within tagCompliance.jobLookbackDays', async () => {
    // Prepare
    const base = deps();
    const policy = {
      ...base.policy,
      tagCompliance: { ...base.policy.tagCompliance, jobLookbackDays: 30 },
    };

    // Act
    await run(event, { ...base, policy });

    // Assess
    expect(sm).toHaveReceivedCommandWith(ListTrainingJobsCommand, {
      CreationTimeAfter: new Date('2026-10-27T03:05:00Z'),
    });
  });

  it('sends no message when everything complies', async () => {
    sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: trainingJobs(['ok']) });
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [{ ResourceARN: `${ARN}:training-job/ok`, Tags: compliantTags }],
    });
    await run(event, deps());
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('reads tags from SageMaker for a resource created after the tagging API was read', async () => {
    // Prepare: created at "now", so the tagging API answer could not contain it yet.
    sm.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: [
        { ...trainingJobs(['new'])[0], CreationTime: NOW } as ReturnType<
          typeof trainingJobs
        >[number],
      ],
    });
    sm.on(ListTagsCommand).resolves({ Tags: compliantTags });

    // Act
    const summary = await run(event, deps());

    // Assess
    expect(sm).toHaveReceivedCommandWith(ListTagsCommand, {
      ResourceArn: `${ARN}:training-job/new`,
    });
    expect(summary.compliant).toBe(1);
  });

  it('fails (for Lambda to retry) and tells no owner when Config rejects evaluations', async () => {
    sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: trainingJobs(['x']) });
    config.on(PutEvaluationsCommand).resolves({
      FailedEvaluations: [
        {
          ComplianceResourceId: `${ARN}:training-job/x`,
          ComplianceResourceType: EVALUATION_RESOURCE_TYPE,
          ComplianceType: 'NON_COMPLIANT',
          OrderingTimestamp: NOW,
        },
      ],
    });
    await expect(run(event, deps())).rejects.toBeInstanceOf(PutEvaluationsFailedError);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('rejects an event that is not a Config rule invocation, naming the fields', async () => {
    await expect(run({ invokingEvent: 'not json' }, deps())).rejects.toThrow(
      InvalidConfigEventError,
    );
    await expect(run({ invokingEvent: 'not json' }, deps())).rejects.toThrow(
      /invokingEvent.*resultToken|resultToken/,
    );
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

describe('tag-compliance handler in several regions', () => {
  it('audits every region the policy lists, each with its own clients, and reports them all', async () => {
    // Prepare: the example policy's projects run in eu-west-1 and us-east-1
    const base = examplePolicy();
    const policy = {
      ...base,
      projects: base.projects.map((p) => ({ ...p, regions: ['eu-west-1', 'us-east-1'] })),
    };
    const us = {
      sagemaker: new SageMakerClient({ region: 'us-east-1' }),
      tagging: new ResourceGroupsTaggingAPIClient({ region: 'us-east-1' }),
    };
    // One class-wide mock answers by the calling client's region.
    const regionOf = async (getClient: () => { config: { region: () => Promise<string> } }) =>
      getClient().config.region();
    sm.on(ListTrainingJobsCommand).callsFake(async (_input, getClient) =>
      (await regionOf(getClient)) === 'us-east-1'
        ? {
            TrainingJobSummaries: [
              {
                TrainingJobName: 'us-job',
                TrainingJobArn: 'arn:aws:sagemaker:us-east-1:111122223333:training-job/us-job',
                TrainingJobStatus: 'InProgress',
                CreationTime: new Date('2026-11-01T00:00:00Z'),
              },
            ],
          }
        : { TrainingJobSummaries: trainingJobs(['eu-job']) },
    );
    sm.on(ListTagsCommand).resolves({ Tags: [] });
    const asked: string[] = [];
    // Act
    await run(event, {
      ...deps(),
      policy,
      clientsFor: (region) => {
        asked.push(region);
        return us;
      },
    });
    // Assess
    expect(asked).toEqual(['us-east-1']);
    const reported = config
      .commandCalls(PutEvaluationsCommand)
      .flatMap((c) => c.args[0].input.Evaluations ?? [])
      .map((e) => e.ComplianceResourceId);
    expect(reported).toEqual(
      expect.arrayContaining([
        `${ARN}:training-job/eu-job`,
        'arn:aws:sagemaker:us-east-1:111122223333:training-job/us-job',
      ]),
    );
  });

  it.each([
    ['the own region when no project lists one', [[], []], 'eu-west-1', ['eu-west-1']],
    [
      'the union of listed regions, and the own region for projects listing none',
      [['us-east-1'], []],
      'eu-west-1',
      ['eu-west-1', 'us-east-1'],
    ],
    [
      'only listed regions when the own region is unknown',
      [['us-east-1']],
      undefined,
      ['us-east-1'],
    ],
  ])('auditRegions: %s', (_name, lists, own, expected) => {
    // Prepare
    const policy = {
      projects: lists.map((regions) => ({ ...examplePolicy().projects[0], regions })),
    };
    // Act / Assess
    expect(auditRegions(policy as Pick<TagAuditDeps['policy'], 'projects'>, own)).toEqual(expected);
  });
});

describe('fitMessage', () => {
  const report = (n: number) =>
    [
      `${n} SageMaker resources owned by ml-engineering lack required tags.`,
      '',
      'Project fraud-detection:',
      ...Array.from({ length: n }, (_, i) => [
        `  - training-job job-${i}: missing CostCenter`,
        `    arn:aws:sagemaker:eu-west-1:111122223333:training-job/job-${i}`,
      ]).flat(),
      '',
      'Sent by ml-guardrails tag audit (AWS Config custom rule).',
    ].join('\n');

  it('leaves a message under the limit unchanged', () => {
    // Act
    const fitted = fitMessage(report(3), MAX_SNS_MESSAGE_BYTES);
    // Assess
    expect(fitted).toEqual({ message: report(3), omitted: 0 });
  });

  it('cuts a report of 10,000 resources under 256 KiB, whole resources only, and says how many were left out', () => {
    // Act
    const fitted = fitMessage(report(10_000), MAX_SNS_MESSAGE_BYTES);
    // Assess
    expect(Buffer.byteLength(fitted.message)).toBeLessThanOrEqual(MAX_SNS_MESSAGE_BYTES);
    const kept = fitted.message.split('\n').filter((l) => l.startsWith('  - ')).length;
    expect(kept + fitted.omitted).toBe(10_000);
    expect(fitted.omitted).toBeGreaterThan(0);
    expect(fitted.message).toContain(`... and ${fitted.omitted} more resources left out`);
    expect(
      fitted.message.endsWith('Sent by ml-guardrails tag audit (AWS Config custom rule).'),
    ).toBe(true);
    expect(fitted.message).toContain(`training-job/job-${kept - 1}`);
  });

  it('publishes the cut message, so SNS never rejects an owner report for its size', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    // Act
    await publishOwnerReports(new SNSClient({}), TOPIC, [
      {
        team: 'ml-engineering',
        owners: ['ml-engineering'],
        subject: 'Tags missing',
        message: report(10_000),
        nonCompliant: 10_000,
      },
    ]);
    // Assess
    const sent = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(Buffer.byteLength(sent)).toBeLessThan(MAX_SNS_MESSAGE_BYTES);
    expect(sent).toContain('more resources left out');
  });
});
