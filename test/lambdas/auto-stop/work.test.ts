import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DescribeTrainingJobCommand,
  SageMakerClient,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../lambdas/auto-stop/audit';
import { recheck } from '../../../lambdas/auto-stop/recheck';
import { handleWorkBatch, type WorkBatchDeps } from '../../../lambdas/auto-stop/work';
import { workMessages } from '../../../lambdas/auto-stop/work-queue';
import type { AutoStopDetail } from '../../../lambdas/shared/change-events';
import type { GuardrailsPolicy } from '../../../lib/config/schema';
import { examplePolicy } from '../../helpers/app';
import { arnOf, awsError, resource } from '../../helpers/auto-stop';

const sagemaker = mockClient(SageMakerClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const documents = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-11-26T12:00:00Z');

const act = (name: string) => ({
  type: 'act' as const,
  resource: resource({ name }),
  action: 'stop-training-job',
  reason: 'InProgress and not exempt',
});

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body })),
  } as unknown as SQSEvent;
}

function deps(policy: GuardrailsPolicy = examplePolicy()): WorkBatchDeps {
  return {
    policy,
    regions: new Map([
      [
        'eu-west-1',
        {
          sagemaker: new SageMakerClient({}),
          autoScaling: new ApplicationAutoScalingClient({}),
          tagging: new ResourceGroupsTaggingAPIClient({}),
        },
      ],
    ]),
    handlers: [],
    concurrency: 4,
    audit: new AuditLog(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'audit'),
    now: () => NOW,
    logger: { info: () => {}, error: () => {} },
    count: () => {},
    emitOutcomes: () => {},
  };
}

/** Live state: each job's status and tags as SageMaker and the tagging API report them now. */
function live(jobs: Record<string, { status: string; tags: Record<string, string> } | 'gone'>) {
  sagemaker.on(DescribeTrainingJobCommand).callsFake((input: { TrainingJobName: string }) => {
    const j = jobs[input.TrainingJobName];
    if (!j || j === 'gone') throw awsError('ResourceNotFound', 'Requested resource not found');
    return {
      TrainingJobArn: arnOf('training-job', input.TrainingJobName),
      TrainingJobStatus: j.status,
    };
  });
  tagging.on(GetResourcesCommand).resolves({
    ResourceTagMappingList: Object.entries(jobs).flatMap(([name, j]) =>
      j === 'gone'
        ? []
        : [
            {
              ResourceARN: arnOf('training-job', name),
              Tags: Object.entries(j.tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
    ),
  });
}

const mine = { Project: 'fraud-detection' };

beforeEach(() => {
  documents.on(BatchWriteCommand).resolves({});
  sagemaker.on(StopTrainingJobCommand).resolves({});
});

afterEach(() => {
  sagemaker.reset();
  tagging.reset();
  documents.reset();
});

describe('handleWorkBatch', () => {
  it('re-reads each resource and its tags, then stops and audits every one still running', async () => {
    // Prepare
    live({ a: { status: 'InProgress', tags: mine }, b: { status: 'InProgress', tags: mine } });
    const [message] = workMessages('fraud-detection', 'msg-1', [act('a'), act('b')]);
    // Act
    const reply = await handleWorkBatch(deps(), sqsEvent([JSON.stringify(message)]));
    // Assess
    expect(reply.batchItemFailures).toEqual([]);
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, {
      ResourceARNList: [arnOf('training-job', 'a'), arnOf('training-job', 'b')],
    });
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeTrainingJobCommand, 2);
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 2);
    const items = documents.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.audit;
    expect(items?.map((i) => i.PutRequest?.Item?.notificationId)).toEqual(['msg-1', 'msg-1']);
  });

  it.each([
    [
      'a resource that finished meanwhile',
      { status: 'Completed', tags: mine },
      /status is Completed/,
    ],
    ['a resource that is gone', 'gone' as const, /no longer exists/],
    [
      'a resource now tagged for another project',
      { status: 'InProgress', tags: { Project: 'churn-prediction' } },
      /tagged Project=churn-prediction, not fraud-detection/,
    ],
    [
      'a resource exempted meanwhile (approved exemption)',
      { status: 'InProgress', tags: { ...mine, 'ml-guardrails:exempt': 'EXC-2026-014' } },
      /exempt: EXC-2026-014/,
    ],
  ])('does not act on %s, and audits why', async (_name, state, reason) => {
    // Prepare: the message was forged or is stale; live state decides.
    live({ a: state });
    const [message] = workMessages('fraud-detection', 'msg-1', [act('a')]);
    // Act
    const reply = await handleWorkBatch(deps(), sqsEvent([JSON.stringify(message)]));
    // Assess
    expect(reply.batchItemFailures).toEqual([]);
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    const item =
      documents.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.audit?.[0]
        ?.PutRequest?.Item;
    expect(item?.result).toBe('skipped');
    expect(String(item?.reason)).toMatch(reason);
  });

  it("does not act when the project's mode is no longer enforce", async () => {
    // Prepare
    live({ a: { status: 'InProgress', tags: mine } });
    const policy = examplePolicy();
    const dryRun = {
      ...policy,
      projects: policy.projects.map((p) =>
        p.id === 'fraud-detection'
          ? { ...p, autoStop: { ...p.autoStop, mode: 'dry-run' as const } }
          : p,
      ),
    };
    const [message] = workMessages('fraud-detection', 'msg-1', [act('a')]);
    // Act
    await handleWorkBatch(deps(dryRun), sqsEvent([JSON.stringify(message)]));
    // Assess
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
  });

  it('returns a message with a failed stop for redelivery, after stopping the rest', async () => {
    live({ a: { status: 'InProgress', tags: mine }, b: { status: 'InProgress', tags: mine } });
    sagemaker
      .on(StopTrainingJobCommand, { TrainingJobName: 'a' })
      .rejects(awsError('AccessDeniedException', 'no'));
    const [message] = workMessages('fraud-detection', 'msg-1', [act('a'), act('b')]);
    const reply = await handleWorkBatch(deps(), sqsEvent([JSON.stringify(message)]));
    expect(reply.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, { TrainingJobName: 'b' });
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['a body that fails the schema', JSON.stringify({ version: 1, items: [] })],
    ['a project not in the policy', JSON.stringify(workMessages('nope', 'msg-1', [act('a')])[0])],
  ])('keeps %s for the dead-letter queue instead of dropping it', async (_name, body) => {
    const reply = await handleWorkBatch(deps(), sqsEvent([body]));
    expect(reply.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
  });

  it('splits decisions into messages of 25', () => {
    const decisions = Array.from({ length: 60 }, (_, i) => act(`j${i}`));
    expect(workMessages('p', 'n', decisions).map((m) => m.items.length)).toEqual([25, 25, 10]);
  });
});

describe('change events of the worker', () => {
  it('puts one change event per project for a batch of messages that stopped jobs', async () => {
    // Prepare: two messages of the same run, three jobs still running.
    live({
      a: { status: 'InProgress', tags: mine },
      b: { status: 'InProgress', tags: mine },
      c: { status: 'InProgress', tags: mine },
    });
    const [first] = workMessages('fraud-detection', 'msg-1', [act('a'), act('b')]);
    const [second] = workMessages('fraud-detection', 'msg-1', [act('c')]);
    const sent: AutoStopDetail[] = [];
    const changeEvents = async (detail: AutoStopDetail) => {
      sent.push(detail);
      return true;
    };
    // Act
    const reply = await handleWorkBatch(
      { ...deps(), changeEvents },
      sqsEvent([JSON.stringify(first), JSON.stringify(second)]),
    );
    // Assess
    expect(reply.batchItemFailures).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      project: 'fraud-detection',
      action: 'stopped',
      counts: { stopped: 3 },
      total: 3,
    });
  });

  it('puts no change event when nothing queued still needed stopping', async () => {
    // Prepare
    live({ a: { status: 'Completed', tags: mine } });
    const [message] = workMessages('fraud-detection', 'msg-1', [act('a')]);
    const sent: AutoStopDetail[] = [];
    // Act
    await handleWorkBatch(
      {
        ...deps(),
        changeEvents: async (d) => {
          sent.push(d);
          return true;
        },
      },
      sqsEvent([JSON.stringify(message)]),
    );
    // Assess
    expect(sent).toEqual([]);
  });
});

describe('recheck for kinds outside the registry (endpoints)', () => {
  const endpoint = {
    type: 'act' as const,
    resource: resource({ kind: 'endpoint', name: 'ep', status: 'InService' }),
    action: 'scale-async-to-zero',
    reason: 'r',
  };
  const project = examplePolicy().projects.find((p) => p.id === 'fraud-detection');

  it.each([
    ['acts on a project endpoint without exemption', { Project: 'fraud-detection' }, 'act'],
    [
      'skips an endpoint exempted meanwhile',
      { Project: 'fraud-detection', 'ml-guardrails:exempt': 'EXC-2026-014' },
      'skip',
    ],
    ['skips an endpoint now tagged for another project', { Project: 'churn-prediction' }, 'skip'],
  ])('%s', (_name, tags, type) => {
    if (!project) throw new Error('no project');
    const decision = recheck(endpoint, { status: 'InService', tags }, project, 'Project', NOW);
    expect(decision.type).toBe(type);
  });
});

describe('queued endpoint work is re-read, not trusted', () => {
  it('acts through the handler actQueued (re-read from the ARN), never act with the message details', async () => {
    // Prepare: an endpoint decision in a work message; the endpoint handler records which path ran
    const endpointArn = 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/fraud-detection-prod';
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: endpointArn, Tags: [{ Key: 'Project', Value: 'fraud-detection' }] },
      ],
    });
    const calls: string[] = [];
    const outcome = (how: string) => async () => {
      calls.push(how);
      return {
        resourceArn: endpointArn,
        kind: 'endpoint' as const,
        name: 'fraud-detection-prod',
        priorState: 'InService',
        action: 'scale-to-zero',
        result: 'done' as const,
        reason: how,
      };
    };
    const handler = {
      kinds: ['endpoint' as const],
      taggingTypes: ['sagemaker:endpoint'],
      discover: async () => [],
      plan: () => {
        throw new Error('not used');
      },
      act: outcome('act'),
      actQueued: outcome('actQueued'),
    };
    const [body] = workMessages('fraud-detection', 'n-1', [
      {
        type: 'act',
        resource: resource({
          kind: 'endpoint',
          name: 'fraud-detection-prod',
          arn: endpointArn,
          status: 'InService',
          tags: { Project: 'fraud-detection' },
          details: { scalableTargets: ['forged-target'] },
        }),
        action: 'scale-to-zero',
        reason: 'async endpoint',
      },
    ]);
    // Act
    const result = await handleWorkBatch(
      { ...deps(), handlers: [handler] },
      sqsEvent([JSON.stringify(body)]),
    );
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(calls).toEqual(['actQueued']);
  });
});
