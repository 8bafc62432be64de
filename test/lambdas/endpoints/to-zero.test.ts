import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEndpointConfigCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  ListEndpointsCommand,
  ListInferenceComponentsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endpointHandler } from '../../../lambdas/auto-stop/kinds/endpoint';
import type { Decision, Resource } from '../../../lambdas/auto-stop/types';
import { type EndpointClients, recheckAndAct } from '../../../lambdas/endpoints';
import { minZeroConfigName } from '../../../lambdas/endpoints/config-name';
import {
  COPY_COUNT_DIMENSION,
  type EndpointDetails,
  VARIANT_DIMENSION,
} from '../../../lambdas/endpoints/types';
import { endpointArn, resource, runContext, settings } from '../../helpers/endpoints';
import { type FakeAuditTable, fakeAuditTable } from '../../helpers/fake-audit-table';

const sm = mockClient(SageMakerClient);
const aas = mockClient(ApplicationAutoScalingClient);
let table: FakeAuditTable;

function clients(): EndpointClients {
  return {
    sagemaker: new SageMakerClient({}),
    autoscaling: new ApplicationAutoScalingClient({}),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: 'audit',
    retry: { baseDelayMs: 1, maxDelayMs: 2, attempts: 8 },
    inServiceWait: { baseDelayMs: 1, maxDelayMs: 1, attempts: 4, sleep: async () => {} },
  };
}

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });
const notFound = (what: string) => awsError('ValidationException', `Could not find ${what}.`);
const tagged = (name: string) => ({
  arn: endpointArn(name),
  tags: { Project: 'fraud-detection', Team: 'risk', 'aws:cloudformation:stack-name': 'ml' },
});

function act(res: Resource): Extract<Decision, { type: 'act' }> {
  const decision = endpointHandler.plan(res, settings('park'));
  if (decision.type !== 'act')
    throw new Error(`expected act, got ${decision.type}: ${decision.reason}`);
  return decision;
}

beforeEach(() => {
  table = fakeAuditTable();
});
afterEach(() => {
  sm.reset();
  aas.reset();
  table.mock.reset();
});

describe('endpointHandler contract', () => {
  it('owns the endpoint kind and the sagemaker:endpoint tagging type', () => {
    expect(endpointHandler.kinds).toEqual(['endpoint']);
    expect(endpointHandler.taggingTypes).toEqual(['sagemaker:endpoint']);
  });
});

describe('discover', () => {
  beforeEach(() => {
    // Prepare: one endpoint of each kind, and one the tagging API still lists but is deleted.
    sm.on(DescribeEndpointCommand, { EndpointName: 'classic-ep' }).resolves({
      EndpointName: 'classic-ep',
      EndpointArn: endpointArn('classic-ep'),
      EndpointConfigName: 'classic-cfg',
      EndpointStatus: 'InService',
      ProductionVariants: [
        { VariantName: 'AllTraffic', CurrentInstanceCount: 2, DesiredInstanceCount: 2 },
      ],
    });
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'classic-cfg' }).resolves({
      EndpointConfigName: 'classic-cfg',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: 'm1',
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 2,
        },
      ],
    });
    sm.on(DescribeEndpointCommand, { EndpointName: 'async-ep' }).resolves({
      EndpointName: 'async-ep',
      EndpointArn: endpointArn('async-ep'),
      EndpointConfigName: 'async-cfg',
      EndpointStatus: 'InService',
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }],
    });
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'async-cfg' }).resolves({
      EndpointConfigName: 'async-cfg',
      AsyncInferenceConfig: { OutputConfig: { S3OutputPath: 's3://b/o' } },
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: 'm2',
          InstanceType: 'ml.g4dn.xlarge',
          InitialInstanceCount: 1,
        },
      ],
    });
    sm.on(DescribeEndpointCommand, { EndpointName: 'ic-ep' }).resolves({
      EndpointName: 'ic-ep',
      EndpointArn: endpointArn('ic-ep'),
      EndpointConfigName: 'ic-cfg',
      EndpointStatus: 'InService',
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }],
    });
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'ic-cfg' }).resolves({
      EndpointConfigName: 'ic-cfg',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          InstanceType: 'ml.g5.2xlarge',
          InitialInstanceCount: 1,
          ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: 4 },
        },
      ],
    });
    sm.on(ListInferenceComponentsCommand).resolves({ InferenceComponents: [] });
    sm.on(ListInferenceComponentsCommand, { EndpointNameEquals: 'ic-ep' })
      .resolvesOnce({
        InferenceComponents: [
          {
            InferenceComponentName: 'ic-a',
            EndpointName: 'ic-ep',
            VariantName: 'AllTraffic',
            EndpointArn: '',
            InferenceComponentArn: '',
            CreationTime: new Date(),
            LastModifiedTime: new Date(),
          },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        InferenceComponents: [
          {
            InferenceComponentName: 'ic-b',
            EndpointName: 'ic-ep',
            VariantName: 'AllTraffic',
            EndpointArn: '',
            InferenceComponentArn: '',
            CreationTime: new Date(),
            LastModifiedTime: new Date(),
          },
        ],
      });
    sm.on(DescribeInferenceComponentCommand, { InferenceComponentName: 'ic-a' }).resolves({
      InferenceComponentName: 'ic-a',
      InferenceComponentStatus: 'InService',
      RuntimeConfig: { DesiredCopyCount: 2, CurrentCopyCount: 2 },
    });
    sm.on(DescribeInferenceComponentCommand, { InferenceComponentName: 'ic-b' }).resolves({
      InferenceComponentName: 'ic-b',
      InferenceComponentStatus: 'InService',
      RuntimeConfig: { DesiredCopyCount: 1 },
    });
    sm.on(DescribeEndpointCommand, { EndpointName: 'sls-ep' }).resolves({
      EndpointName: 'sls-ep',
      EndpointArn: endpointArn('sls-ep'),
      EndpointConfigName: 'sls-cfg',
      EndpointStatus: 'InService',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
        },
      ],
    });
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'sls-cfg' }).resolves({
      EndpointConfigName: 'sls-cfg',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: 'm3',
          ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
        },
      ],
    });
    sm.on(DescribeEndpointCommand, { EndpointName: 'gone-ep' }).rejects(
      notFound('endpoint "gone-ep"'),
    );
    sm.on(ListEndpointsCommand).resolves({
      Endpoints: ['classic-ep', 'async-ep', 'ic-ep', 'sls-ep'].map((n) => ({
        EndpointName: n,
        EndpointArn: endpointArn(n),
        EndpointStatus: 'InService' as const,
        CreationTime: new Date(),
        LastModifiedTime: new Date(),
      })),
    });
    aas.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: [
        {
          ServiceNamespace: 'sagemaker',
          ResourceId: 'endpoint/async-ep/variant/AllTraffic',
          ScalableDimension: VARIANT_DIMENSION,
          MinCapacity: 1,
          MaxCapacity: 4,
          RoleARN: 'r',
          CreationTime: new Date(),
        },
        {
          ServiceNamespace: 'sagemaker',
          ResourceId: 'inference-component/ic-a',
          ScalableDimension: COPY_COUNT_DIMENSION,
          MinCapacity: 1,
          MaxCapacity: 6,
          RoleARN: 'r',
          CreationTime: new Date(),
        },
      ],
    });
  });

  it('classifies each endpoint and drops the one that no longer exists', async () => {
    // Act
    const found = await endpointHandler.discover(
      clients(),
      ['classic-ep', 'async-ep', 'ic-ep', 'sls-ep', 'gone-ep'].map(tagged),
      runContext(),
    );
    // Assess
    const kinds = Object.fromEntries(
      found.map((r) => [r.name, (r.details as unknown as EndpointDetails).endpointKind]),
    );
    expect(kinds).toEqual({
      'classic-ep': 'classic',
      'async-ep': 'async',
      'ic-ep': 'inference-components',
      'sls-ep': 'serverless',
    });
    expect(found.every((r) => r.kind === 'endpoint' && r.status === 'InService')).toBe(true);
  });

  it('stamps each endpoint with the time it was read, the plan clock', async () => {
    // Act
    const [found] = await endpointHandler.discover(clients(), [tagged('classic-ep')], runContext());
    // Assess
    const details = found?.details as unknown as EndpointDetails | undefined;
    expect(details?.readAt).toBe('2026-11-26T10:00:00.000Z');
  });

  describe('recheckAndAct (a queued decision is a claim: read again, derive targets live)', () => {
    const ctx = (classic: 'park' | 'report-only') => ({
      ...runContext(classic),
      settings: settings(classic),
    });

    it('does not carry out a queued park the live policy no longer plans', async () => {
      // Act
      const outcome = await recheckAndAct(
        clients(),
        { arn: endpointArn('classic-ep'), action: 'park-endpoint' },
        { Project: 'fraud-detection' },
        ctx('report-only'),
      );
      // Assess
      expect(outcome).toMatchObject({ result: 'reported', hourlyUsd: 0.538 });
      expect(outcome.reason).toMatch(/read again before acting.*was not carried out/);
      expect(sm).not.toHaveReceivedCommand(DeleteEndpointCommand);
    });

    it('counts a queued endpoint that no longer exists as already done', async () => {
      // Act
      const outcome = await recheckAndAct(
        clients(),
        { arn: endpointArn('gone-ep'), action: 'park-endpoint' },
        {},
        ctx('park'),
      );
      // Assess
      expect(outcome.result).toBe('already-done');
      expect(sm).not.toHaveReceivedCommand(DeleteEndpointCommand);
    });

    it('acts on the live endpoint with scalable targets read from Application Auto Scaling, not from the message', async () => {
      // Prepare
      sm.on(DeleteEndpointCommand).resolves({});
      aas.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
      aas.on(DescribeScheduledActionsCommand).resolves({ ScheduledActions: [] });
      aas.on(DeregisterScalableTargetCommand).resolves({});
      // Act
      const outcome = await recheckAndAct(
        clients(),
        { arn: endpointArn('classic-ep'), action: 'park-endpoint' },
        { Project: 'fraud-detection' },
        ctx('park'),
      );
      // Assess
      expect(outcome.result).toBe('done');
      expect(aas).toHaveReceivedCommandWith(DescribeScalableTargetsCommand, {
        ResourceIds: ['endpoint/classic-ep/variant/AllTraffic'],
      });
      expect(sm).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'classic-ep' });
    });
  });

  it('finds an endpoint whose name has capitals although its ARN is lower case', async () => {
    // Prepare: SageMaker ARNs carry lower-case names (boto3 #4606, yace #1178).
    sm.on(DescribeEndpointCommand, { EndpointName: 'fraudrt' }).rejects(
      notFound('endpoint "fraudrt"'),
    );
    sm.on(DescribeEndpointCommand, { EndpointName: 'FraudRT' }).resolves({
      EndpointName: 'FraudRT',
      EndpointArn: endpointArn('fraudrt'),
      EndpointConfigName: 'sls-cfg',
      EndpointStatus: 'InService',
      ProductionVariants: [],
    });
    sm.on(ListEndpointsCommand)
      .resolvesOnce({ Endpoints: [], NextToken: 'p2' })
      .resolves({
        Endpoints: [
          {
            EndpointName: 'FraudRT',
            EndpointArn: endpointArn('fraudrt'),
            EndpointStatus: 'InService',
            CreationTime: new Date(),
            LastModifiedTime: new Date(),
          },
        ],
      });
    // Act
    const found = await endpointHandler.discover(clients(), [tagged('fraudrt')], runContext());
    // Assess
    expect(found.map((r) => r.name)).toEqual(['FraudRT']);
    expect(sm).toHaveReceivedCommandTimes(ListEndpointsCommand, 2);
  });

  it('lists endpoints only when an endpoint was not found', async () => {
    await endpointHandler.discover(clients(), [tagged('sls-ep')], runContext());
    expect(sm).not.toHaveReceivedCommand(ListEndpointsCommand);
  });

  it('reads every page of inference components and their copy counts, and the managed minimum', async () => {
    const found = await endpointHandler.discover(clients(), [tagged('ic-ep')], runContext());
    const d = found[0]?.details as unknown as EndpointDetails;
    expect(d.inferenceComponents.map((c) => [c.name, c.desiredCopyCount])).toEqual([
      ['ic-a', 2],
      ['ic-b', 1],
    ]);
    expect(d.variants[0]?.managedMinInstanceCount).toBe(1);
    expect(d.scalableTargets).toEqual([
      expect.objectContaining({
        resourceId: 'inference-component/ic-a',
        minCapacity: 1,
        maxCapacity: 6,
      }),
    ]);
  });

  it('lists inference components only for endpoints whose config can host them (variants without a model)', async () => {
    await endpointHandler.discover(
      clients(),
      ['classic-ep', 'async-ep', 'sls-ep'].map(tagged),
      runContext(),
    );
    // Classic variants name a model, async and serverless endpoints host no components.
    expect(sm).not.toHaveReceivedCommand(ListInferenceComponentsCommand);
  });

  it('asks Application Auto Scaling once for up to 50 resource ids across endpoints', async () => {
    // Prepare: 60 classic endpoints -> 60 variant resource ids -> 2 calls.
    const names = Array.from({ length: 60 }, (_, i) => `c${i}`);
    for (const n of names) {
      sm.on(DescribeEndpointCommand, { EndpointName: n }).resolves({
        EndpointName: n,
        EndpointConfigName: 'classic-cfg',
        EndpointStatus: 'InService',
        ProductionVariants: [{ VariantName: 'AllTraffic' }],
      });
    }
    sm.on(ListInferenceComponentsCommand).resolves({ InferenceComponents: [] });
    // Act
    const found = await endpointHandler.discover(clients(), names.map(tagged), runContext());
    // Assess
    expect(found).toHaveLength(60);
    expect(aas).toHaveReceivedCommandTimes(DescribeScalableTargetsCommand, 2);
    expect(
      aas.commandCalls(DescribeScalableTargetsCommand)[0]?.args[0].input.ResourceIds,
    ).toHaveLength(50);
  });

  it('retries a throttled DescribeEndpoint and succeeds', async () => {
    sm.on(DescribeEndpointCommand, { EndpointName: 'sls-ep' })
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({
        EndpointName: 'sls-ep',
        EndpointConfigName: 'sls-cfg',
        EndpointStatus: 'InService',
        ProductionVariants: [],
      });
    const found = await endpointHandler.discover(clients(), [tagged('sls-ep')], runContext());
    expect(found.map((r) => r.name)).toEqual(['sls-ep']);
    expect(sm).toHaveReceivedCommandTimes(DescribeEndpointCommand, 3);
  });

  it('reports an endpoint that stays throttled as skipped and still returns the others', async () => {
    // Prepare
    sm.on(DescribeEndpointCommand, { EndpointName: 'sls-ep' }).rejects(
      awsError('ThrottlingException', 'Rate exceeded'),
    );
    // Act
    const found = await endpointHandler.discover(
      clients(),
      [tagged('sls-ep'), tagged('async-ep')],
      runContext(),
    );
    // Assess
    expect(sm).toHaveReceivedCommandTimes(DescribeEndpointCommand, 8 + 1);
    expect(found.map((r) => r.name)).toEqual(['sls-ep', 'async-ep']);
    const decision = endpointHandler.plan(found[0] as Resource, settings('park'));
    expect(decision).toMatchObject({
      type: 'skip',
      reason: expect.stringMatching(/could not be read \(ThrottlingException: Rate exceeded\)/),
    });
    expect(endpointHandler.plan(found[1] as Resource, settings('park')).type).toBe('act');
  });

  it('keeps an endpoint whose config was deleted, marked so it is never parked', async () => {
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'classic-cfg' }).rejects(
      notFound('endpoint configuration "classic-cfg"'),
    );
    sm.on(ListInferenceComponentsCommand).resolves({});
    const found = await endpointHandler.discover(clients(), [tagged('classic-ep')], runContext());
    const d = found[0]?.details as unknown as EndpointDetails;
    expect(d).toMatchObject({ endpointKind: 'classic', configExists: false });
    expect(endpointHandler.plan(found[0] as Resource, settings('park')).type).toBe('skip');
  });
});

describe('act: asynchronous endpoint', () => {
  const asyncRes = (targets: EndpointDetails['scalableTargets'] = []) =>
    resource(
      {
        endpointKind: 'async',
        endpointName: 'async-ep',
        endpointConfigName: 'async-cfg',
        variants: [
          {
            variantName: 'AllTraffic',
            instanceType: 'ml.g4dn.xlarge',
            currentInstanceCount: 3,
            serverless: false,
            modelName: 'm2',
          },
        ],
        scalableTargets: targets,
      },
      'InService',
      { Project: 'fraud-detection', 'aws:cloudformation:stack-name': 's' },
    );

  it('saves the previous scaling, then holds the variant target at [0, 0]', async () => {
    // Prepare
    aas.on(RegisterScalableTargetCommand).resolves({});
    const target = {
      resourceId: 'endpoint/async-ep/variant/AllTraffic',
      scalableDimension: VARIANT_DIMENSION,
      minCapacity: 1,
      maxCapacity: 4,
      suspendedState: { DynamicScalingInSuspended: false },
    };
    // Act
    const outcome = await endpointHandler.act(clients(), act(asyncRes([target])), runContext());
    // Assess
    expect(outcome).toMatchObject({
      result: 'done',
      action: 'scale-async-to-zero',
      priorState: 'InService (async)',
    });
    expect(aas).toHaveReceivedCommandWith(RegisterScalableTargetCommand, {
      ServiceNamespace: 'sagemaker',
      ResourceId: 'endpoint/async-ep/variant/AllTraffic',
      ScalableDimension: VARIANT_DIMENSION,
      MinCapacity: 0,
      MaxCapacity: 0,
    });
    const [saved] = table.savedItems();
    expect(saved).toMatchObject({
      pk: 'PROJECT#fraud-detection',
      sk: 'SAVED#async-ep',
      kind: 'async',
      action: 'scale-async-to-zero',
      tags: { Project: 'fraud-detection' },
      notificationId: 'sns-message-1',
      parkedAt: '2026-11-26T10:00:00.000Z',
      scalableTargets: [{ ...target, policies: [], createdByGuardrails: false }],
      variants: [
        { variantName: 'AllTraffic', instanceType: 'ml.g4dn.xlarge', desiredInstanceCount: 3 },
      ],
    });
    expect(saved?.tags).not.toHaveProperty('aws:cloudformation:stack-name');
  });

  it('registers a [0, 0] target for an async endpoint without scaling and marks it as its own', async () => {
    aas.on(RegisterScalableTargetCommand).resolves({});
    await endpointHandler.act(clients(), act(asyncRes()), runContext());
    expect(table.savedItems()[0]?.scalableTargets).toEqual([
      expect.objectContaining({ createdByGuardrails: true }),
    ]);
    expect(aas).toHaveReceivedCommandWith(RegisterScalableTargetCommand, {
      MinCapacity: 0,
      MaxCapacity: 0,
    });
  });

  it('never overwrites the first saved state on a second notification', async () => {
    aas.on(RegisterScalableTargetCommand).resolves({});
    const original = {
      resourceId: 'endpoint/async-ep/variant/AllTraffic',
      scalableDimension: VARIANT_DIMENSION,
      minCapacity: 2,
      maxCapacity: 8,
    };
    await endpointHandler.act(clients(), act(asyncRes([original])), runContext());
    // Second delivery sees min 0, max 4 (someone raised max by hand): still acts, keeps the original save.
    const outcome = await endpointHandler.act(
      clients(),
      act(asyncRes([{ ...original, minCapacity: 0, maxCapacity: 4 }])),
      runContext(),
    );
    expect(outcome.reason).toMatch(/already saved by an earlier run/);
    expect(table.savedItems()[0]?.scalableTargets).toEqual([
      expect.objectContaining({ minCapacity: 2, maxCapacity: 8 }),
    ]);
  });

  it('reports a failed Application Auto Scaling call as failed with the error, state already saved', async () => {
    aas
      .on(RegisterScalableTargetCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized'));
    const outcome = await endpointHandler.act(clients(), act(asyncRes()), runContext());
    expect(outcome).toMatchObject({
      result: 'failed',
      error: 'AccessDeniedException: not authorized',
    });
    expect(table.savedItems()).toHaveLength(1);
  });
});

describe('act: inference components', () => {
  const icRes = resource({
    endpointKind: 'inference-components',
    endpointName: 'ic-ep',
    endpointConfigName: 'ic-cfg',
    variants: [
      {
        variantName: 'AllTraffic',
        instanceType: 'ml.g5.2xlarge',
        currentInstanceCount: 2,
        serverless: false,
        managedScalingEnabled: true,
        managedMinInstanceCount: 0,
      },
    ],
    inferenceComponents: [
      { name: 'ic-a', status: 'InService', desiredCopyCount: 2 },
      { name: 'ic-b', status: 'InService', desiredCopyCount: 3 },
      { name: 'ic-c', status: 'InService', desiredCopyCount: 0 },
    ],
    scalableTargets: [
      {
        resourceId: 'inference-component/ic-a',
        scalableDimension: COPY_COUNT_DIMENSION,
        minCapacity: 1,
        maxCapacity: 6,
      },
    ],
  });

  it('holds a component with a scalable target at [0, 0] and sets the others to CopyCount 0', async () => {
    // Prepare
    aas.on(RegisterScalableTargetCommand).resolves({});
    sm.on(UpdateInferenceComponentRuntimeConfigCommand).resolves({});
    // Act
    const outcome = await endpointHandler.act(clients(), act(icRes), runContext());
    // Assess
    expect(outcome.result).toBe('done');
    expect(aas).toHaveReceivedCommandWith(RegisterScalableTargetCommand, {
      ResourceId: 'inference-component/ic-a',
      ScalableDimension: COPY_COUNT_DIMENSION,
      MinCapacity: 0,
      MaxCapacity: 0,
    });
    expect(sm).toHaveReceivedCommandWith(UpdateInferenceComponentRuntimeConfigCommand, {
      InferenceComponentName: 'ic-b',
      DesiredRuntimeConfig: { CopyCount: 0 },
    });
    expect(sm).not.toHaveReceivedCommandWith(UpdateInferenceComponentRuntimeConfigCommand, {
      InferenceComponentName: 'ic-a',
    });
    expect(sm).not.toHaveReceivedCommandWith(UpdateInferenceComponentRuntimeConfigCommand, {
      InferenceComponentName: 'ic-c',
    });
    expect(table.savedItems()[0]).toMatchObject({
      inferenceComponents: [
        { name: 'ic-a', desiredCopyCount: 2 },
        { name: 'ic-b', desiredCopyCount: 3 },
        { name: 'ic-c', desiredCopyCount: 0 },
      ],
      scalableTargets: [
        expect.objectContaining({
          resourceId: 'inference-component/ic-a',
          minCapacity: 1,
          maxCapacity: 6,
        }),
      ],
    });
  });

  it('treats a component deleted meanwhile as done', async () => {
    aas.on(RegisterScalableTargetCommand).resolves({});
    sm.on(UpdateInferenceComponentRuntimeConfigCommand).rejects(
      notFound('inference component "ic-b"'),
    );
    const outcome = await endpointHandler.act(clients(), act(icRes), runContext());
    expect(outcome.result).toBe('done');
  });
});

describe('act: managed-instance minimum (Scale an endpoint to zero instances: MinInstanceCount 0)', () => {
  const icMin = resource(
    {
      endpointKind: 'inference-components',
      endpointName: 'ic-ep',
      endpointConfigName: 'ic-cfg',
      variants: [
        {
          variantName: 'AllTraffic',
          instanceType: 'ml.g5.2xlarge',
          currentInstanceCount: 1,
          serverless: false,
          managedScalingEnabled: true,
          managedMinInstanceCount: 1,
        },
      ],
      inferenceComponents: [{ name: 'ic-a', status: 'InService', desiredCopyCount: 2 }],
    },
    'InService',
    { Project: 'fraud-detection', 'aws:cloudformation:stack-name': 's' },
  );
  const originalVariant = {
    VariantName: 'AllTraffic',
    InstanceType: 'ml.g5.2xlarge' as const,
    InitialInstanceCount: 1,
    ManagedInstanceScaling: {
      Status: 'ENABLED' as const,
      MinInstanceCount: 1,
      MaxInstanceCount: 4,
    },
  };

  beforeEach(() => {
    sm.on(UpdateInferenceComponentRuntimeConfigCommand).resolves({});
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'ic-cfg' }).resolves({
      EndpointConfigName: 'ic-cfg',
      ProductionVariants: [originalVariant],
      ExecutionRoleArn: 'arn:aws:iam::111122223333:role/sm',
      EnableNetworkIsolation: true,
    });
    sm.on(CreateEndpointConfigCommand).resolves({});
    sm.on(UpdateEndpointCommand).resolves({});
    sm.on(DescribeEndpointCommand, { EndpointName: 'ic-ep' }).resolves({
      EndpointName: 'ic-ep',
      EndpointStatus: 'InService',
      EndpointConfigName: 'ic-cfg-gr-min0',
    });
  });

  it('copies the config with the minimum at 0, swaps with RetainAllVariantProperties and a rolling update, and sets copies to 0 only after', async () => {
    // Act
    const outcome = await endpointHandler.act(clients(), act(icMin), runContext());
    // Assess
    expect(outcome).toMatchObject({
      result: 'done',
      reason: expect.stringMatching(/moved to config ic-cfg-gr-min0/),
    });
    expect(sm).toHaveReceivedCommandWith(CreateEndpointConfigCommand, {
      EndpointConfigName: 'ic-cfg-gr-min0',
      ProductionVariants: [
        {
          ...originalVariant,
          ManagedInstanceScaling: {
            ...originalVariant.ManagedInstanceScaling,
            MinInstanceCount: 0,
          },
        },
      ],
      ExecutionRoleArn: 'arn:aws:iam::111122223333:role/sm',
      EnableNetworkIsolation: true,
      Tags: [{ Key: 'Project', Value: 'fraud-detection' }],
    });
    // API Reference, UpdateEndpoint: RetainAllVariantProperties keeps instance counts and weights;
    // DeploymentConfig: without an update policy SageMaker runs a blue/green (second fleet).
    expect(sm).toHaveReceivedCommandWith(UpdateEndpointCommand, {
      EndpointName: 'ic-ep',
      EndpointConfigName: 'ic-cfg-gr-min0',
      RetainAllVariantProperties: true,
      DeploymentConfig: {
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'INSTANCE_COUNT', Value: 1 },
          WaitIntervalInSeconds: 0,
        },
      },
    });
    const copies = sm.commandCalls(UpdateInferenceComponentRuntimeConfigCommand)[0];
    const update = sm.commandCalls(UpdateEndpointCommand)[0];
    const settled = sm.commandCalls(DescribeEndpointCommand)[0];
    expect(update && settled && update.calledBefore(settled)).toBe(true);
    expect(Boolean(copies && settled?.calledBefore(copies))).toBe(true);
    expect((outcome as { hourlyUsd?: number }).hourlyUsd).toBe(0);
    expect(table.savedItems()[0]).toMatchObject({
      endpointConfigName: 'ic-cfg',
      variants: [{ variantName: 'AllTraffic', managedMinInstanceCount: 1 }],
    });
  });

  it('reuses a copy left by an earlier run', async () => {
    sm.on(CreateEndpointConfigCommand).rejects(
      awsError(
        'ValidationException',
        'Cannot create already existing endpoint configuration "ic-cfg-gr-min0".',
      ),
    );
    const outcome = await endpointHandler.act(clients(), act(icMin), runContext());
    expect(outcome.result).toBe('done');
    expect(sm).toHaveReceivedCommandWith(UpdateEndpointCommand, {
      EndpointConfigName: 'ic-cfg-gr-min0',
    });
  });

  it.each([
    [
      'CreateEndpointConfig is refused (iam:PassRole on the execution role)',
      () =>
        sm
          .on(CreateEndpointConfigCommand)
          .rejects(awsError('AccessDeniedException', 'not authorized to perform: iam:PassRole')),
      /AccessDeniedException/,
    ],
    [
      'UpdateEndpoint is refused',
      () => sm.on(UpdateEndpointCommand).rejects(awsError('ValidationException', 'bad update')),
      /bad update/,
    ],
    [
      'the endpoint stays Updating past the bound',
      () =>
        sm.on(DescribeEndpointCommand).resolves({
          EndpointStatus: 'Updating',
          EndpointConfigName: 'ic-cfg',
        }),
      /EndpointNotReadyError/,
    ],
    [
      'the update rolls back to the original config',
      () =>
        sm.on(DescribeEndpointCommand).resolves({
          EndpointStatus: 'InService',
          EndpointConfigName: 'ic-cfg',
        }),
      /ConfigSwapError: .*did not come back InService on ic-cfg-gr-min0/,
    ],
  ])('sets no copy to 0 when the swap does not succeed: %s', async (_name, arrange, error) => {
    // Prepare
    arrange();
    aas.on(RegisterScalableTargetCommand).resolves({});
    // Act
    const outcome = await endpointHandler.act(clients(), act(icMin), runContext());
    // Assess
    expect(outcome.result).toBe('failed');
    expect(outcome.error).toMatch(error);
    expect(sm).not.toHaveReceivedCommand(UpdateInferenceComponentRuntimeConfigCommand);
    expect(aas).not.toHaveReceivedCommand(RegisterScalableTargetCommand);
    expect(outcome.reason).toMatch(/left running: 1 x ml\.g5\.2xlarge at \$1\.52\/h/);
    expect((outcome as { hourlyUsd?: number }).hourlyUsd).toBe(1.52);
  });

  it.each([
    ['ic-cfg', 'ic-cfg-gr-min0'],
    ['ic-cfg-gr-min0', 'ic-cfg-gr-min0'],
    ['x'.repeat(63), `${'x'.repeat(55)}-gr-min0`],
  ])('names the copy of %s within 63 characters', (name, expected) => {
    expect(minZeroConfigName(name)).toBe(expected);
    expect(minZeroConfigName(name).length).toBeLessThanOrEqual(63);
  });
});

describe('act: park a classic endpoint', () => {
  const target = {
    resourceId: 'endpoint/fraud-rt/variant/AllTraffic',
    scalableDimension: VARIANT_DIMENSION,
    minCapacity: 2,
    maxCapacity: 10,
  };
  const classicRes = resource({ scalableTargets: [target] }, 'InService', {
    Project: 'fraud-detection',
    Team: 'risk',
  });
  const policy = {
    PolicyARN: 'arn:p',
    PolicyName: 'invocations',
    ServiceNamespace: 'sagemaker' as const,
    ResourceId: target.resourceId,
    ScalableDimension: VARIANT_DIMENSION as never,
    PolicyType: 'TargetTrackingScaling' as const,
    CreationTime: new Date(),
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 70,
      PredefinedMetricSpecification: {
        PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' as const,
      },
    },
    Alarms: [{ AlarmName: 'a', AlarmARN: 'arn:a' }],
  };

  beforeEach(() => {
    aas
      .on(DescribeScalingPoliciesCommand)
      .resolvesOnce({ ScalingPolicies: [policy], NextToken: 't' })
      .resolves({ ScalingPolicies: [] });
    aas.on(DescribeScheduledActionsCommand).resolves({
      ScheduledActions: [
        {
          ScheduledActionName: 'weekday-floor',
          ScheduledActionARN: 'arn:s',
          ServiceNamespace: 'sagemaker',
          Schedule: 'cron(0 7 ? * MON-FRI *)',
          Timezone: 'Europe/Paris',
          ResourceId: target.resourceId,
          ScalableDimension: VARIANT_DIMENSION,
          StartTime: new Date('2026-01-01T00:00:00Z'),
          ScalableTargetAction: { MinCapacity: 3 },
          CreationTime: new Date(),
        },
      ],
    });
    aas.on(DeregisterScalableTargetCommand).resolves({});
    sm.on(DeleteEndpointCommand).resolves({});
  });

  it('saves config, tags, targets and policies, deregisters scaling, then deletes the endpoint', async () => {
    // Act
    const outcome = await endpointHandler.act(clients(), act(classicRes), runContext());
    // Assess
    expect(outcome).toMatchObject({ result: 'done', action: 'park-endpoint' });
    expect(outcome.reason).toMatch(
      /guardrails restore --project fraud-detection --endpoint fraud-rt/,
    );
    expect(table.savedItems()[0]).toMatchObject({
      endpointName: 'fraud-rt',
      endpointConfigName: 'fraud-rt-config',
      modelNames: ['fraud-model'],
      tags: { Project: 'fraud-detection', Team: 'risk' },
      scalableTargets: [
        {
          ...target,
          createdByGuardrails: false,
          policies: [
            {
              policyName: 'invocations',
              policyType: 'TargetTrackingScaling',
              targetTracking: policy.TargetTrackingScalingPolicyConfiguration,
            },
          ],
        },
      ],
    });
    expect(aas).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, {
      ResourceId: target.resourceId,
      ScalableDimension: VARIANT_DIMENSION,
    });
    expect(sm).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'fraud-rt' });
    const deregister = aas.commandCalls(DeregisterScalableTargetCommand)[0];
    const deletion = sm.commandCalls(DeleteEndpointCommand)[0];
    expect(deregister && deletion && deregister.calledBefore(deletion)).toBe(true);
  });

  it('counts an endpoint deleted meanwhile as already done', async () => {
    sm.on(DeleteEndpointCommand).rejects(notFound('endpoint "fraud-rt"'));
    const outcome = await endpointHandler.act(clients(), act(classicRes), runContext());
    expect(outcome.result).toBe('already-done');
  });

  it('counts a scalable target already gone as deregistered', async () => {
    aas
      .on(DeregisterScalableTargetCommand)
      .rejects(awsError('ObjectNotFoundException', 'No scalable target registered'));
    const outcome = await endpointHandler.act(clients(), act(classicRes), runContext());
    expect(outcome.result).toBe('done');
  });

  it('retries a throttled DeleteEndpoint', async () => {
    sm.on(DeleteEndpointCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({});
    const outcome = await endpointHandler.act(clients(), act(classicRes), runContext());
    expect(outcome.result).toBe('done');
    expect(sm).toHaveReceivedCommandTimes(DeleteEndpointCommand, 2);
  });

  it('does not delete the endpoint when saving its state fails', async () => {
    table.mock.rejects(awsError('AccessDeniedException', 'no table access'));
    const outcome = await endpointHandler.act(clients(), act(classicRes), runContext());
    expect(outcome.result).toBe('failed');
    expect(sm).not.toHaveReceivedCommand(DeleteEndpointCommand);
    expect(aas).not.toHaveReceivedCommand(DeregisterScalableTargetCommand);
  });
});
