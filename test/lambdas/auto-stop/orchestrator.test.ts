import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../../lambdas/auto-stop/audit';
import { type AutoStopDeps, runProject } from '../../../lambdas/auto-stop/orchestrator';
import { emptyRun, projectView, type RunReport } from '../../../lambdas/auto-stop/run-report';
import type { Project } from '../../../lib/config/schema';
import { examplePolicy } from '../../helpers/app';
import { arnOf } from '../../helpers/auto-stop';

const NOW = new Date('2026-11-26T12:00:00Z');
const documents = mockClient(DynamoDBDocumentClient);

function regionClients(region: string) {
  const sagemaker = new SageMakerClient({ region });
  const tagging = new ResourceGroupsTaggingAPIClient({ region });
  return {
    clients: { sagemaker, tagging, autoScaling: new ApplicationAutoScalingClient({ region }) },
    sagemaker: mockClient(sagemaker),
    tagging: mockClient(tagging),
  };
}

function project(regions: string[] = []): Project {
  const p = examplePolicy().projects.find((x) => x.id === 'fraud-detection');
  if (!p) throw new Error('no fraud-detection');
  return {
    ...p,
    regions,
    autoStop: { ...p.autoStop, resourceKinds: ['training-job', 'processing-job'] },
  };
}

function deps(
  regions: Map<string, ReturnType<typeof regionClients>['clients']>,
  over: Partial<AutoStopDeps> = {},
): AutoStopDeps {
  return {
    policy: examplePolicy(),
    budgets: new BudgetsClient({}),
    regions,
    deploymentRegion: 'eu-west-1',
    accountId: '111122223333',
    handlers: [],
    concurrency: 4,
    inlineActionLimit: 1000,
    pace: async () => {},
    audit: new AuditLog(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'audit'),
    now: () => NOW,
    ...over,
  };
}

function evaluation(p: Project): RunReport {
  return {
    notificationId: 'msg-1',
    project: projectView(p),
    mode: p.autoStop.mode,
    ...emptyRun(),
    proceed: true,
    decision: 'test',
  };
}

/** A region's account: jobs by name with status and owning project, listed newest first. */
function account(
  mock: ReturnType<typeof regionClients>,
  region: string,
  jobs: Record<string, { status: string; project: string }>,
  hang: string[] = [],
) {
  const arn = (name: string) => arnOf('training-job', name).replace('eu-west-1', region);
  mock.sagemaker.on(ListTrainingJobsCommand).callsFake(() => ({
    TrainingJobSummaries: Object.entries(jobs).map(([name, j]) => ({
      TrainingJobName: name,
      TrainingJobArn: arn(name),
      TrainingJobStatus: j.status,
      CreationTime: NOW,
    })),
  }));
  mock.sagemaker.on(ListProcessingJobsCommand).resolves({});
  mock.sagemaker.on(StopTrainingJobCommand).callsFake((input: { TrainingJobName: string }) => {
    if (hang.includes(input.TrainingJobName)) return new Promise(() => {});
    const j = jobs[input.TrainingJobName];
    if (j) j.status = 'Stopping';
    return {};
  });
  mock.tagging.on(GetResourcesCommand).callsFake((input: { ResourceARNList?: string[] }) => ({
    ResourceTagMappingList: (input.ResourceARNList ?? []).map((a) => ({
      ResourceARN: a,
      Tags: [{ Key: 'Project', Value: jobs[a.split('/')[1] ?? '']?.project ?? 'none' }],
    })),
  }));
}

afterEach(() => {
  documents.reset();
});

describe('runProject', () => {
  it('reads only the tags of running candidates, 100 ARNs per call, and acts on the project’s own', async () => {
    // Prepare: 250 running jobs, every fifth another project's.
    const eu = regionClients('eu-west-1');
    const jobs = Object.fromEntries(
      Array.from({ length: 250 }, (_, i) => [
        `j${i}`,
        { status: 'InProgress', project: i % 5 === 0 ? 'churn-prediction' : 'fraud-detection' },
      ]),
    );
    account(eu, 'eu-west-1', jobs);
    documents.on(PutCommand).resolves({});
    documents.on(BatchWriteCommand).resolves({});
    // Act
    const report = await runProject(
      deps(new Map([['eu-west-1', eu.clients]])),
      evaluation(project()),
      project(),
      { execute: true },
    );
    // Assess
    const reads = eu.tagging
      .commandCalls(GetResourcesCommand)
      .map((c) => c.args[0].input.ResourceARNList?.length);
    expect(reads).toEqual([100, 100, 50]);
    expect(eu.sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 200);
    expect(report.discovery.map((d) => [d.kind, d.path])).toEqual([
      ['training-job', 'bounded-listing'],
      ['processing-job', 'bounded-listing'],
    ]);
  });

  it('acts in every region the project lists, each with its own clients', async () => {
    // Prepare
    const eu = regionClients('eu-west-1');
    const us = regionClients('us-east-1');
    account(eu, 'eu-west-1', { a: { status: 'InProgress', project: 'fraud-detection' } });
    account(us, 'us-east-1', { b: { status: 'InProgress', project: 'fraud-detection' } });
    documents.on(PutCommand).resolves({});
    documents.on(BatchWriteCommand).resolves({});
    const regions = new Map([
      ['eu-west-1', eu.clients],
      ['us-east-1', us.clients],
    ]);
    // Act
    const report = await runProject(
      deps(regions),
      evaluation(project(['eu-west-1', 'us-east-1'])),
      project(['eu-west-1', 'us-east-1']),
      { execute: true },
    );
    // Assess
    expect(eu.sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'a',
    });
    expect(us.sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'b',
    });
    expect(report.discovery.map((d) => d.region).sort()).toEqual([
      'eu-west-1',
      'eu-west-1',
      'us-east-1',
      'us-east-1',
    ]);
  });

  it('leaves a true audit record when the run times out, and the retry continues where it stopped', async () => {
    // Prepare: three running jobs; the stop of c never returns (the function times out there).
    const eu = regionClients('eu-west-1');
    const jobs = {
      a: { status: 'InProgress', project: 'fraud-detection' },
      b: { status: 'InProgress', project: 'fraud-detection' },
      c: { status: 'InProgress', project: 'fraud-detection' },
    };
    account(eu, 'eu-west-1', jobs, ['c']);
    const audited: Record<string, unknown>[] = [];
    documents.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
      audited.push(input.Item);
      return {};
    });
    documents.on(BatchWriteCommand).resolves({});
    const regions = new Map([['eu-west-1', eu.clients]]);
    // Act: the first invocation is cut off while stopping c.
    void runProject(deps(regions, { concurrency: 1 }), evaluation(project()), project(), {
      execute: true,
    });
    await vi.waitFor(() =>
      expect(eu.sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
        TrainingJobName: 'c',
      }),
    );
    // Assess: what was done is on record, nothing that was not.
    expect(audited.map((i) => [i.name, i.result])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
    ]);
    // Act: the retry (c's stop now answers) finds a and b stopping and stops only c.
    account(eu, 'eu-west-1', jobs);
    const retry = await runProject(deps(regions), evaluation(project()), project(), {
      execute: true,
    });
    // Assess
    expect(retry.outcomes.filter((o) => o.result === 'done').map((o) => o.name)).toEqual(['c']);
    expect(audited.map((i) => [i.name, i.result])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
      ['c', 'done'],
    ]);
  });
});
