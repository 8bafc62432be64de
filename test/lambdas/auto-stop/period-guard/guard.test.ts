import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DescribeNotebookInstanceCommand,
  ListHyperParameterTuningJobsCommand,
  ListNotebookInstancesCommand,
  ListProcessingJobsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  SageMakerClient,
  StopNotebookInstanceCommand,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegionClients } from '../../../../lambdas/auto-stop/find-resources';
import {
  BudgetCache,
  type GuardDeps,
  type GuardEventDeps,
  handleGuardEvent,
  handleStateChange,
  recordHold,
  releaseHold,
  sendDigests,
  sweep,
} from '../../../../lambdas/auto-stop/period-guard/guard';
import type { HoldAuditEvent } from '../../../../lambdas/auto-stop/period-guard/store';
import { readResourceTags } from '../../../../lambdas/auto-stop/period-guard/tags';
import { renderDigest } from '../../../../lambdas/auto-stop/report';
import type {
  KindHandler,
  Outcome,
  Resource,
  SageMakerClients,
} from '../../../../lambdas/auto-stop/types';
import type { AutoStopDetail } from '../../../../lambdas/shared/change-events';
import { examplePolicy } from '../../../helpers/app';
import { ACCOUNT, arnOf, awsError } from '../../../helpers/auto-stop';
import { holdOf, MemoryGuardStore } from '../../../helpers/period-guard';

const sagemaker = mockClient(SageMakerClient);
const budgets = mockClient(BudgetsClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const policy = examplePolicy();
const NOW = new Date('2026-11-29T10:00:00Z');

/** One set of clients per region, as `createClients` builds them. */
function regionClients(region: string): RegionClients {
  return {
    sagemaker: new SageMakerClient({ region }),
    autoScaling: new ApplicationAutoScalingClient({ region }),
    tagging: new ResourceGroupsTaggingAPIClient({ region }),
  };
}
const regions = new Map(['eu-west-1', 'us-east-1'].map((r) => [r, regionClients(r)]));

const hold = holdOf;

/** A training job entering InProgress, as in the SageMaker Developer Guide example. */
function trainingEvent(name: string, tags: Record<string, string> | undefined, id = `ev-${name}`) {
  return {
    version: '0',
    id,
    'detail-type': 'SageMaker Training Job State Change',
    source: 'aws.sagemaker',
    account: ACCOUNT,
    time: '2026-11-29T09:59:58Z',
    region: 'eu-west-1',
    resources: [arnOf('training-job', name)],
    detail: {
      TrainingJobName: name,
      TrainingJobArn: arnOf('training-job', name),
      TrainingJobStatus: 'InProgress',
      SecondaryStatus: 'Starting',
      ...(tags ? { Tags: tags } : {}),
    },
  };
}

function endpointEvent(name: string, project: string) {
  return {
    version: '0',
    id: `ev-${name}`,
    'detail-type': 'SageMaker Endpoint State Change',
    source: 'aws.sagemaker',
    account: ACCOUNT,
    time: '1764410398000',
    region: 'eu-west-1',
    resources: [arnOf('endpoint', name)],
    detail: {
      EndpointName: name,
      EndpointArn: arnOf('endpoint', name),
      EndpointStatus: 'IN_SERVICE',
      Tags: { Project: project },
    },
  };
}

/** Endpoint handler double: records what it was asked to describe and change. */
function endpointDouble() {
  const seen = { discovered: [] as string[], acted: [] as string[] };
  const handler: KindHandler<SageMakerClients> = {
    kinds: ['endpoint'],
    taggingTypes: ['sagemaker:endpoint'],
    async discover(_c, tagged) {
      seen.discovered.push(...tagged.map((t) => t.arn));
      return tagged.map(
        (t): Resource => ({
          arn: t.arn,
          kind: 'endpoint',
          name: t.arn.split('/').pop() ?? '',
          status: 'InService',
          tags: t.tags,
          details: { type: 'async' },
        }),
      );
    },
    plan: (resource) => ({
      type: 'act',
      resource,
      action: 'scale-async-to-zero',
      reason: 'async endpoint in service',
    }),
    async act(_c, d) {
      seen.acted.push(d.resource.name);
      return {
        resourceArn: d.resource.arn,
        kind: 'endpoint',
        name: d.resource.name,
        priorState: 'InService',
        action: d.action,
        result: 'done',
        reason: d.reason,
        hourlyUsd: 1.21,
      };
    },
  };
  return { handler, seen };
}

function setup(over: Partial<GuardDeps> = {}) {
  const store = new MemoryGuardStore();
  const audited: Outcome[] = [];
  const holdAudits: HoldAuditEvent[] = [];
  const endpoint = endpointDouble();
  const deps: GuardDeps = {
    policy,
    store,
    budgets: new BudgetsClient({ region: 'us-east-1' }),
    regions,
    deploymentRegion: 'eu-west-1',
    handlers: [endpoint.handler],
    concurrency: 4,
    pace: async () => {},
    readTags: readResourceTags,
    audit: {
      write: async (_ctx, outcomes) => {
        audited.push(...outcomes);
      },
    },
    holdAudit: async (e) => {
      holdAudits.push(e);
    },
    budgetCache: new BudgetCache(),
    now: () => NOW,
    ...over,
  };
  return { deps, store, audited, holdAudits, endpoint };
}

/**
 * DescribeBudget answers: by default each project's budget has the policy's limit and 98 % of it
 * spent (over the 95 % threshold); a test may give another spend and limit.
 */
function budgetSpend(actual?: number, limit?: number) {
  budgets.on(DescribeBudgetCommand).callsFake((input: { BudgetName?: string }) => {
    const project = policy.projects.find((p) => `ml-${p.id}` === input.BudgetName);
    const budgeted = limit ?? project?.monthlyBudgetUsd ?? 0;
    const spent = actual ?? budgeted * 0.98;
    return {
      Budget: {
        BudgetName: input.BudgetName,
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: String(budgeted), Unit: 'USD' },
        CalculatedSpend: { ActualSpend: { Amount: String(spent), Unit: 'USD' } },
      },
    };
  });
}

beforeEach(() => {
  budgetSpend();
  sagemaker.on(StopTrainingJobCommand).resolves({});
});

afterEach(() => {
  sagemaker.reset();
  budgets.reset();
  tagging.reset();
});

describe('handleStateChange', () => {
  it('stops a training job of an over-threshold project at once, audits it and adds it to the digest', async () => {
    // Prepare
    const { deps, store, audited } = setup();
    await store.putHold(hold('fraud-detection'));
    // Act
    const result = await handleStateChange(
      deps,
      trainingEvent('nightly-retrain', { Project: 'fraud-detection' }),
    );
    // Assess
    expect(result).toMatchObject({ status: 'recorded', outcome: { result: 'done' } });
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'nightly-retrain',
    });
    expect(audited).toEqual([expect.objectContaining({ name: 'nightly-retrain', result: 'done' })]);
    expect(await store.digestEntries('fraud-detection', '2026-11-29')).toEqual([
      expect.objectContaining({ name: 'nightly-retrain', result: 'done', source: 'event' }),
    ]);
  });

  it.each([
    ['another project (no hold)', { Project: 'churn-prediction' }, hold('fraud-detection')],
    [
      'a resource of no project of the policy',
      { Project: 'someone-else' },
      hold('fraud-detection'),
    ],
    [
      'a project whose hold ended with its period',
      { Project: 'fraud-detection' },
      hold('fraud-detection', { periodId: '2026-10', periodEnd: '2026-11-01T00:00:00.000Z' }),
    ],
  ])('does not stop work of %s', async (_name, tags, held) => {
    // Prepare
    const { deps, store, audited } = setup();
    await store.putHold(held);
    // Act
    const result = await handleStateChange(deps, trainingEvent('job', tags));
    // Assess
    expect(result.status).toBe('ignored');
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    expect(audited).toEqual([]);
  });

  it('leaves a resource with an approved, unexpired exemption running and records why', async () => {
    // Prepare: EXC-2026-014 is approved for fraud-detection until 2026-12-31.
    const { deps, store, audited } = setup();
    await store.putHold(hold('fraud-detection'));
    // Act
    const result = await handleStateChange(
      deps,
      trainingEvent('retrain', {
        Project: 'fraud-detection',
        'ml-guardrails:exempt': 'EXC-2026-014',
      }),
    );
    // Assess
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    expect(result).toMatchObject({ status: 'recorded', outcome: { result: 'skipped' } });
    expect(audited[0]?.reason).toMatch(
      /^exempt: EXC-2026-014 approved by finops@example.com until 2026-12-31/,
    );
  });

  it('stops a resource whose exemption tag names no approval, and says the request was refused', async () => {
    const { deps, store, audited } = setup();
    await store.putHold(hold('fraud-detection'));
    await handleStateChange(
      deps,
      trainingEvent('sneaky', {
        Project: 'fraud-detection',
        'ml-guardrails:exempt': 'true please',
      }),
    );
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'sneaky',
    });
    expect(audited[0]?.reason).toContain('exemption refused');
  });

  it('stops nothing for a dry-run project but records what would have been stopped', async () => {
    // Prepare: real-time-bidding is dry-run in the example policy.
    const { deps, store } = setup();
    await store.putHold(hold('real-time-bidding', { mode: 'dry-run' }));
    // Act
    const result = await handleStateChange(
      deps,
      trainingEvent('bid-model', { Project: 'real-time-bidding' }),
    );
    // Assess
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    expect(result).toMatchObject({ status: 'recorded', outcome: { result: 'would-do' } });
    expect(await store.digestEntries('real-time-bidding', '2026-11-29')).toHaveLength(1);
  });

  it('acts once when SageMaker sends the same state change twice', async () => {
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    const event = trainingEvent('twice', { Project: 'fraud-detection' });
    const results = await Promise.all([
      handleStateChange(deps, event),
      handleStateChange(deps, event),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['duplicate', 'recorded']);
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 1);
  });

  it('acts on 1,000 events for one project once each, losing none, even when each is delivered twice', async () => {
    // Prepare
    const { deps, store, audited } = setup();
    await store.putHold(hold('fraud-detection'));
    const events = Array.from({ length: 1000 }, (_, i) =>
      trainingEvent(`job-${String(i).padStart(4, '0')}`, { Project: 'fraud-detection' }),
    );
    // Act
    const results = await Promise.all(
      [...events, ...events].map((e) => handleStateChange(deps, e)),
    );
    // Assess
    const stopped = sagemaker
      .commandCalls(StopTrainingJobCommand)
      .map((c) => c.args[0].input.TrainingJobName);
    expect(new Set(stopped).size).toBe(1000);
    expect(stopped).toHaveLength(1000);
    expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1000);
    expect(audited).toHaveLength(1000);
    expect(await store.digestEntries('fraud-detection', '2026-11-29')).toHaveLength(1000);
  });

  it('reads the tags from SageMaker when the event carries none', async () => {
    // Prepare: the processing-job example in the developer guide has no Tags field.
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    sagemaker
      .on(ListTagsCommand)
      .resolvesOnce({ Tags: [{ Key: 'Team', Value: 'ml' }], NextToken: 'p2' })
      .resolvesOnce({ Tags: [{ Key: 'Project', Value: 'fraud-detection' }] });
    // Act
    await handleStateChange(deps, trainingEvent('untagged-event', undefined));
    // Assess
    expect(sagemaker).toHaveReceivedCommandTimes(ListTagsCommand, 2);
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'untagged-event',
    });
  });

  it('describes an endpoint again and hands it to the endpoint handler', async () => {
    const { deps, store, endpoint } = setup();
    await store.putHold(hold('churn-prediction'));
    const result = await handleStateChange(deps, endpointEvent('churn-async', 'churn-prediction'));
    expect(endpoint.seen.discovered).toEqual([arnOf('endpoint', 'churn-async')]);
    expect(endpoint.seen.acted).toEqual(['churn-async']);
    expect(result).toMatchObject({ status: 'recorded', outcome: { hourlyUsd: 1.21 } });
  });

  it('lifts the hold instead of stopping when the budget was raised mid-period, and audits it', async () => {
    // Prepare: $9,800 of a limit raised to $15,000 is below 95 %.
    const { deps, store, holdAudits } = setup();
    await store.putHold(hold('fraud-detection'));
    budgetSpend(9800, 15000);
    // Act
    const result = await handleStateChange(
      deps,
      trainingEvent('after-raise', { Project: 'fraud-detection' }),
    );
    // Assess
    expect(result.status).toBe('lifted');
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    expect(await store.getHold('fraud-detection')).toBeUndefined();
    expect(holdAudits).toEqual([
      expect.objectContaining({ action: 'lift-hold', projectId: 'fraud-detection' }),
    ]);
  });

  it('reads the budget once for a burst of events (cached for a few minutes)', async () => {
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    for (const n of ['a', 'b', 'c'])
      await handleStateChange(deps, trainingEvent(n, { Project: 'fraud-detection' }));
    expect(budgets).toHaveReceivedCommandTimes(DescribeBudgetCommand, 1);
  });

  it('throws on a throttled stop and gives the claim back, so the retried event stops it', async () => {
    // Prepare
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    sagemaker
      .on(StopTrainingJobCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({});
    const event = trainingEvent('throttled', { Project: 'fraud-detection' });
    // Act
    await expect(handleStateChange(deps, event)).rejects.toThrow(/will be retried/);
    const retry = await handleStateChange(deps, event);
    // Assess
    expect(retry).toMatchObject({ status: 'recorded', outcome: { result: 'done' } });
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 2);
  });

  it('counts a job that already finished as done, not failed', async () => {
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    sagemaker
      .on(StopTrainingJobCommand)
      .rejects(
        awsError('ValidationException', 'The job is in status Completed and cannot be stopped'),
      );
    const result = await handleStateChange(
      deps,
      trainingEvent('quick', { Project: 'fraud-detection' }),
    );
    expect(result).toMatchObject({ status: 'recorded', outcome: { result: 'already-done' } });
  });

  it.each([
    [
      'another source',
      { ...trainingEvent('x', { Project: 'fraud-detection' }), source: 'aws.ec2' },
    ],
    [
      'a status that is not running',
      {
        ...trainingEvent('x', { Project: 'fraud-detection' }),
        detail: {
          TrainingJobName: 'x',
          TrainingJobStatus: 'Completed',
          Tags: { Project: 'fraud-detection' },
        },
      },
    ],
  ])('ignores %s', async (_name, event) => {
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    expect((await handleStateChange(deps, event)).status).toBe('ignored');
  });
});

describe('sweep', () => {
  /**
   * The tagging API over `tagged`: tags of listed ARNs (`ResourceARNList`), or the ARNs of the
   * given types carrying the given tag (`ResourceTypeFilters` and `TagFilters`).
   */
  function taggedAccount(tagged: { arn: string; project: string }[]) {
    tagging
      .on(GetResourcesCommand)
      .callsFake(
        (input: {
          ResourceARNList?: string[];
          ResourceTypeFilters?: string[];
          TagFilters?: { Key?: string; Values?: string[] }[];
        }) => {
          const mapping = (t: { arn: string; project: string }) => ({
            ResourceARN: t.arn,
            Tags: [{ Key: 'Project', Value: t.project }],
          });
          if (input.ResourceARNList)
            return {
              ResourceTagMappingList: tagged
                .filter((t) => input.ResourceARNList?.includes(t.arn))
                .map(mapping),
            };
          const types = (input.ResourceTypeFilters ?? []).map((f) => `:${f.split(':')[1]}/`);
          const values = input.TagFilters?.[0]?.Values ?? [];
          return {
            ResourceTagMappingList: tagged
              .filter((t) => types.some((type) => t.arn.includes(type)))
              .filter((t) => values.includes(t.project))
              .map(mapping),
          };
        },
      );
  }

  beforeEach(() => {
    // Nothing running unless a test says otherwise.
    sagemaker.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
    sagemaker.on(ListProcessingJobsCommand).resolves({ ProcessingJobSummaries: [] });
    sagemaker.on(ListTransformJobsCommand).resolves({ TransformJobSummaries: [] });
    sagemaker
      .on(ListHyperParameterTuningJobsCommand)
      .resolves({ HyperParameterTuningJobSummaries: [] });
    sagemaker.on(ListNotebookInstancesCommand).resolves({ NotebookInstances: [] });
    taggedAccount([]);
  });

  it('stops what the events missed in every region of a held project, and leaves other projects alone', async () => {
    // Prepare: fraud-detection held; churn-prediction not held; both have running jobs.
    const { deps, store, audited } = setup({
      policy: {
        ...policy,
        projects: policy.projects.map((p) =>
          p.id === 'fraud-detection' ? { ...p, regions: ['eu-west-1', 'us-east-1'] } : p,
        ),
      },
    });
    await store.putHold(hold('fraud-detection'));
    const missedEu = arnOf('training-job', 'missed-eu');
    const missedUs = arnOf('training-job', 'missed-us').replace('eu-west-1', 'us-east-1');
    const churnJob = arnOf('training-job', 'churn-job');
    taggedAccount([
      { arn: missedEu, project: 'fraud-detection' },
      { arn: missedUs, project: 'fraud-detection' },
      { arn: churnJob, project: 'churn-prediction' },
    ]);
    const running = (name: string, arn: string) => ({
      TrainingJobName: name,
      TrainingJobArn: arn,
      TrainingJobStatus: 'InProgress' as const,
      CreationTime: NOW,
    });
    // Each region's client lists that region's jobs.
    sagemaker.on(ListTrainingJobsCommand).callsFake(async (_input, getClient) => ({
      TrainingJobSummaries:
        (await getClient().config.region()) === 'us-east-1'
          ? [running('missed-us', missedUs)]
          : [running('missed-eu', missedEu), running('churn-job', churnJob)],
    }));
    // Act
    const results = await sweep(deps);
    // Assess
    const fraud = results.find((r) => r.projectId === 'fraud-detection');
    expect(fraud).toMatchObject({ status: 'swept', regions: ['eu-west-1', 'us-east-1'] });
    expect(results.find((r) => r.projectId === 'churn-prediction')?.status).toBe('not-held');
    const stopped = sagemaker.commandCalls(StopTrainingJobCommand);
    expect(stopped.map((c) => c.args[0].input.TrainingJobName).sort()).toEqual([
      'missed-eu',
      'missed-us',
    ]);
    // Each stop goes through the clients of the job's own region.
    const stopRegions = await Promise.all(
      stopped.map(async (c) => [
        c.args[0].input.TrainingJobName,
        await (c.thisValue as SageMakerClient).config.region(),
      ]),
    );
    expect(Object.fromEntries(stopRegions)).toEqual({
      'missed-eu': 'eu-west-1',
      'missed-us': 'us-east-1',
    });
    expect(audited.map((o) => o.name).sort()).toEqual(['missed-eu', 'missed-us']);
  });

  it('does not repeat what an event already stopped within the lease', async () => {
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    const arn = arnOf('training-job', 'seen');
    await handleStateChange(deps, trainingEvent('seen', { Project: 'fraud-detection' }));
    taggedAccount([{ arn, project: 'fraud-detection' }]);
    sagemaker.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: [
        {
          TrainingJobName: 'seen',
          TrainingJobArn: arn,
          TrainingJobStatus: 'InProgress',
          CreationTime: NOW,
        },
      ],
    });
    const [result] = (await sweep(deps)).filter((r) => r.projectId === 'fraud-detection');
    expect(result?.duplicates).toBe(1);
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 1);
  });

  it('stops a notebook again when it was started again after the lease', async () => {
    const { deps, store } = setup();
    let now = NOW;
    const timed = { ...deps, now: () => now };
    await store.putHold(hold('fraud-detection'));
    const arn = arnOf('notebook-instance', 'analyst');
    sagemaker.on(StopNotebookInstanceCommand).resolves({});
    taggedAccount([{ arn, project: 'fraud-detection' }]);
    sagemaker.on(DescribeNotebookInstanceCommand).resolves({
      NotebookInstanceName: 'analyst',
      NotebookInstanceArn: arn,
      NotebookInstanceStatus: 'InService',
    });
    sagemaker.on(ListNotebookInstancesCommand).resolves({
      NotebookInstances: [
        {
          NotebookInstanceName: 'analyst',
          NotebookInstanceArn: arn,
          NotebookInstanceStatus: 'InService',
        },
      ],
    });
    await sweep(timed);
    now = new Date(NOW.getTime() + 60 * 60 * 1000);
    await sweep(timed);
    expect(sagemaker).toHaveReceivedCommandTimes(StopNotebookInstanceCommand, 2);
  });

  it('lifts the hold when the budget no longer confirms the threshold', async () => {
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    budgetSpend(9000, 20000);
    const [result] = (await sweep(deps)).filter((r) => r.projectId === 'fraud-detection');
    expect(result?.status).toBe('lifted');
    expect(tagging).not.toHaveReceivedCommand(GetResourcesCommand);
  });
});

describe('recordHold', () => {
  const report = (mode: 'enforce' | 'dry-run' | 'off', proceed = true) => ({
    notificationId: 'msg-9',
    proceed,
    mode,
    decision: 'ACTUAL spend $9,612.34 crossed 95 % of $10,000.00',
    project: { id: 'fraud-detection', budgetName: 'ml-fraud-detection' },
    notification: { accountId: ACCOUNT, period: 'monthly' as const },
  });

  it.each(['enforce', 'dry-run'] as const)(
    'records a hold for a verified notification in %s mode, expiring when the month ends',
    async (mode) => {
      const store = new MemoryGuardStore();
      const audits: HoldAuditEvent[] = [];
      const held = await recordHold(
        { store, holdAudit: async (e) => void audits.push(e) },
        report(mode),
        undefined,
        NOW,
      );
      expect(held).toMatchObject({
        periodId: '2026-11',
        periodEnd: '2026-12-01T00:00:00.000Z',
        mode,
      });
      expect(await store.getHold('fraud-detection')).toEqual(held);
      expect(audits[0]).toMatchObject({ action: 'record-hold', by: 'notification:msg-9' });
    },
  );

  it.each([
    ['mode off', report('off')],
    ['an unconfirmed notification', report('enforce', false)],
  ])('records nothing for %s', async (_name, input) => {
    const store = new MemoryGuardStore();
    expect(await recordHold({ store }, input, undefined, NOW)).toBeUndefined();
    expect(store.holds.size).toBe(0);
  });
});

describe('releaseHold', () => {
  it('removes the hold and audits who released it and why', async () => {
    const { deps, store, holdAudits } = setup();
    await store.putHold(hold('fraud-detection'));
    const released = await releaseHold(
      deps,
      'fraud-detection',
      'cli:alice',
      'budget raised (FIN-1)',
    );
    expect(released?.periodId).toBe('2026-11');
    expect(await store.getHold('fraud-detection')).toBeUndefined();
    expect(holdAudits).toEqual([
      expect.objectContaining({
        action: 'release-hold',
        by: 'cli:alice',
        reason: 'budget raised (FIN-1)',
      }),
    ]);
    // Work started afterwards runs.
    expect(
      (await handleStateChange(deps, trainingEvent('later', { Project: 'fraud-detection' })))
        .status,
    ).toBe('ignored');
  });

  it('resolves to undefined and audits nothing when there is no hold', async () => {
    const { deps, holdAudits } = setup();
    expect(await releaseHold(deps, 'fraud-detection', 'cli:alice', 'x')).toBeUndefined();
    expect(holdAudits).toEqual([]);
  });
});

describe('sendDigests', () => {
  it('sends one digest per project per day, with every late stop of that day, and never twice', async () => {
    // Prepare
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    for (const n of ['a', 'b', 'c'])
      await handleStateChange(deps, trainingEvent(n, { Project: 'fraud-detection' }));
    const sent: { project: string; subject: string; body: string }[] = [];
    const digestDeps = {
      ...deps,
      render: renderDigest,
      publish: async (p: { id: string }, m: { subject: string; body: string }) => {
        sent.push({ project: p.id, ...m });
      },
    };
    // Act
    const first = await sendDigests(digestDeps, '2026-11-29');
    const again = await sendDigests(digestDeps, '2026-11-29');
    // Assess
    expect(first.sent).toEqual([{ projectId: 'fraud-detection', entries: 3 }]);
    expect(again.sent).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toContain('Stopped or scaled down (3):');
  });

  it('sends again on the next run when publishing failed', async () => {
    const { deps, store } = setup();
    await store.putHold(hold('fraud-detection'));
    await handleStateChange(deps, trainingEvent('a', { Project: 'fraud-detection' }));
    let fail = true;
    const digestDeps = {
      ...deps,
      render: renderDigest,
      publish: async () => {
        if (fail) throw awsError('InternalErrorException', 'SNS down');
      },
    };
    await expect(sendDigests(digestDeps, '2026-11-29')).rejects.toThrow('SNS down');
    fail = false;
    expect((await sendDigests(digestDeps, '2026-11-29')).sent).toHaveLength(1);
  });
});

describe('handleGuardEvent', () => {
  /** The routing dependencies around `setup()`'s guard, recording what reaches each sink. */
  function routing(guard: GuardDeps, withDigest = true) {
    const seen = {
      outcomes: [] as Outcome[],
      changes: [] as AutoStopDetail[],
      counts: [] as [string, number][],
      published: [] as string[],
    };
    const deps: GuardEventDeps = {
      guard,
      ...(withDigest
        ? {
            digest: {
              render: renderDigest,
              publish: async (p: { id: string }) => {
                seen.published.push(p.id);
              },
            },
          }
        : {}),
      changeEvents: async (detail) => {
        seen.changes.push(detail);
        return true;
      },
      emitOutcomes: (o) => {
        seen.outcomes.push(...o);
      },
      count: (metric, value) => {
        seen.counts.push([metric, value]);
      },
      logger: { info: () => {}, debug: () => {} },
    };
    return { deps, seen };
  }

  it('acts on a state change, counts the outcome and sends one change event for the project', async () => {
    const { deps: guard, store } = setup();
    await store.putHold(hold('fraud-detection'));
    const { deps, seen } = routing(guard);
    const result = await handleGuardEvent(
      trainingEvent('late', { Project: 'fraud-detection' }),
      deps,
    );
    expect(result).toMatchObject({ status: 'recorded', projectId: 'fraud-detection' });
    expect(seen.outcomes.map((o) => [o.name, o.result])).toEqual([['late', 'done']]);
    expect(seen.changes).toHaveLength(1);
    expect(seen.changes[0]).toMatchObject({
      project: 'fraud-detection',
      resources: [{ name: 'late', kind: 'training-job' }],
    });
  });

  it('sends no change event for a state change it ignores', async () => {
    const { deps: guard } = setup();
    const { deps, seen } = routing(guard);
    const result = await handleGuardEvent(trainingEvent('j', { Project: 'fraud-detection' }), deps);
    expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining('no hold') });
    expect(seen.outcomes).toEqual([]);
    expect(seen.changes).toEqual([]);
  });

  it('runs the sweep on {"task": "sweep"}: projects without a hold change nothing', async () => {
    const { deps: guard } = setup();
    const { deps, seen } = routing(guard);
    expect(await handleGuardEvent({ task: 'sweep' }, deps)).toEqual({
      task: 'sweep',
      projects: policy.projects.length,
      recorded: 0,
    });
    expect(seen.changes).toEqual([]);
  });

  it('sends the digest of the previous UTC day on {"task": "digest"} and counts what it sent', async () => {
    const { deps: guard, store } = setup();
    await store.putHold(hold('fraud-detection'));
    // A late stop recorded on the 28th (the guard's clock is 29 November, 10:00 UTC).
    const yesterday = new Date('2026-11-28T23:30:00Z');
    await handleStateChange(
      { ...guard, now: () => yesterday },
      trainingEvent('late', { Project: 'fraud-detection' }),
    );
    const { deps, seen } = routing(guard);
    const result = await handleGuardEvent({ task: 'digest' }, deps);
    expect(result).toEqual({
      day: '2026-11-28',
      sent: [{ projectId: 'fraud-detection', entries: 1 }],
    });
    expect(seen.published).toEqual(['fraud-detection']);
    expect(seen.counts).toEqual([['guardDigestsSent', 1]]);
  });

  it('fails a digest task with a message naming the missing setting when there is no report topic', async () => {
    const { deps: guard } = setup();
    const { deps } = routing(guard, false);
    await expect(handleGuardEvent({ task: 'digest' }, deps)).rejects.toThrow(/REPORT_TOPIC_ARN/);
  });
});
