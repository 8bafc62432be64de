import {
  ListNotebookInstancesCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
  StopNotebookInstanceCommand,
  StopTrainingJobCommand,
  type TrainingJobStatus,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planStop } from '../../../lambdas/auto-stop/kinds/common';
import { jobHandlers, trainingJobSpec } from '../../../lambdas/auto-stop/kinds/jobs';
import { notebookHandler } from '../../../lambdas/auto-stop/kinds/notebooks';
import { sageMakerStopHandler } from '../../../lambdas/auto-stop/kinds/sagemaker-stop';
import { listPacer } from '../../../lambdas/auto-stop/pacer';
import type { RunContext } from '../../../lambdas/auto-stop/types';
import { examplePolicy } from '../../helpers/app';
import { arnOf, awsError, resource } from './fakes';

const sagemaker = mockClient(SageMakerClient);
const clients = { sagemaker: new SageMakerClient({}) };
const project = examplePolicy().projects[0];
if (!project) throw new Error('example policy has no project');
const ctx: RunContext = {
  project,
  settings: project.autoStop,
  notificationId: 'n-1',
  now: () => new Date('2026-11-26T12:00:00Z'),
};
const training = sageMakerStopHandler(trainingJobSpec);
const settings = {
  resourceKinds: ['training-job', 'notebook-instance'] as const,
  exemptionTag: 'ml-guardrails:exempt',
};
const summary = (name: string, status: TrainingJobStatus = 'InProgress') => ({
  TrainingJobName: name,
  TrainingJobArn: arnOf('training-job', name),
  TrainingJobStatus: status,
  CreationTime: new Date(),
});

beforeAll(() => {
  // Pacing is tested in pacer.test.ts; here it would only slow the paging tests down.
  listPacer.setRate(0);
});

afterEach(() => {
  sagemaker.reset();
});

describe('planStop', () => {
  const rule = { runningStatus: 'InProgress', action: 'stop-training-job' };
  it.each([
    ['stops a running job of an enabled kind', resource(), 'act', /InProgress/],
    [
      'skips an exempt job and names the tag',
      resource({ tags: { 'ml-guardrails:exempt': 'demo' } }),
      'skip',
      /ml-guardrails:exempt=demo/,
    ],
    [
      'skips an exempt job whose tag has an empty value',
      resource({ tags: { 'ml-guardrails:exempt': '' } }),
      'skip',
      /exempt/,
    ],
    [
      'skips a job that is already stopping',
      resource({ status: 'Stopping' }),
      'skip',
      /status is Stopping/,
    ],
    [
      'skips a kind the project does not enable',
      resource({ kind: 'transform-job' }),
      'skip',
      /resourceKinds/,
    ],
  ])('%s', (_name, input, type, reason) => {
    // Act
    const decision = planStop(
      input,
      { ...settings, resourceKinds: [...settings.resourceKinds] },
      rule,
    );
    // Assess
    expect(decision.type).toBe(type);
    expect(decision.reason).toMatch(reason);
  });

  it('uses the notebook rule: InService notebooks stop, others are skipped', () => {
    const s = { ...settings, resourceKinds: [...settings.resourceKinds] };
    const nb = (status: string) => resource({ kind: 'notebook-instance', name: 'nb', status });
    expect(notebookHandler.plan(nb('InService'), { ...project.autoStop, ...s }).type).toBe('act');
    expect(notebookHandler.plan(nb('Stopped'), { ...project.autoStop, ...s }).type).toBe('skip');
  });
});

describe('discover', () => {
  it('reads every listing page, including empty pages that carry a NextToken (DOMAIN-NOTES: StatusEquals filters after MaxResults)', async () => {
    // Prepare
    sagemaker
      .on(ListTrainingJobsCommand)
      .resolvesOnce({ TrainingJobSummaries: [], NextToken: 't1' })
      .resolvesOnce({ TrainingJobSummaries: [summary('a')], NextToken: 't2' })
      .resolvesOnce({ TrainingJobSummaries: [], NextToken: 't3' })
      .resolvesOnce({ TrainingJobSummaries: [summary('b')] });
    const tagged = ['a', 'b'].map((n) => ({
      arn: arnOf('training-job', n),
      tags: { Project: 'fraud-detection' },
    }));
    // Act
    const found = await training.discover(clients, tagged, ctx);
    // Assess
    expect(found.map((r) => r.name)).toEqual(['a', 'b']);
    expect(sagemaker).toHaveReceivedCommandTimes(ListTrainingJobsCommand, 4);
    expect(sagemaker).toHaveReceivedNthCommandWith(ListTrainingJobsCommand, 4, {
      NextToken: 't3',
      StatusEquals: 'InProgress',
      MaxResults: 100,
    });
  });

  it('streams the same live resources page by page, reading past empty pages', async () => {
    // Prepare
    sagemaker
      .on(ListTrainingJobsCommand)
      .resolvesOnce({ TrainingJobSummaries: [summary('a')], NextToken: 't1' })
      .resolvesOnce({ TrainingJobSummaries: [], NextToken: 't2' })
      .resolvesOnce({ TrainingJobSummaries: [summary('b')] });
    const tagged = ['a', 'b'].map((n) => ({ arn: arnOf('training-job', n), tags: {} }));
    // Act
    const pages: string[][] = [];
    for await (const page of training.discoverPages?.(clients, tagged, ctx) ?? [])
      pages.push(page.map((r) => r.name));
    // Assess
    expect(pages).toEqual([['a'], ['b']]);
    expect(sagemaker).toHaveReceivedCommandTimes(ListTrainingJobsCommand, 3);
  });

  it('lists live resources without tags for the orchestrator to join, every page', async () => {
    sagemaker
      .on(ListTrainingJobsCommand)
      .resolvesOnce({ TrainingJobSummaries: [], NextToken: 't1' })
      .resolvesOnce({ TrainingJobSummaries: [summary('a')] });
    const pages: { name: string; tags: object }[][] = [];
    for await (const page of training.listLive?.(clients, ctx) ?? []) pages.push(page);
    expect(pages).toEqual([
      [],
      [expect.objectContaining({ name: 'a', kind: 'training-job', tags: {} })],
    ]);
  });

  it('drops stale tagging results (finished or deleted jobs) and never includes untagged jobs', async () => {
    // Prepare: the tagging API still lists "gone"; "other" runs but belongs to another project.
    sagemaker
      .on(ListTrainingJobsCommand)
      .resolves({ TrainingJobSummaries: [summary('live'), summary('other')] });
    const tagged = ['live', 'gone'].map((n) => ({
      arn: arnOf('training-job', n),
      tags: { Project: 'fraud-detection' },
    }));
    // Act
    const found = await training.discover(clients, tagged, ctx);
    // Assess
    expect(found.map((r) => r.name)).toEqual(['live']);
    expect(found[0]?.tags).toEqual({ Project: 'fraud-detection' });
  });

  it('matches ARNs case-insensitively', async () => {
    sagemaker
      .on(ListTrainingJobsCommand)
      .resolves({ TrainingJobSummaries: [summary('MixedCase')] });
    const found = await training.discover(
      clients,
      [{ arn: arnOf('training-job', 'mixedcase'), tags: {} }],
      ctx,
    );
    expect(found).toHaveLength(1);
  });

  it('makes no listing call when nothing of the kind carries the project tag', async () => {
    const found = await training.discover(clients, [], ctx);
    expect(found).toEqual([]);
    expect(sagemaker).not.toHaveReceivedCommand(ListTrainingJobsCommand);
  });

  it('lists notebooks that are InService', async () => {
    sagemaker.on(ListNotebookInstancesCommand).resolves({
      NotebookInstances: [
        {
          NotebookInstanceName: 'nb',
          NotebookInstanceArn: arnOf('notebook-instance', 'nb'),
          NotebookInstanceStatus: 'InService',
        },
      ],
    });
    const found = await notebookHandler.discover(
      clients,
      [{ arn: arnOf('notebook-instance', 'nb'), tags: {} }],
      ctx,
    );
    expect(found[0]).toMatchObject({ kind: 'notebook-instance', status: 'InService' });
    expect(sagemaker).toHaveReceivedCommandWith(ListNotebookInstancesCommand, {
      StatusEquals: 'InService',
    });
  });
});

describe('act', () => {
  const decision = {
    type: 'act' as const,
    resource: resource({ name: 'job-1' }),
    action: 'stop-training-job',
    reason: 'InProgress and not exempt',
  };

  it('stops the job by name', async () => {
    sagemaker.on(StopTrainingJobCommand).resolves({});
    const outcome = await training.act(clients, decision, ctx);
    expect(outcome).toMatchObject({
      result: 'done',
      priorState: 'InProgress',
      action: 'stop-training-job',
    });
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'job-1',
    });
  });

  it.each([
    [
      'ValidationException on a stopped job (DOMAIN-NOTES: treat as already done)',
      awsError(
        'ValidationException',
        'The request was rejected because the training job is in status Stopped.',
      ),
    ],
    [
      'ValidationException on a completed job',
      awsError(
        'ValidationException',
        'Training job job-1 is in status Completed and cannot be stopped',
      ),
    ],
    ['ResourceNotFound', awsError('ResourceNotFound', 'Requested resource not found')],
  ])('counts %s as already-done', async (_name, error) => {
    sagemaker.on(StopTrainingJobCommand).rejects(error);
    const outcome = await training.act(clients, decision, ctx);
    expect(outcome.result).toBe('already-done');
  });

  it('reports other errors as failed with the error name', async () => {
    sagemaker
      .on(StopTrainingJobCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized'));
    const outcome = await training.act(clients, decision, ctx);
    expect(outcome).toMatchObject({
      result: 'failed',
      error: 'AccessDeniedException: not authorized',
    });
  });

  it('stops a notebook with StopNotebookInstance', async () => {
    sagemaker.on(StopNotebookInstanceCommand).resolves({});
    const nb = {
      ...decision,
      action: 'stop-notebook-instance',
      resource: resource({ kind: 'notebook-instance', name: 'nb', status: 'InService' }),
    };
    await notebookHandler.act(clients, nb, ctx);
    expect(sagemaker).toHaveReceivedCommandWith(StopNotebookInstanceCommand, {
      NotebookInstanceName: 'nb',
    });
  });

  it('covers the four job kinds with their own tagging type', () => {
    expect(jobHandlers.flatMap((h) => h.taggingTypes)).toEqual([
      'sagemaker:training-job',
      'sagemaker:processing-job',
      'sagemaker:transform-job',
      'sagemaker:hyper-parameter-tuning-job',
    ]);
  });
});
