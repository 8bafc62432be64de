import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endpointHandler } from '../../../lambdas/auto-stop/kinds/endpoint';
import type { Resource } from '../../../lambdas/auto-stop/types';
import type { EndpointClients } from '../../../lambdas/endpoints';
import { runRestore } from '../../../lambdas/endpoints/restore';
import {
  handleRestoreEvent,
  parseRestoreEvent,
  RestoreInputError,
  snsReport,
} from '../../../lambdas/endpoints/restore-event';
import { COPY_COUNT_DIMENSION, VARIANT_DIMENSION } from '../../../lambdas/endpoints/types';
import { eventBridgeChangeSink } from '../../../lambdas/shared/eventbridge';
import { resource, runContext, settings } from '../../helpers/endpoints';
import { type FakeAuditTable, fakeAuditTable } from '../../helpers/fake-audit-table';

const sm = mockClient(SageMakerClient);
const aas = mockClient(ApplicationAutoScalingClient);
const cw = mockClient(CloudWatchClient);
let table: FakeAuditTable;

const clients = (): EndpointClients => ({
  sagemaker: new SageMakerClient({}),
  autoscaling: new ApplicationAutoScalingClient({}),
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  tableName: 'audit',
  retry: { baseDelayMs: 1, maxDelayMs: 2 },
  inServiceWait: { baseDelayMs: 1, maxDelayMs: 1, attempts: 3, sleep: async () => {} },
  cloudwatch: new CloudWatchClient({}),
});
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });
const notFound = (what: string) => awsError('ValidationException', `Could not find ${what}.`);
/** The restore invocation's logger and metrics, unobserved. */
const QUIET = { logger: { appendKeys: () => {}, info: () => {} }, count: () => {} };
let clock = 0;
const ctx = () => ({
  now: () => new Date(Date.UTC(2026, 11, 1, 8, 0, clock++)),
  runId: `run-${clock}`,
});

async function autoStop(res: Resource): Promise<void> {
  const decision = endpointHandler.plan(res, settings('park'));
  if (decision.type !== 'act') throw new Error(decision.reason);
  const outcome = await endpointHandler.act(clients(), decision, runContext());
  expect(outcome.result).toBe('done');
}

/** Auto-stop scaled the async endpoint `async-ep` to zero; SageMaker answers as after it. */
async function givenParkedAsyncEndpoint(): Promise<void> {
  await autoStop(
    resource({
      endpointKind: 'async',
      endpointName: 'async-ep',
      variants: [{ variantName: 'AllTraffic', currentInstanceCount: 2, serverless: false }],
    }),
  );
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: 'async-ep',
    EndpointStatus: 'InService',
  });
  sm.on(UpdateEndpointWeightsAndCapacitiesCommand).resolves({});
}

beforeEach(() => {
  table = fakeAuditTable();
  aas.on(RegisterScalableTargetCommand).resolves({});
  aas.on(DeregisterScalableTargetCommand).resolves({});
  aas.on(PutScalingPolicyCommand).resolves({});
  aas.on(PutScheduledActionCommand).resolves({});
  sm.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: 'fraud-rt-config' });
  sm.on(DescribeModelCommand).resolves({ ModelName: 'fraud-model' });
});
afterEach(() => {
  sm.reset();
  aas.reset();
  cw.reset();
  table.mock.reset();
});

describe('park then restore (round trip)', () => {
  const target = {
    resourceId: 'endpoint/fraud-rt/variant/AllTraffic',
    scalableDimension: VARIANT_DIMENSION,
    minCapacity: 2,
    maxCapacity: 10,
    suspendedState: { ScheduledScalingSuspended: true },
  };
  const trackingConfig = {
    TargetValue: 70,
    PredefinedMetricSpecification: {
      PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' as const,
    },
    ScaleInCooldown: 300,
  };
  const classic = resource({ scalableTargets: [target] }, 'InService', {
    Project: 'fraud-detection',
    Team: 'risk',
    'aws:cloudformation:stack-name': 'ml',
  });

  beforeEach(async () => {
    // Prepare: auto-stop parks the classic endpoint (policies read, target deregistered, deleted).
    aas.on(DescribeScalingPoliciesCommand).resolves({
      ScalingPolicies: [
        {
          PolicyARN: 'arn:p',
          PolicyName: 'invocations',
          ServiceNamespace: 'sagemaker',
          ResourceId: target.resourceId,
          ScalableDimension: VARIANT_DIMENSION,
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: trackingConfig,
          CreationTime: new Date(),
        },
      ],
    });
    aas.on(DescribeScheduledActionsCommand).resolves({
      ScheduledActions: [
        {
          ScheduledActionName: 'weekday-floor',
          ScheduledActionARN: 'arn:s',
          ServiceNamespace: 'sagemaker',
          Schedule: 'cron(0 7 ? * MON-FRI *)',
          ResourceId: target.resourceId,
          ScalableDimension: VARIANT_DIMENSION,
          ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 10 },
          CreationTime: new Date(),
        },
      ],
    });
    sm.on(DeleteEndpointCommand).resolves({});
    await autoStop(classic);
    aas.resetHistory();
    sm.resetHistory();
  });

  it('re-creates the endpoint and, once it is InService, puts its scaling back in the same run', async () => {
    // Prepare: gone, then Creating, then InService.
    sm.on(DescribeEndpointCommand)
      .rejectsOnce(notFound('endpoint "fraud-rt"'))
      .resolvesOnce({ EndpointName: 'fraud-rt', EndpointStatus: 'Creating' })
      .resolves({ EndpointName: 'fraud-rt', EndpointStatus: 'InService' });
    sm.on(CreateEndpointCommand).resolves({ EndpointArn: 'arn' });
    // Act
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    // Assess
    expect(report.outcomes[0]).toMatchObject({
      result: 'restored',
      reason: expect.stringMatching(/InService in the same run/),
    });
    expect(sm).toHaveReceivedCommandTimes(CreateEndpointCommand, 1);
    expect(aas).toHaveReceivedCommandWith(PutScalingPolicyCommand, { PolicyName: 'invocations' });
    expect(table.savedItems()).toHaveLength(0);
    expect(table.auditItems().map((i) => i.result)).toEqual(['restored']);
    // Recorded and forgotten in one transaction, never one without the other.
    expect(table.mock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(table.mock).not.toHaveReceivedCommand(DeleteCommand);
  });

  /** A second parked endpoint with its own scaling; SageMaker knows an endpoint once created. */
  async function givenTwoParked(): Promise<{ created: Set<string> }> {
    await autoStop(
      resource(
        {
          endpointName: 'fraud-rt-2',
          scalableTargets: [{ ...target, resourceId: 'endpoint/fraud-rt-2/variant/AllTraffic' }],
        },
        'InService',
        { Project: 'fraud-detection' },
      ),
    );
    sm.resetHistory();
    aas.resetHistory();
    return { created: new Set<string>() };
  }

  it('never holds up a start behind the wait for another endpoint', async () => {
    // Prepare: one run at a time; each endpoint stays Creating until the other one was created,
    // so a run that waited for one before starting the next could never finish it.
    const { created } = await givenTwoParked();
    sm.on(CreateEndpointCommand).callsFake((input: { EndpointName: string }) => {
      created.add(input.EndpointName);
      return {};
    });
    sm.on(DescribeEndpointCommand).callsFake((input: { EndpointName: string }) => {
      if (!created.has(input.EndpointName)) throw notFound(`endpoint "${input.EndpointName}"`);
      const status = created.size === 2 ? 'InService' : 'Creating';
      return { EndpointName: input.EndpointName, EndpointStatus: status };
    });
    const oneAtATime = {
      ...clients(),
      concurrency: 1,
      inServiceWait: {
        baseDelayMs: 1,
        maxDelayMs: 1,
        attempts: 100,
        sleep: () => new Promise<void>((r) => setTimeout(r, 1)),
      },
    };
    // Act
    const report = await runRestore(oneAtATime, { projectId: 'fraud-detection' }, ctx());
    // Assess
    expect(report.outcomes.map((o) => [o.endpointName, o.result]).sort()).toEqual([
      ['fraud-rt', 'restored'],
      ['fraud-rt-2', 'restored'],
    ]);
  });

  it('puts back the scaling of one endpoint while the others are still being started', async () => {
    // Prepare: the second CreateEndpoint answers only once a scalable target was registered
    // (or after 2 s): a run that started every endpoint before finishing any would time out here.
    const { created } = await givenTwoParked();
    let registered: () => void = () => {};
    const firstRegistration = new Promise<void>((r) => {
      registered = r;
    });
    aas.on(RegisterScalableTargetCommand).callsFake(() => {
      registered();
      return {};
    });
    const secondCreate: string[] = [];
    sm.on(CreateEndpointCommand).callsFake(async (input: { EndpointName: string }) => {
      if (created.size === 1)
        secondCreate.push(
          await Promise.race([
            firstRegistration.then(() => 'after a registration'),
            new Promise<string>((r) => setTimeout(() => r('timed out'), 2000)),
          ]),
        );
      created.add(input.EndpointName);
      return {};
    });
    sm.on(DescribeEndpointCommand).callsFake((input: { EndpointName: string }) => {
      if (!created.has(input.EndpointName)) throw notFound(`endpoint "${input.EndpointName}"`);
      return { EndpointName: input.EndpointName, EndpointStatus: 'InService' };
    });
    // Act
    const report = await runRestore(
      { ...clients(), concurrency: 1 },
      { projectId: 'fraud-detection' },
      ctx(),
    );
    // Assess
    expect(secondCreate).toEqual(['after a registration']);
    expect(report.outcomes.map((o) => o.result)).toEqual(['restored', 'restored']);
  });

  it('ends every wait at one deadline counted from the start of the run, not from the last start', async () => {
    // Prepare: a fake clock; starting the second endpoint takes 10 minutes, longer than the
    // 8-minute wait; neither endpoint leaves Creating.
    const { created } = await givenTwoParked();
    let now = 0;
    sm.on(CreateEndpointCommand).callsFake((input: { EndpointName: string }) => {
      if (created.size === 1) now += 10 * 60_000;
      created.add(input.EndpointName);
      return {};
    });
    sm.on(DescribeEndpointCommand).callsFake((input: { EndpointName: string }) => {
      if (!created.has(input.EndpointName)) throw notFound(`endpoint "${input.EndpointName}"`);
      return { EndpointName: input.EndpointName, EndpointStatus: 'Creating' };
    });
    const fakeClock = {
      ...clients(),
      concurrency: 1,
      inServiceWait: {
        baseDelayMs: 5_000,
        maxDelayMs: 5_000,
        attempts: 1_000,
        maxElapsedMs: 8 * 60_000,
        now: () => now,
        sleep: async (ms: number) => {
          now += ms;
          await new Promise<void>((r) => setImmediate(r));
        },
      },
    };
    // Act
    const report = await runRestore(fakeClock, { projectId: 'fraud-detection' }, ctx());
    // Assess: both left waiting for the next run, and no wait went on past the deadline.
    expect(report.outcomes.map((o) => o.result)).toEqual(['waiting', 'waiting']);
    expect(now).toBeLessThan(10 * 60_000 + 60_000);
    expect(table.savedItems()).toHaveLength(2);
  });

  it('re-issues CreateEndpoint with the same config and tags, then the same scaling, then does nothing', async () => {
    // Act 1: the endpoint is gone; restore re-creates it; it stays Creating past the bound.
    sm.on(DescribeEndpointCommand)
      .rejectsOnce(notFound('endpoint "fraud-rt"'))
      .resolves({ EndpointName: 'fraud-rt', EndpointStatus: 'Creating' });
    sm.on(CreateEndpointCommand).resolves({ EndpointArn: 'arn' });
    const first = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    // Assess 1
    expect(first.outcomes).toEqual([
      expect.objectContaining({ endpointName: 'fraud-rt', result: 'waiting' }),
    ]);
    expect(sm).toHaveReceivedCommandWith(CreateEndpointCommand, {
      EndpointName: 'fraud-rt',
      EndpointConfigName: 'fraud-rt-config',
      Tags: [
        { Key: 'Project', Value: 'fraud-detection' },
        { Key: 'Team', Value: 'risk' },
      ],
    });
    expect(aas).not.toHaveReceivedCommand(RegisterScalableTargetCommand); // not InService yet

    // Act 2: once InService, the saved target and policy are put back.
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'fraud-rt',
      EndpointStatus: 'InService',
    });
    const second = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    // Assess 2
    expect(second.outcomes[0]).toMatchObject({ result: 'restored' });
    expect(aas).toHaveReceivedCommandWith(RegisterScalableTargetCommand, {
      ServiceNamespace: 'sagemaker',
      ResourceId: target.resourceId,
      ScalableDimension: VARIANT_DIMENSION,
      MinCapacity: 2,
      MaxCapacity: 10,
      SuspendedState: { ScheduledScalingSuspended: true },
    });
    expect(aas).toHaveReceivedCommandWith(PutScalingPolicyCommand, {
      PolicyName: 'invocations',
      PolicyType: 'TargetTrackingScaling',
      ResourceId: target.resourceId,
      TargetTrackingScalingPolicyConfiguration: trackingConfig,
    });
    expect(aas).toHaveReceivedCommandWith(PutScheduledActionCommand, {
      ResourceId: target.resourceId,
      ScheduledActionName: 'weekday-floor',
      Schedule: 'cron(0 7 ? * MON-FRI *)',
      ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 10 },
    });
    expect(sm).toHaveReceivedCommandTimes(CreateEndpointCommand, 1);

    // Act 3: idempotent, nothing left.
    sm.resetHistory();
    aas.resetHistory();
    const third = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    // Assess 3
    expect(third).toMatchObject({ nothingSaved: true, outcomes: [] });
    expect(sm.calls()).toHaveLength(0);
    expect(aas.calls()).toHaveLength(0);
    expect(table.auditItems().map((i) => i.result)).toEqual(['waiting', 'restored']);
    expect(table.auditItems()[0]).toMatchObject({
      pk: 'PROJECT#fraud-detection',
      kind: 'endpoint',
      action: 'restore:recreate',
      notificationId: expect.stringMatching(/^restore:run-/),
    });
    // What the endpoint was before each run: parked, then parked and re-created by the first run.
    expect(table.auditItems().map((i) => i.priorState)).toEqual([
      expect.stringMatching(/^park-endpoint at \S+$/),
      expect.stringMatching(/^park-endpoint at \S+, re-created \S+$/),
    ]);
    expect(String(table.auditItems()[0]?.sk)).toMatch(
      /^AUDIT#2026-12-01T08:00:\d\d\.000Z#arn:aws:sagemaker:/,
    );
  });

  it('never overwrites an endpoint re-created by hand and keeps the saved state', async () => {
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'fraud-rt',
      EndpointStatus: 'InService',
    });
    const report = await runRestore(
      clients(),
      { projectId: 'fraud-detection', endpointName: 'fraud-rt' },
      ctx(),
    );
    expect(report.outcomes[0]).toMatchObject({
      result: 'skipped',
      reason: expect.stringMatching(/by hand/),
    });
    expect(sm).not.toHaveReceivedCommand(CreateEndpointCommand);
    expect(aas).not.toHaveReceivedCommand(RegisterScalableTargetCommand);
    expect(table.savedItems()).toHaveLength(1);
  });

  it('reports an endpoint whose config was deleted, and keeps its state', async () => {
    sm.on(DescribeEndpointCommand).rejects(notFound('endpoint'));
    sm.on(DescribeEndpointConfigCommand).rejects(
      notFound('endpoint configuration "fraud-rt-config"'),
    );
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({
      result: 'blocked',
      reason: expect.stringMatching(/config fraud-rt-config was deleted/),
    });
    expect(sm).not.toHaveReceivedCommand(CreateEndpointCommand);
    expect(table.savedItems()).toHaveLength(1);
  });

  it('reports an endpoint whose model was deleted', async () => {
    sm.on(DescribeEndpointCommand).rejects(notFound('endpoint'));
    sm.on(DescribeModelCommand).rejects(notFound('model "fraud-model"'));
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({
      result: 'blocked',
      reason: expect.stringMatching(/fraud-model/),
    });
  });

  it.each([
    ['ValidationException', 'Cannot create already existing endpoint "fraud-rt".'],
    ['ResourceInUse', 'Resource in use'],
  ])(
    'skips when someone creates the endpoint between the check and CreateEndpoint (%s)',
    async (name, message) => {
      sm.on(DescribeEndpointCommand).rejects(notFound('endpoint'));
      sm.on(CreateEndpointCommand).rejects(awsError(name, message));
      const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
      expect(report.outcomes[0]).toMatchObject({
        result: 'skipped',
        reason: 'an endpoint named fraud-rt was created meanwhile: not overwritten',
      });
      expect(table.savedItems()[0]?.recreatedAt).toBeUndefined();
    },
  );

  it('blocks a re-created endpoint that ends Failed, and keeps its scaling for later', async () => {
    sm.on(DescribeEndpointCommand)
      .rejectsOnce(notFound('endpoint "fraud-rt"'))
      .resolves({ EndpointName: 'fraud-rt', EndpointStatus: 'Failed' });
    sm.on(CreateEndpointCommand).resolves({ EndpointArn: 'arn' });
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({
      result: 'blocked',
      reason: expect.stringMatching(
        /; it ended Failed: fix it by hand, then restore puts back its 1 scalable target/,
      ),
    });
    expect(aas).not.toHaveReceivedCommand(RegisterScalableTargetCommand);
    expect(table.savedItems()).toHaveLength(1);
    expect(table.savedItems()[0]?.recreatedAt).toEqual(expect.any(String));
  });

  it('fails, keeping the state, when the wait itself is refused (not a "not ready yet")', async () => {
    sm.on(DescribeEndpointCommand)
      .rejectsOnce(notFound('endpoint "fraud-rt"'))
      .rejects(
        awsError('AccessDeniedException', 'not authorized to perform sagemaker:DescribeEndpoint'),
      );
    sm.on(CreateEndpointCommand).resolves({ EndpointArn: 'arn' });
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({
      result: 'failed',
      error: 'AccessDeniedException: not authorized to perform sagemaker:DescribeEndpoint',
    });
    expect(table.savedItems()).toHaveLength(1);
  });

  it.each([
    ['a quota', 'ResourceLimitExceeded', 'instance quota'],
    // A validation error that is not about KMS is no KMS refusal: failed, not blocked.
    [
      'a validation error not about KMS',
      'ValidationException',
      'Could not find model "fraud-model".',
    ],
  ])(
    'reports a CreateEndpoint refused for %s as failed, keeps the state and audits the error',
    async (_why, name, message) => {
      sm.on(DescribeEndpointCommand).rejects(notFound('endpoint'));
      sm.on(CreateEndpointCommand).rejects(awsError(name, message));
      const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
      expect(report.outcomes[0]).toMatchObject({
        result: 'failed',
        reason: 'restore failed; saved state kept, run restore again',
        error: `${name}: ${message}`,
      });
      expect(table.savedItems()).toHaveLength(1);
      expect(table.auditItems()[0]).toMatchObject({
        result: 'failed',
        error: `${name}: ${message}`,
      });
    },
  );

  it('retries a throttled CreateEndpoint', async () => {
    sm.on(DescribeEndpointCommand).rejects(notFound('endpoint'));
    sm.on(CreateEndpointCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({});
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({
      result: 'waiting',
      reason: expect.stringMatching(
        /; not InService yet: the next restore run puts back its 1 scalable target\(s\)$/,
      ),
    });
    expect(sm).toHaveReceivedCommandTimes(CreateEndpointCommand, 2);
  });
});

describe('restore: one outcome per endpoint, always recorded', () => {
  beforeEach(async () => {
    sm.on(DeleteEndpointCommand).resolves({});
    await autoStop(resource({ endpointName: 'plain-ep', scalableTargets: [] }));
    sm.resetHistory();
  });

  it('re-creates a parked endpoint without scaling and forgets it at once', async () => {
    sm.on(DescribeEndpointCommand).rejects(notFound('endpoint "plain-ep"'));
    sm.on(CreateEndpointCommand).resolves({ EndpointArn: 'arn' });
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    // Strict: an outcome that did not fail has no `error` key at all.
    expect(report.outcomes).toStrictEqual([
      {
        endpointName: 'plain-ep',
        endpointArn: expect.stringMatching(/:endpoint\/plain-ep$/),
        savedAction: 'park-endpoint',
        decision: 'recreate',
        result: 'recreated',
        reason: expect.stringMatching(/; nothing else to restore$/),
      },
    ]);
    // Nothing to wait for: not polled, not marked re-created, forgotten in the audit write.
    expect(sm).toHaveReceivedCommandTimes(DescribeEndpointCommand, 1);
    expect(table.savedItems()).toHaveLength(0);
    expect(table.auditItems()).toEqual([
      expect.objectContaining({ result: 'recreated', action: 'restore:recreate' }),
    ]);
  });

  it('plans in a dry run: nothing changed, nothing recorded, the saved state kept', async () => {
    sm.on(DescribeEndpointCommand).rejects(notFound('endpoint "plain-ep"'));
    const report = await runRestore(
      clients(),
      { projectId: 'fraud-detection', dryRun: true },
      ctx(),
    );
    expect(report.outcomes).toEqual([
      expect.objectContaining({ decision: 'recreate', result: 'planned' }),
    ]);
    expect(sm).not.toHaveReceivedCommand(CreateEndpointCommand);
    expect(table.auditItems()).toHaveLength(0);
    expect(table.savedItems()).toHaveLength(1);
  });

  it('fails the endpoint, decision blocked, when its live state cannot be read', async () => {
    sm.on(DescribeEndpointCommand).rejects(
      awsError('AccessDeniedException', 'not authorized to perform sagemaker:DescribeEndpoint'),
    );
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({
      decision: 'blocked',
      result: 'failed',
      error: 'AccessDeniedException: not authorized to perform sagemaker:DescribeEndpoint',
    });
    expect(table.auditItems()).toEqual([
      expect.objectContaining({ action: 'restore:blocked', result: 'failed' }),
    ]);
    expect(table.savedItems()).toHaveLength(1);
  });
});

describe('restore fixes', () => {
  const target = {
    resourceId: 'endpoint/fraud-rt/variant/AllTraffic',
    scalableDimension: VARIANT_DIMENSION,
    minCapacity: 0,
    maxCapacity: 4,
  };
  const oldArn =
    'arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:old-uuid:resource/sagemaker/endpoint/fraud-rt/variant/AllTraffic:policyName/scale-from-zero';
  const newArn = oldArn.replace('old-uuid', 'new-uuid');
  const topic = 'arn:aws:sns:eu-west-1:111122223333:ops';

  async function park(): Promise<void> {
    aas.on(DescribeScalingPoliciesCommand).resolves({
      ScalingPolicies: [
        {
          PolicyARN: oldArn,
          PolicyName: 'scale-from-zero',
          ServiceNamespace: 'sagemaker',
          ResourceId: target.resourceId,
          ScalableDimension: VARIANT_DIMENSION,
          PolicyType: 'StepScaling',
          StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity' },
          Alarms: [{ AlarmName: 'no-capacity', AlarmARN: 'arn:aws:cloudwatch:alarm:no-capacity' }],
          CreationTime: new Date(),
        },
      ],
    });
    aas.on(DescribeScheduledActionsCommand).resolves({ ScheduledActions: [] });
    sm.on(DeleteEndpointCommand).resolves({});
    await autoStop(resource({ scalableTargets: [target] }));
    aas.resetHistory();
    sm.resetHistory();
  }

  it('re-points a step-scaling alarm to the re-created policy ARN, keeping its other settings', async () => {
    // Prepare
    await park();
    sm.on(DescribeEndpointCommand)
      .rejectsOnce(notFound('endpoint "fraud-rt"'))
      .resolves({ EndpointName: 'fraud-rt', EndpointStatus: 'InService' });
    sm.on(CreateEndpointCommand).resolves({});
    aas.on(PutScalingPolicyCommand).resolves({ PolicyARN: newArn });
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'no-capacity',
          AlarmActions: [oldArn, topic],
          MetricName: 'NoCapacityInvocationFailures',
          Namespace: 'AWS/SageMaker',
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Dimensions: [{ Name: 'EndpointName', Value: 'fraud-rt' }],
        },
      ],
    });
    cw.on(PutMetricAlarmCommand).resolves({});
    // Act
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    // Assess
    expect(report.outcomes[0]).toMatchObject({
      result: 'restored',
      reason: expect.stringMatching(/alarm\(s\) no-capacity re-pointed/),
    });
    expect(cw).toHaveReceivedCommandWith(PutMetricAlarmCommand, {
      AlarmName: 'no-capacity',
      AlarmActions: [newArn, topic],
      MetricName: 'NoCapacityInvocationFailures',
      Threshold: 1,
      Dimensions: [{ Name: 'EndpointName', Value: 'fraud-rt' }],
    });
  });

  it('blocks, keeping the saved state, when KMS refuses the config key to this role', async () => {
    // Prepare
    await park();
    sm.on(DescribeEndpointCommand).rejects(notFound('endpoint "fraud-rt"'));
    sm.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'fraud-rt-config',
      KmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k1',
    });
    sm.on(CreateEndpointCommand).rejects(
      awsError(
        'ValidationException',
        'User is not authorized to perform kms:CreateGrant on the KmsKeyId provided',
      ),
    );
    // Act
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    // Assess
    expect(report.outcomes[0]).toMatchObject({
      result: 'blocked',
      reason: expect.stringMatching(/refused by KMS: the key policy .* must allow this role/),
    });
    expect(table.savedItems()).toHaveLength(1);
  });

  it('finishes a park that stopped after deregistering scaling: the same endpoint gets its scaling back', async () => {
    // Prepare: the park saved state and deregistered, then DeleteEndpoint failed.
    aas.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
    aas.on(DescribeScheduledActionsCommand).resolves({ ScheduledActions: [] });
    sm.on(DeleteEndpointCommand).rejects(awsError('AccessDeniedException', 'denied'));
    const created = new Date('2026-10-01T00:00:00.000Z');
    const res = resource({ scalableTargets: [target], createdAt: created.toISOString() });
    const decision = endpointHandler.plan(res, settings('park'));
    if (decision.type !== 'act') throw new Error(decision.reason);
    const parked = await endpointHandler.act(clients(), decision, runContext());
    expect(parked.result).toBe('failed');
    aas.resetHistory();
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'fraud-rt',
      EndpointStatus: 'InService',
      CreationTime: created,
    });
    // Act
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    // Assess
    expect(report.outcomes[0]).toMatchObject({
      decision: 'restore-scaling',
      result: 'restored',
      reason: expect.stringMatching(/did not finish/),
    });
    expect(aas).toHaveReceivedCommandWith(RegisterScalableTargetCommand, {
      ResourceId: target.resourceId,
      MinCapacity: 0,
      MaxCapacity: 4,
    });
    expect(sm).not.toHaveReceivedCommand(CreateEndpointCommand);
    expect(table.savedItems()).toHaveLength(0);
  });
});

describe('restore of endpoints scaled in place', () => {
  it('puts an async variant target back to its saved minimum, maximum and suspended state', async () => {
    // Prepare
    const target = {
      resourceId: 'endpoint/async-ep/variant/AllTraffic',
      scalableDimension: VARIANT_DIMENSION,
      minCapacity: 1,
      maxCapacity: 4,
      suspendedState: { DynamicScalingInSuspended: false },
    };
    await autoStop(
      resource({ endpointKind: 'async', endpointName: 'async-ep', scalableTargets: [target] }),
    );
    aas.resetHistory();
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'async-ep',
      EndpointStatus: 'InService',
    });
    // The clients as the restore function builds them: the waits' defaults (IN_SERVICE_WAIT).
    const { inServiceWait: _testWaits, ...functionClients } = clients();
    // Act
    const report = await runRestore(
      functionClients,
      { projectId: 'fraud-detection', endpointName: 'async-ep' },
      ctx(),
    );
    // Assess
    expect(report.outcomes[0]?.result).toBe('restored');
    expect(aas).toHaveReceivedCommandWith(RegisterScalableTargetCommand, {
      ResourceId: target.resourceId,
      MinCapacity: 1,
      MaxCapacity: 4,
      SuspendedState: { DynamicScalingInSuspended: false },
    });
    expect(aas).not.toHaveReceivedCommand(PutScalingPolicyCommand); // registering again keeps policies
    expect(table.savedItems()).toHaveLength(0);
  });

  it('waits, changing nothing, while the endpoint is being updated', async () => {
    await givenParkedAsyncEndpoint();
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'async-ep',
      EndpointStatus: 'Updating',
    });
    aas.resetHistory();
    sm.resetHistory();
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({ decision: 'wait', result: 'waiting' });
    expect(sm).not.toHaveReceivedCommand(UpdateEndpointWeightsAndCapacitiesCommand);
    expect(aas).not.toHaveReceivedCommand(RegisterScalableTargetCommand);
    expect(table.savedItems()).toHaveLength(1);
  });

  it('removes the [0, 0] target it added to an async endpoint and puts the instance count back', async () => {
    await autoStop(
      resource({
        endpointKind: 'async',
        endpointName: 'async-ep',
        variants: [{ variantName: 'AllTraffic', currentInstanceCount: 2, serverless: false }],
      }),
    );
    aas.resetHistory();
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'async-ep',
      EndpointStatus: 'InService',
    });
    sm.on(UpdateEndpointWeightsAndCapacitiesCommand).resolves({});
    await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(aas).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, {
      ResourceId: 'endpoint/async-ep/variant/AllTraffic',
    });
    expect(aas).not.toHaveReceivedCommand(RegisterScalableTargetCommand);
    expect(sm).toHaveReceivedCommandWith(UpdateEndpointWeightsAndCapacitiesCommand, {
      EndpointName: 'async-ep',
      DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 2 }],
    });
  });

  it('puts inference component copy counts and targets back', async () => {
    aas.on(RegisterScalableTargetCommand).resolves({});
    sm.on(UpdateInferenceComponentRuntimeConfigCommand).resolves({});
    await autoStop(
      resource({
        endpointKind: 'inference-components',
        endpointName: 'ic-ep',
        variants: [
          {
            variantName: 'AllTraffic',
            serverless: false,
            managedScalingEnabled: true,
            managedMinInstanceCount: 0,
          },
        ],
        inferenceComponents: [
          { name: 'ic-a', status: 'InService', desiredCopyCount: 2 },
          { name: 'ic-b', status: 'InService', desiredCopyCount: 3 },
        ],
        scalableTargets: [
          {
            resourceId: 'inference-component/ic-a',
            scalableDimension: COPY_COUNT_DIMENSION,
            minCapacity: 1,
            maxCapacity: 6,
          },
        ],
      }),
    );
    aas.resetHistory();
    sm.resetHistory();
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: 'ic-ep', EndpointStatus: 'InService' });
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]?.result).toBe('restored');
    expect(aas).toHaveReceivedCommandWith(RegisterScalableTargetCommand, {
      ResourceId: 'inference-component/ic-a',
      ScalableDimension: COPY_COUNT_DIMENSION,
      MinCapacity: 1,
      MaxCapacity: 6,
    });
    expect(sm).toHaveReceivedCommandWith(UpdateInferenceComponentRuntimeConfigCommand, {
      InferenceComponentName: 'ic-b',
      DesiredRuntimeConfig: { CopyCount: 3 },
    });
    expect(sm).toHaveReceivedCommandTimes(UpdateInferenceComponentRuntimeConfigCommand, 1);
    // No config to switch back to: the endpoint itself is left as it is.
    expect(sm).not.toHaveReceivedCommand(UpdateEndpointCommand);
    expect(table.savedItems()).toHaveLength(0);
  });
});

describe('restore of a lowered managed-instance minimum', () => {
  beforeEach(async () => {
    sm.on(UpdateInferenceComponentRuntimeConfigCommand).resolves({});
    sm.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'ic-cfg',
      ProductionVariants: [],
    });
    sm.on(CreateEndpointConfigCommand).resolves({});
    sm.on(UpdateEndpointCommand).resolves({});
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'ic-ep',
      EndpointStatus: 'InService',
      EndpointConfigName: 'ic-cfg-gr-min0',
    });
    await autoStop(
      resource({
        endpointKind: 'inference-components',
        endpointName: 'ic-ep',
        endpointConfigName: 'ic-cfg',
        variants: [
          {
            variantName: 'AllTraffic',
            serverless: false,
            managedScalingEnabled: true,
            managedMinInstanceCount: 1,
          },
        ],
        inferenceComponents: [{ name: 'ic-a', status: 'InService', desiredCopyCount: 2 }],
      }),
    );
    sm.resetHistory();
  });

  it('switches the endpoint back to its original config, then restores the copy counts', async () => {
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({
      result: 'restored',
      reason: expect.stringMatching(/switch back to config ic-cfg/),
    });
    expect(sm).toHaveReceivedCommandWith(UpdateEndpointCommand, {
      EndpointName: 'ic-ep',
      EndpointConfigName: 'ic-cfg',
      RetainAllVariantProperties: true,
    });
    const update = sm.commandCalls(UpdateEndpointCommand)[0];
    const copies = sm.commandCalls(UpdateInferenceComponentRuntimeConfigCommand)[0];
    expect(update && copies && update.calledBefore(copies)).toBe(true);
    expect(copies?.args[0].input).toEqual({
      InferenceComponentName: 'ic-a',
      DesiredRuntimeConfig: { CopyCount: 2 },
    });
    expect(table.savedItems()).toHaveLength(0);
  });

  it.each([
    [
      'still Updating at the deadline',
      'Updating',
      'waiting',
      /not InService yet: the next restore run puts back the copy counts/,
    ],
    [
      'Failed after the switch',
      'Failed',
      'blocked',
      /but the endpoint is Failed: fix it by hand; saved state kept/,
    ],
  ] as const)(
    'leaves the copy counts when the endpoint is %s',
    async (_name, status, result, reason) => {
      // Prepare: on the copy when read, then the update does not end InService.
      sm.on(DescribeEndpointCommand)
        .resolvesOnce({
          EndpointName: 'ic-ep',
          EndpointStatus: 'InService',
          EndpointConfigName: 'ic-cfg-gr-min0',
        })
        .resolves({ EndpointName: 'ic-ep', EndpointStatus: status, EndpointConfigName: 'ic-cfg' });
      // Act
      const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
      // Assess
      expect(report.outcomes[0]).toMatchObject({ result, reason: expect.stringMatching(reason) });
      expect(sm).toHaveReceivedCommand(UpdateEndpointCommand);
      expect(sm).not.toHaveReceivedCommand(UpdateInferenceComponentRuntimeConfigCommand);
      expect(table.savedItems()).toHaveLength(1);
    },
  );

  it('is blocked when the original config was deleted', async () => {
    sm.on(DescribeEndpointConfigCommand).rejects(notFound('endpoint configuration "ic-cfg"'));
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report.outcomes[0]).toMatchObject({
      result: 'blocked',
      reason: expect.stringMatching(/original config ic-cfg was deleted/),
    });
    expect(sm).not.toHaveReceivedCommand(UpdateEndpointCommand);
    expect(table.savedItems()).toHaveLength(1);
  });
});

describe('restore with nothing saved', () => {
  it('reports nothing saved and calls neither SageMaker nor Application Auto Scaling', async () => {
    const report = await runRestore(clients(), { projectId: 'fraud-detection' }, ctx());
    expect(report).toMatchObject({
      projectId: 'fraud-detection',
      nothingSaved: true,
      outcomes: [],
    });
    expect(sm.calls()).toHaveLength(0);
    expect(aas.calls()).toHaveLength(0);
    expect(table.auditItems()).toHaveLength(0);
  });
});

describe('restore handler input', () => {
  it.each([
    ['a missing projectId', {}, /projectId/],
    ['an unknown project', { projectId: 'nope' }, /"nope" is not a project of the policy/],
    [
      'an endpoint name longer than 63 characters',
      { projectId: 'fraud-detection', endpointName: 'x'.repeat(64) },
      /endpointName/,
    ],
    ['an unknown key', { projectId: 'fraud-detection', project: 'x' }, /project/],
  ])('rejects %s with a message naming it', (_name, event, message) => {
    expect(() => parseRestoreEvent(event, ['fraud-detection'])).toThrow(RestoreInputError);
    expect(() => parseRestoreEvent(event, ['fraud-detection'])).toThrow(message);
  });

  it('accepts the next-period schedule as a trigger', () => {
    expect(
      parseRestoreEvent({ projectId: 'fraud-detection', trigger: 'next-period' }, [
        'fraud-detection',
      ]),
    ).toMatchObject({ trigger: 'next-period' });
  });

  it('sends a report of a scheduled restore that changed something, and none when nothing was saved', async () => {
    // Prepare: one scaled-to-zero async endpoint is saved.
    await givenParkedAsyncEndpoint();
    const sent: { projectId: string; subject: string; text: string }[] = [];
    const deps = {
      clients: clients(),
      ...QUIET,
      projectIds: ['fraud-detection'],
      runId: 'sched-1',
      report: async (projectId: string, subject: string, text: string) => {
        sent.push({ projectId, subject, text });
      },
    };
    // Act
    await handleRestoreEvent({ projectId: 'fraud-detection', trigger: 'next-period' }, deps);
    await handleRestoreEvent({ projectId: 'fraud-detection', trigger: 'next-period' }, deps);
    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]?.projectId).toBe('fraud-detection');
    expect(sent[0]?.subject).toMatch(
      /endpoints restored for fraud-detection \(new budget period\)/,
    );
    expect(sent[0]?.text).toMatch(/async-ep\s+restored/);
  });

  it('counts each restore result as a business metric', async () => {
    // Prepare: one scaled-to-zero async endpoint is saved.
    await givenParkedAsyncEndpoint();
    const counted: [string, number][] = [];
    // Act
    await handleRestoreEvent(
      { projectId: 'fraud-detection' },
      {
        clients: clients(),
        ...QUIET,
        count: (metric, value) => counted.push([metric, value]),
        projectIds: ['fraud-detection'],
        runId: 'req-m',
      },
    );
    // Assess
    expect(counted).toEqual([['endpointsRestored', 1]]);
  });

  it('runs a restore for a valid event', async () => {
    const report = await handleRestoreEvent(
      { projectId: 'fraud-detection' },
      { clients: clients(), ...QUIET, projectIds: ['fraud-detection'], runId: 'req-1' },
    );
    expect(report).toMatchObject({ runId: 'req-1', nothingSaved: true });
  });
});

describe('restore change events', () => {
  const events = mockClient(EventBridgeClient);
  afterEach(() => events.reset());

  const sink = (counted: string[]) =>
    eventBridgeChangeSink(new EventBridgeClient({}), {
      warn: () => {},
      count: (metric) => counted.push(metric),
    });

  it('puts one change event naming the restored endpoints, and none for a run with nothing saved', async () => {
    // Prepare
    await givenParkedAsyncEndpoint();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const deps = {
      clients: clients(),
      ...QUIET,
      projectIds: ['fraud-detection'],
      runId: 'req-ce',
      changeEvents: sink([]),
    };
    // Act
    await handleRestoreEvent({ projectId: 'fraud-detection' }, deps);
    await handleRestoreEvent({ projectId: 'fraud-detection' }, deps);
    // Assess
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      Source: 'ml-guardrails.auto-stop',
      DetailType: 'Auto-stop action',
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      project: 'fraud-detection',
      action: 'restored',
      counts: { restored: 1 },
      resources: [{ kind: 'endpoint', name: 'async-ep' }],
    });
  });

  it('returns the restore report when PutEvents fails, and counts the failure', async () => {
    // Prepare
    await givenParkedAsyncEndpoint();
    events
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const counted: string[] = [];
    // Act
    const report = await handleRestoreEvent(
      { projectId: 'fraud-detection' },
      {
        clients: clients(),
        ...QUIET,
        projectIds: ['fraud-detection'],
        runId: 'req-fail',
        changeEvents: sink(counted),
      },
    );
    // Assess
    expect(report.outcomes.map((o) => [o.endpointName, o.result])).toEqual([
      ['async-ep', 'restored'],
    ]);
    expect(counted).toEqual(['changeEventsFailed']);
  });

  it('puts no change event for a dry run', async () => {
    // Prepare
    await givenParkedAsyncEndpoint();
    // Act
    await handleRestoreEvent(
      { projectId: 'fraud-detection', dryRun: true },
      {
        clients: clients(),
        ...QUIET,
        projectIds: ['fraud-detection'],
        runId: 'req-dry',
        changeEvents: sink([]),
      },
    );
    // Assess
    expect(events).not.toHaveReceivedCommand(PutEventsCommand);
  });
});

describe('restore report delivery', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => sns.reset());

  it("addresses the report to the project's finance and owner emails, which the topic's subscriptions filter on", async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const project = {
      id: 'fraud-detection',
      financeEmails: ['finops@example.com'],
      ownerEmails: ['owner@example.com'],
    };
    const sink = snsReport(new SNSClient({}), 'arn:aws:sns:eu-west-1:111122223333:reports', [
      project,
    ]);
    // Act
    await sink('fraud-detection', `ml-guardrails: endpoints restored ${'x'.repeat(120)}`, 'body');
    await sink('unknown-project', 'subject', 'body');
    // Assess: one message, with the recipients attribute and a subject within SNS's 100 characters
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.MessageAttributes?.recipients).toEqual({
      DataType: 'String.Array',
      StringValue: JSON.stringify(['finops@example.com', 'owner@example.com']),
    });
    expect(input?.Subject?.length).toBeLessThanOrEqual(100);
  });
});
