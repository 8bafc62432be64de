import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DescribeTransformJobCommand,
  ListHyperParameterTuningJobsCommand,
  ListNotebookInstancesCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BOUND_SLACK_MS,
  type Candidate,
  type DiscoveryRecord,
  discoverKind,
} from '../../../lambdas/auto-stop/discovery';
import {
  isStoppable,
  KIND_SPECS,
  type StoppableSpec,
} from '../../../lambdas/shared/sagemaker-kinds';
import { arnOf, awsError } from '../../helpers/auto-stop';

const sagemaker = mockClient(SageMakerClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const NOW = new Date('2026-11-26T12:00:00Z');
const DAY = 86_400_000;

afterEach(() => {
  sagemaker.reset();
  tagging.reset();
});

function spec(kind: keyof typeof KIND_SPECS): StoppableSpec {
  const s = KIND_SPECS[kind];
  if (!isStoppable(s)) throw new Error(`${kind} is not stoppable`);
  return s;
}

async function discover(
  kind: keyof typeof KIND_SPECS,
): Promise<{ record: DiscoveryRecord; found: Candidate[] }> {
  const { record, pages } = discoverKind({
    spec: spec(kind),
    region: 'eu-west-1',
    sagemaker: new SageMakerClient({}),
    tagging: new ResourceGroupsTaggingAPIClient({}),
    projectTag: { key: 'Project', value: 'fraud-detection' },
    now: NOW,
    pace: async () => {},
  });
  const found: Candidate[] = [];
  for await (const page of pages) found.push(...page);
  return { record, found };
}

/** A listing page of `n` jobs created `ageDays` ago and older, one hour apart, newest first. */
function page(prefix: string, field: string, n: number, ageDays: number, running: string[] = []) {
  return Array.from({ length: n }, (_, i) => {
    const name = `${prefix}-${i}`;
    return {
      [`${field}Name`]: name,
      [`${field}Arn`]: arnOf(
        field === 'TrainingJob'
          ? 'training-job'
          : field === 'ProcessingJob'
            ? 'processing-job'
            : field === 'TransformJob'
              ? 'transform-job'
              : 'hyperparameter-tuning-job',
        name,
      ),
      [`${field}Status`]: running.includes(name) ? 'InProgress' : 'Completed',
      CreationTime: new Date(NOW.getTime() - ageDays * DAY - i * 3_600_000),
    };
  });
}

describe('discoverKind: kinds with a documented maximum runtime', () => {
  it.each([
    ['training-job', ListTrainingJobsCommand, 'TrainingJob', 'TrainingJobSummaries', 58],
    ['processing-job', ListProcessingJobsCommand, 'ProcessingJob', 'ProcessingJobSummaries', 9],
    [
      'hyperparameter-tuning-job',
      ListHyperParameterTuningJobsCommand,
      'HyperParameterTuningJob',
      'HyperParameterTuningJobSummaries',
      30,
    ],
  ] as const)(
    '%s: reads newest first and stops at the page that reaches now - %s days',
    async (kind, command, field, list, days) => {
      // Prepare: page 1 inside the bound, page 2 crosses it, page 3 is older history.
      sagemaker
        .on(command as typeof ListTrainingJobsCommand)
        .resolvesOnce({ [list]: page('a', field, 100, 0, ['a-3']), NextToken: 't1' })
        .resolvesOnce({ [list]: page('b', field, 100, days - 1, ['b-0']), NextToken: 't2' })
        .resolvesOnce({ [list]: page('c', field, 100, days + 5, ['c-1']), NextToken: 't3' });
      // Act
      const { record, found } = await discover(kind);
      // Assess
      expect(sagemaker).toHaveReceivedCommandTimes(command as typeof ListTrainingJobsCommand, 2);
      const first = sagemaker.commandCalls(command as typeof ListTrainingJobsCommand)[0]?.args[0]
        .input;
      expect(first).toMatchObject({
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 100,
      });
      // No status filter: SageMaker applies it after MaxResults, which would hide where the bound is.
      expect(first).not.toHaveProperty('StatusEquals');
      expect(found.map((c) => c.name)).toEqual(['a-3', 'b-0']);
      expect(record).toMatchObject({
        path: 'bounded-listing',
        listPages: 2,
        candidates: 2,
        createdAfter: new Date(NOW.getTime() - days * DAY - BOUND_SLACK_MS).toISOString(),
      });
      expect(record.reason).toMatch(/SageMaker (API Reference|Developer Guide)/);
    },
  );

  it('keeps reading when a page is entirely inside the bound, and ends at the last page', async () => {
    sagemaker
      .on(ListProcessingJobsCommand)
      .resolvesOnce({
        ProcessingJobSummaries: page('a', 'ProcessingJob', 100, 0) as never,
        NextToken: 't',
      })
      .resolvesOnce({ ProcessingJobSummaries: page('b', 'ProcessingJob', 3, 1, ['b-2']) as never });
    const { record, found } = await discover('processing-job');
    expect(record.listPages).toBe(2);
    expect(found.map((c) => c.name)).toEqual(['b-2']);
  });

  it('reads past an empty page that carries a NextToken', async () => {
    sagemaker
      .on(ListTrainingJobsCommand)
      .resolvesOnce({ TrainingJobSummaries: [], NextToken: 't' })
      .resolvesOnce({ TrainingJobSummaries: page('a', 'TrainingJob', 2, 0, ['a-1']) as never });
    const { found } = await discover('training-job');
    expect(found.map((c) => c.name)).toEqual(['a-1']);
  });
});

describe('discoverKind: notebooks (no bound, no history)', () => {
  it('lists InService notebooks, every page, and reads no tags itself', async () => {
    sagemaker
      .on(ListNotebookInstancesCommand)
      .resolvesOnce({ NotebookInstances: [], NextToken: 't' })
      .resolvesOnce({
        NotebookInstances: [
          {
            NotebookInstanceName: 'nb',
            NotebookInstanceArn: arnOf('notebook-instance', 'nb'),
            NotebookInstanceStatus: 'InService',
            CreationTime: new Date('2020-01-01T00:00:00Z'),
          },
        ],
      });
    const { record, found } = await discover('notebook-instance');
    expect(sagemaker).toHaveReceivedCommandWith(ListNotebookInstancesCommand, {
      StatusEquals: 'InService',
    });
    expect(found.map((c) => [c.name, c.tags])).toEqual([['nb', undefined]]);
    expect(record).toMatchObject({ path: 'existing-listing', listPages: 2 });
    expect(tagging).not.toHaveReceivedCommand(GetResourcesCommand);
  });
});

describe('discoverKind: transform jobs (no bound, history) take the cheaper path', () => {
  const tagged = (names: string[]) => ({
    ResourceTagMappingList: names.map((n) => ({
      ResourceARN: arnOf('transform-job', n),
      Tags: [{ Key: 'Project', Value: 'fraud-detection' }],
    })),
    PaginationToken: '',
  });

  it('describes the few tagged ARNs when that finishes before the listing', async () => {
    // Prepare: 2 tagged transform jobs; the account's listing would take many pages.
    tagging.on(GetResourcesCommand).resolves(tagged(['t-1', 't-gone']));
    sagemaker.on(DescribeTransformJobCommand, { TransformJobName: 't-1' }).resolves({
      TransformJobArn: arnOf('transform-job', 't-1'),
      TransformJobStatus: 'InProgress',
    });
    sagemaker
      .on(DescribeTransformJobCommand, { TransformJobName: 't-gone' })
      .rejects(awsError('ResourceNotFound', 'Could not find job'));
    sagemaker
      .on(ListTransformJobsCommand)
      .resolves({ TransformJobSummaries: [], NextToken: 'more' });
    // Act
    const { record, found } = await discover('transform-job');
    // Assess
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, {
      ResourceTypeFilters: ['sagemaker:transform-job'],
      TagFilters: [{ Key: 'Project', Values: ['fraud-detection'] }],
    });
    expect(found.map((c) => [c.name, c.tags?.Project])).toEqual([['t-1', 'fraud-detection']]);
    expect(record).toMatchObject({ path: 'tagged-describe', describes: 2 });
    expect(record.listPages).toBeLessThanOrEqual(2);
  });

  it('lists the running ones when the listing ends before the many tagged ARNs are described', async () => {
    // Prepare: 50 tagged transform jobs, one listing page of running jobs.
    tagging
      .on(GetResourcesCommand)
      .resolves(tagged(Array.from({ length: 50 }, (_, i) => `t-${i}`)));
    sagemaker.on(DescribeTransformJobCommand).resolves({ TransformJobStatus: 'Completed' });
    sagemaker.on(ListTransformJobsCommand).resolves({
      TransformJobSummaries: [
        {
          TransformJobName: 't-7',
          TransformJobArn: arnOf('transform-job', 't-7'),
          TransformJobStatus: 'InProgress',
          CreationTime: NOW,
        },
        {
          TransformJobName: 'other',
          TransformJobArn: arnOf('transform-job', 'other'),
          TransformJobStatus: 'InProgress',
          CreationTime: NOW,
        },
      ],
    });
    // Act
    const { record, found } = await discover('transform-job');
    // Assess: one page and one describe, not 50 describes.
    expect(sagemaker).toHaveReceivedCommandWith(ListTransformJobsCommand, {
      StatusEquals: 'InProgress',
    });
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeTransformJobCommand, 1);
    expect(found.map((c) => c.name)).toEqual(['t-7']);
    expect(record).toMatchObject({ path: 'listing', listPages: 1 });
  });

  it('lists the running ones without reading further tags when the project has over 100 tagged ARNs', async () => {
    // Prepare: the first tagging page is full and has a next page.
    tagging.on(GetResourcesCommand).resolves({
      ...tagged(Array.from({ length: 100 }, (_, i) => `t-${i}`)),
      PaginationToken: 'more',
    });
    sagemaker
      .on(ListTransformJobsCommand)
      .resolvesOnce({ TransformJobSummaries: [], NextToken: 'n' })
      .resolvesOnce({
        TransformJobSummaries: [
          {
            TransformJobName: 'r',
            TransformJobArn: arnOf('transform-job', 'r'),
            TransformJobStatus: 'InProgress',
            CreationTime: NOW,
          },
        ],
      });
    // Act
    const { record, found } = await discover('transform-job');
    // Assess: one tagging page, no describes; the candidate's tags are read later by ARN.
    expect(tagging).toHaveReceivedCommandTimes(GetResourcesCommand, 1);
    expect(sagemaker).not.toHaveReceivedCommand(DescribeTransformJobCommand);
    expect(found.map((c) => [c.name, c.tags])).toEqual([['r', undefined]]);
    expect(record).toMatchObject({ path: 'listing', listPages: 2, taggingPages: 1 });
  });

  it('reads nothing from SageMaker when the project has no tagged transform job', async () => {
    tagging.on(GetResourcesCommand).resolves(tagged([]));
    const { record, found } = await discover('transform-job');
    expect(found).toEqual([]);
    expect(sagemaker).not.toHaveReceivedCommand(ListTransformJobsCommand);
    expect(record.path).toBe('tagged-describe');
  });
});

describe('the kind registry', () => {
  it('has one spelling per kind and its tagging type, with a documented bound where one exists', () => {
    expect(
      Object.values(KIND_SPECS).map((k) => [k.kind, k.taggingType, k.bound !== undefined]),
    ).toEqual([
      ['training-job', 'sagemaker:training-job', true],
      ['processing-job', 'sagemaker:processing-job', true],
      ['transform-job', 'sagemaker:transform-job', false],
      ['hyperparameter-tuning-job', 'sagemaker:hyper-parameter-tuning-job', true],
      ['notebook-instance', 'sagemaker:notebook-instance', false],
      ['endpoint', 'sagemaker:endpoint', false],
      ['inference-component', 'sagemaker:inference-component', false],
    ]);
  });
});
