import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ListEndpointsCommand,
  ListInferenceComponentsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { retry as retryThrottled } from '../../../lambdas/shared/retry';
import { readTaggedResources } from '../../../lambdas/shared/tagging';
import { listKind, readTags } from '../../../lambdas/tag-compliance/sagemaker';

const sm = mockClient(SageMakerClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333';
const noSleep = { sleep: async () => {} };

function throttled(): Error {
  return new SageMakerServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded',
  });
}

const job = (name: string) => ({
  TrainingJobName: name,
  TrainingJobArn: `${ARN}:training-job/${name}`,
  TrainingJobStatus: 'Completed' as const,
  CreationTime: new Date('2026-11-01T00:00:00Z'),
});

afterEach(() => {
  sm.reset();
  tagging.reset();
});

describe('listKind (SageMaker List* pagination)', () => {
  it('reads every page, including empty pages that still carry a NextToken', async () => {
    // Prepare: an empty page with NextToken, as ListTrainingJobs returns when it filters after paging.
    sm.on(ListTrainingJobsCommand)
      .resolvesOnce({ TrainingJobSummaries: [job('a')], NextToken: 't1' })
      .resolvesOnce({ TrainingJobSummaries: [], NextToken: 't2' })
      .resolvesOnce({ TrainingJobSummaries: [job('b')] });

    // Act
    const { resources, pages } = await listKind(new SageMakerClient({}), 'training-job', noSleep);

    // Assess
    expect(resources.map((r) => r.name)).toEqual(['a', 'b']);
    expect(pages).toBe(3);
    expect(sm).toHaveReceivedCommandWith(ListTrainingJobsCommand, {
      MaxResults: 100,
      NextToken: 't2',
    });
  });

  it('retries a throttled page and goes on', async () => {
    sm.on(ListTrainingJobsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolvesOnce({ TrainingJobSummaries: [job('a')] });
    const { resources } = await listKind(new SageMakerClient({}), 'training-job', noSleep);
    expect(resources).toHaveLength(1);
    expect(sm).toHaveReceivedCommandTimes(ListTrainingJobsCommand, 3);
  });

  it('gives up after the last attempt and lets the throttling error escape', async () => {
    sm.on(ListTrainingJobsCommand).rejects(throttled());
    await expect(
      listKind(new SageMakerClient({}), 'training-job', { ...noSleep, attempts: 3 }),
    ).rejects.toThrow('Rate exceeded');
    expect(sm).toHaveReceivedCommandTimes(ListTrainingJobsCommand, 3);
  });

  it('does not retry errors other than throttling', async () => {
    sm.on(ListEndpointsCommand).rejects(new Error('AccessDenied'));
    await expect(listKind(new SageMakerClient({}), 'endpoint', noSleep)).rejects.toThrow(
      'AccessDenied',
    );
    expect(sm).toHaveReceivedCommandTimes(ListEndpointsCommand, 1);
  });

  it('stops with an error when the same NextToken comes back twice (no endless loop)', async () => {
    sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [], NextToken: 'same' });
    await expect(listKind(new SageMakerClient({}), 'training-job', noSleep)).rejects.toThrow(
      /same NextToken/,
    );
  });

  it('limits job listings to jobs created after the window start (CreationTimeAfter)', async () => {
    const after = new Date('2026-10-27T00:00:00Z');
    sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
    await listKind(new SageMakerClient({}), 'training-job', noSleep, after);
    expect(sm).toHaveReceivedCommandWith(ListTrainingJobsCommand, { CreationTimeAfter: after });
  });

  it('lists endpoints whole, whatever the job window', async () => {
    sm.on(ListEndpointsCommand).resolves({ Endpoints: [] });
    await listKind(new SageMakerClient({}), 'endpoint', noSleep, new Date());
    const input = sm.commandCalls(ListEndpointsCommand)[0]?.args[0].input;
    expect(input).toEqual({ MaxResults: 100, NextToken: undefined });
  });

  it('maps inference components with their status', async () => {
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [
        {
          InferenceComponentName: 'ic',
          InferenceComponentArn: `${ARN}:inference-component/ic`,
          InferenceComponentStatus: 'InService',
          EndpointName: 'e',
          EndpointArn: `${ARN}:endpoint/e`,
          VariantName: 'v',
          CreationTime: new Date(),
          LastModifiedTime: new Date(),
        },
      ],
    });
    const { resources } = await listKind(new SageMakerClient({}), 'inference-component', noSleep);
    expect(resources).toMatchObject([
      { kind: 'inference-component', name: 'ic', status: 'InService' },
    ]);
  });
});

describe('readTags (SageMaker ListTags)', () => {
  it('reads every page of tags of each resource', async () => {
    sm.on(ListTagsCommand)
      .resolvesOnce({ Tags: [{ Key: 'Project', Value: 'p' }], NextToken: 'n' })
      .resolvesOnce({ Tags: [{ Key: 'CostCenter', Value: 'c' }] });
    const [r] = await readTags(new SageMakerClient({}), [`${ARN}:endpoint/e`], noSleep);
    expect(r?.tags).toEqual({ Project: 'p', CostCenter: 'c' });
  });
});

describe('readTaggedResources for the audit (tagging API pagination)', () => {
  it('filters on the audited SageMaker types and follows PaginationToken to the end', async () => {
    // Prepare
    tagging
      .on(GetResourcesCommand)
      .resolvesOnce({
        ResourceTagMappingList: [
          { ResourceARN: `${ARN}:endpoint/e`, Tags: [{ Key: 'Project', Value: 'p' }] },
        ],
        PaginationToken: 'p1',
      })
      .resolvesOnce({ ResourceTagMappingList: [], PaginationToken: 'p2' })
      .resolvesOnce({
        ResourceTagMappingList: [{ ResourceARN: `${ARN}:training-job/t`, Tags: [] }],
        PaginationToken: '',
      });

    // Act
    const { resources, pages } = await readTaggedResources(new ResourceGroupsTaggingAPIClient({}), {
      resourceTypes: ['sagemaker:endpoint', 'sagemaker:training-job'],
      wrap: (call) => retryThrottled(call, noSleep),
    });

    // Assess
    expect(pages).toBe(3);
    expect(resources).toEqual([
      { arn: `${ARN}:endpoint/e`, tags: { Project: 'p' } },
      { arn: `${ARN}:training-job/t`, tags: {} },
    ]);
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, {
      ResourceTypeFilters: ['sagemaker:endpoint', 'sagemaker:training-job'],
      ResourcesPerPage: 100,
      PaginationToken: 'p2',
    });
  });

  it('retries throttled pages', async () => {
    tagging
      .on(GetResourcesCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolvesOnce({ ResourceTagMappingList: [] });
    const { pages } = await readTaggedResources(new ResourceGroupsTaggingAPIClient({}), {
      resourceTypes: ['sagemaker:endpoint'],
      wrap: (call) => retryThrottled(call, noSleep),
    });
    expect(pages).toBe(1);
    expect(tagging).toHaveReceivedCommandTimes(GetResourcesCommand, 2);
  });
});

describe('retryThrottled', () => {
  it('backs off exponentially, capped, with jitter', async () => {
    // Prepare
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const sleeps: number[] = [];
    let calls = 0;

    // Act
    await retryThrottled(
      async () => {
        calls++;
        if (calls < 5) throw Object.assign(new Error('x'), { name: 'ThrottlingException' });
        return calls;
      },
      { baseDelayMs: 100, maxDelayMs: 500, sleep: async (ms) => void sleeps.push(ms) },
    );

    // Assess
    expect(sleeps).toEqual([100, 200, 400, 500]);
    vi.restoreAllMocks();
  });
});
