/**
 * Brings back what auto-stop took to zero: reads the saved endpoint states of a project, checks
 * what exists now, plans with the pure `planRestore`, acts, writes one audit record per endpoint,
 * and forgets a saved state only once it is fully restored. Shared by the restore function and
 * `guardrails restore`.
 */

import {
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { Limiter, mapLimit } from '../shared/concurrency';
import { awsErrorName, errorMessage } from '../shared/errors';
import {
  deregisterTarget,
  EndpointNotReadyError,
  IN_SERVICE_WAIT,
  isNotFound,
  setCopyCount,
  waitForEndpoint,
  withRetry,
} from './aws';
import { minZeroConfigName } from './config-name';
import { type LiveFacts, planRestore, type RestoreDecision } from './restore-plan';
import { loadSavedEndpoints, markRecreated, writeAuditRecord } from './state';
import { type EndpointClients, updateEndpointInput } from './to-zero';
import {
  COPY_COUNT_DIMENSION,
  componentResourceId,
  ENDPOINT_ACTIONS,
  type SavedEndpoint,
  VARIANT_DIMENSION,
} from './types';

/** SageMaker and Application Auto Scaling actions restore needs (granted by RestoreFunction). */
export const RESTORE_SAGEMAKER_READ_ACTIONS = [
  'sagemaker:DescribeEndpoint',
  'sagemaker:DescribeEndpointConfig',
  'sagemaker:DescribeModel',
] as const;

/** `planned` is a dry run's result: `decision` is what a real run would do. */
export type RestoreResult =
  | 'planned'
  | 'recreated'
  | 'restored'
  | 'waiting'
  | 'skipped'
  | 'blocked'
  | 'failed';

export interface RestoreOutcome {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly savedAction: string;
  readonly decision: RestoreDecision['type'];
  readonly result: RestoreResult;
  readonly reason: string;
  readonly error?: string;
}

export interface RestoreReport {
  readonly projectId: string;
  readonly runId: string;
  /** No saved state matched: nothing was parked or scaled to zero (or all was restored). */
  readonly nothingSaved: boolean;
  readonly outcomes: readonly RestoreOutcome[];
}

export interface RestoreInput {
  readonly projectId: string;
  readonly endpointName?: string;
  /** Read and plan only: nothing is changed and no audit record is written. @default false */
  readonly dryRun?: boolean;
}

export interface RestoreContext {
  readonly now: () => Date;
  /** Id of this run, written to the audit records as `restore:<runId>`. */
  readonly runId: string;
}

async function liveFacts(clients: EndpointClients, saved: SavedEndpoint): Promise<LiveFacts> {
  const sm = clients.sagemaker;
  let endpointStatus: string | undefined;
  let endpointConfigName: string | undefined;
  let failureReason: string | undefined;
  let endpointCreatedAt: string | undefined;
  try {
    const ep = await withRetry(
      () => sm.send(new DescribeEndpointCommand({ EndpointName: saved.endpointName })),
      clients.retry,
    );
    endpointStatus = ep.EndpointStatus ?? 'Unknown';
    endpointConfigName = ep.EndpointConfigName;
    failureReason = ep.FailureReason;
    endpointCreatedAt = ep.CreationTime ? new Date(ep.CreationTime).toISOString() : undefined;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const onCopy =
    endpointConfigName !== undefined &&
    endpointConfigName !== saved.endpointConfigName &&
    endpointConfigName === minZeroConfigName(saved.endpointConfigName);
  // Config and models only matter when the endpoint has to be created again, or switched back.
  const live = {
    endpointStatus,
    endpointConfigName,
    failureReason,
    ...(endpointCreatedAt ? { endpointCreatedAt } : {}),
  };
  if (!onCopy && (saved.action !== ENDPOINT_ACTIONS.park || endpointStatus !== undefined))
    return { ...live, configExists: true, missingModels: [] };
  let configExists = true;
  let kmsKeyId: string | undefined;
  try {
    const config = await withRetry(
      () =>
        sm.send(
          new DescribeEndpointConfigCommand({ EndpointConfigName: saved.endpointConfigName }),
        ),
      clients.retry,
    );
    kmsKeyId = config.KmsKeyId;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    configExists = false;
  }
  if (onCopy) return { ...live, configExists, missingModels: [] };
  const missingModels: string[] = [];
  for (const model of saved.modelNames) {
    try {
      await withRetry(() => sm.send(new DescribeModelCommand({ ModelName: model })), clients.retry);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      missingModels.push(model);
    }
  }
  return { ...live, configExists, missingModels, ...(kmsKeyId ? { kmsKeyId } : {}) };
}

async function recreate(clients: EndpointClients, saved: SavedEndpoint): Promise<void> {
  await withRetry(
    () =>
      clients.sagemaker.send(
        new CreateEndpointCommand({
          EndpointName: saved.endpointName,
          EndpointConfigName: saved.endpointConfigName,
          Tags: Object.entries(saved.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    clients.retry,
  );
}

/** Put back targets (and, for parked endpoints, their deleted policies) and copy counts. */
async function restoreScaling(clients: EndpointClients, saved: SavedEndpoint): Promise<string> {
  const aas = clients.autoscaling;
  let targets = 0;
  let policies = 0;
  let scheduled = 0;
  const alarms: string[] = [];
  for (const t of saved.scalableTargets) {
    if (t.createdByGuardrails) {
      // Auto-stop registered this target only to hold the variant at 0: remove it and put the
      // instance count back as it was.
      await deregisterTarget(aas, t, clients.retry);
      if (t.scalableDimension === VARIANT_DIMENSION) {
        const variantName = t.resourceId.split('/variant/')[1] ?? '';
        const count = saved.variants.find(
          (v) => v.variantName === variantName,
        )?.desiredInstanceCount;
        if (count !== undefined && count > 0)
          await withRetry(
            () =>
              clients.sagemaker.send(
                new UpdateEndpointWeightsAndCapacitiesCommand({
                  EndpointName: saved.endpointName,
                  DesiredWeightsAndCapacities: [
                    { VariantName: variantName, DesiredInstanceCount: count },
                  ],
                }),
              ),
            clients.retry,
          );
      }
      targets++;
      continue;
    }
    await withRetry(
      () =>
        aas.send(
          new RegisterScalableTargetCommand({
            ServiceNamespace: 'sagemaker',
            ResourceId: t.resourceId,
            ScalableDimension: t.scalableDimension as never,
            MinCapacity: t.minCapacity,
            MaxCapacity: t.maxCapacity,
            ...(t.suspendedState ? { SuspendedState: { ...t.suspendedState } } : {}),
          }),
        ),
      clients.retry,
    );
    targets++;
    // Registering again keeps existing policies; only a parked (deregistered) target lost them.
    if (saved.action !== ENDPOINT_ACTIONS.park) continue;
    for (const p of t.policies) {
      const put = await withRetry(
        () =>
          aas.send(
            new PutScalingPolicyCommand({
              ServiceNamespace: 'sagemaker',
              ResourceId: t.resourceId,
              ScalableDimension: t.scalableDimension as never,
              PolicyName: p.policyName,
              PolicyType: p.policyType as never,
              ...(p.targetTracking
                ? { TargetTrackingScalingPolicyConfiguration: p.targetTracking as never }
                : {}),
              ...(p.stepScaling ? { StepScalingPolicyConfiguration: p.stepScaling as never } : {}),
              ...(p.predictiveScaling
                ? { PredictiveScalingPolicyConfiguration: p.predictiveScaling as never }
                : {}),
            }),
          ),
        clients.retry,
      );
      policies++;
      if (p.alarmNames?.length && p.policyArn && put.PolicyARN && put.PolicyARN !== p.policyArn)
        alarms.push(...(await repointAlarms(clients, p.alarmNames, p.policyArn, put.PolicyARN)));
    }
    for (const a of t.scheduledActions ?? []) {
      await withRetry(
        () =>
          aas.send(
            new PutScheduledActionCommand({
              ServiceNamespace: 'sagemaker',
              ResourceId: t.resourceId,
              ScalableDimension: t.scalableDimension as never,
              ScheduledActionName: a.name,
              Schedule: a.schedule,
              ...(a.timezone ? { Timezone: a.timezone } : {}),
              ...(a.startTime ? { StartTime: new Date(a.startTime) } : {}),
              ...(a.endTime ? { EndTime: new Date(a.endTime) } : {}),
              ScalableTargetAction: { MinCapacity: a.minCapacity, MaxCapacity: a.maxCapacity },
            }),
          ),
        clients.retry,
      );
      scheduled++;
    }
  }
  let copies = 0;
  const withTarget = new Set(
    saved.scalableTargets
      .filter((t) => t.scalableDimension === COPY_COUNT_DIMENSION)
      .map((t) => t.resourceId),
  );
  if (saved.action === ENDPOINT_ACTIONS.scaleComponents)
    for (const c of saved.inferenceComponents) {
      if (withTarget.has(componentResourceId(c.name)) || c.desiredCopyCount === 0) continue;
      if (await setCopyCount(clients.sagemaker, c.name, c.desiredCopyCount, clients.retry))
        copies++;
    }
  const repointed = alarms.length
    ? `; alarm(s) ${alarms.join(', ')} re-pointed to the re-created step-scaling policies`
    : '';
  return `${targets} scalable target(s), ${policies} scaling polic(ies) and ${scheduled} scheduled action(s) put back, ${copies} component copy count(s) restored${repointed}`;
}

/**
 * Step-scaling policies are invoked by CloudWatch alarms the user created, which name the policy's
 * ARN in their actions. DeregisterScalableTarget deletes the policy (Application Auto Scaling API
 * Reference) and PutScalingPolicy re-creates it under a new ARN, so the alarms still point at the
 * old one: scale-out from zero would never fire. Each alarm is written back unchanged except for
 * that ARN. Target-tracking alarms are created by Application Auto Scaling itself and are not
 * touched here.
 */
async function repointAlarms(
  clients: EndpointClients,
  alarmNames: readonly string[],
  oldArn: string,
  newArn: string,
): Promise<string[]> {
  const cw = clients.cloudwatch;
  if (!cw)
    throw new Error(
      `alarm(s) ${alarmNames.join(', ')} still invoke the deleted policy ${oldArn}: no CloudWatch client to re-point them`,
    );
  const found = await withRetry(
    () =>
      cw.send(
        new DescribeAlarmsCommand({ AlarmNames: [...alarmNames], AlarmTypes: ['MetricAlarm'] }),
      ),
    clients.retry,
  );
  const swap = (actions: readonly string[] | undefined) =>
    actions?.map((a) => (a === oldArn ? newArn : a));
  const done: string[] = [];
  for (const a of found.MetricAlarms ?? []) {
    if (!a.AlarmName) continue;
    const input: PutMetricAlarmCommandInput = {
      AlarmName: a.AlarmName,
      AlarmDescription: a.AlarmDescription,
      ActionsEnabled: a.ActionsEnabled,
      OKActions: swap(a.OKActions),
      AlarmActions: swap(a.AlarmActions),
      InsufficientDataActions: swap(a.InsufficientDataActions),
      MetricName: a.MetricName,
      Namespace: a.Namespace,
      Statistic: a.Statistic,
      ExtendedStatistic: a.ExtendedStatistic,
      Dimensions: a.Dimensions,
      Period: a.Period,
      Unit: a.Unit,
      EvaluationPeriods: a.EvaluationPeriods,
      DatapointsToAlarm: a.DatapointsToAlarm,
      Threshold: a.Threshold,
      ComparisonOperator: a.ComparisonOperator,
      TreatMissingData: a.TreatMissingData,
      EvaluateLowSampleCountPercentile: a.EvaluateLowSampleCountPercentile,
      Metrics: a.Metrics,
      ThresholdMetricId: a.ThresholdMetricId,
    };
    await withRetry(() => cw.send(new PutMetricAlarmCommand(input)), clients.retry);
    done.push(a.AlarmName);
  }
  return done;
}

/** The clock of the InService waits (injected with them in tests). */
function clock(clients: EndpointClients): () => number {
  return clients.inServiceWait?.now ?? Date.now;
}

/** Wait (bounded) for the endpoint to settle: its final status, or `timeout`. */
async function settle(
  clients: EndpointClients,
  endpointName: string,
  deadline: number,
): Promise<string> {
  try {
    const { status } = await waitForEndpoint(clients.sagemaker, endpointName, {
      wait: { ...clients.inServiceWait, maxElapsedMs: Math.max(0, deadline - clock(clients)()) },
      ...(clients.retry ? { retry: clients.retry } : {}),
    });
    return status;
  } catch (err) {
    if (err instanceof EndpointNotReadyError) return 'timeout';
    throw err;
  }
}

/** A KMS refusal on CreateEndpoint: the config's key policy does not allow this role. */
function isKmsRefusal(err: unknown): boolean {
  const name = awsErrorName(err) ?? '';
  return (
    /AccessDenied|KMS|Validation/i.test(name) &&
    /\bkms\b|kms:|key policy|KmsKeyId/i.test(errorMessage(err))
  );
}

/** A step that threw: reported as failed with the error; the saved state is kept. */
function failed(err: unknown): Omit<Step, 'finish'> & { readonly error: string } {
  return {
    result: 'failed',
    reason: 'restore failed; saved state kept, run restore again',
    error: `${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}`,
  };
}

/** What one step of restore did; `finish` is the same endpoint's second step (after a wait). */
interface Step {
  readonly result: RestoreResult;
  readonly reason: string;
  readonly forget?: boolean;
  /** Waits (until the run's deadline) and finishes; undefined when the deadline came first. */
  readonly finish?: (deadline: number) => Promise<Omit<Step, 'finish'> | undefined>;
}

async function carryOut(
  clients: EndpointClients,
  decision: RestoreDecision,
  ctx: RestoreContext,
): Promise<Step> {
  const { saved } = decision;
  switch (decision.type) {
    case 'recreate': {
      try {
        await recreate(clients, saved);
      } catch (err) {
        // Someone created it between our check and the call: never overwrite it.
        if (awsErrorName(err) === 'ResourceInUse' || /already exist/i.test(errorMessage(err)))
          return {
            result: 'skipped',
            reason: `an endpoint named ${saved.endpointName} was created meanwhile: not overwritten`,
          };
        if (isKmsRefusal(err))
          return {
            result: 'blocked',
            reason: `CreateEndpoint was refused by KMS: the key policy of the config's KmsKeyId must allow this role (kms:CreateGrant, kms:DescribeKey; see docs/endpoints.md); saved state kept [${errorMessage(err)}]`,
          };
        throw err;
      }
      if (saved.scalableTargets.length === 0)
        return {
          result: 'recreated',
          reason: `${decision.reason}; nothing else to restore`,
          forget: true,
        };
      // Recorded before waiting, so a run that ends meanwhile never re-creates it twice.
      const recreatedAt = ctx.now().toISOString();
      await markRecreated(clients, saved, recreatedAt);
      return {
        result: 'waiting',
        reason: `${decision.reason}; not InService yet: the next restore run puts back its ${saved.scalableTargets.length} scalable target(s)`,
        // Second step of the same run, once every endpoint has been started.
        finish: async (deadline: number) => {
          const settled = await settle(clients, saved.endpointName, deadline);
          if (settled === 'timeout') return undefined;
          if (settled !== 'InService')
            return {
              result: 'blocked',
              reason: `${decision.reason}; it ended ${settled}: fix it by hand, then restore puts back its ${saved.scalableTargets.length} scalable target(s)`,
            };
          const done = await restoreScaling(clients, { ...saved, recreatedAt });
          return {
            result: 'restored',
            reason: `${decision.reason}; InService in the same run: ${done}`,
            forget: true,
          };
        },
      };
    }
    case 'restore-scaling': {
      const configName = decision.switchBackToConfig;
      // Managed minimum first: it is the capacity floor the copy counts go back onto.
      if (configName) {
        await withRetry(
          () =>
            clients.sagemaker.send(
              new UpdateEndpointCommand(updateEndpointInput(saved.endpointName, configName)),
            ),
          clients.retry,
        );
        // Copies need the endpoint InService on the original config again: second step.
        return {
          result: 'waiting',
          reason: `switched back to config ${configName}, but the endpoint is not InService yet: the next restore run puts back the copy counts`,
          finish: async (deadline: number) => {
            const settled = await settle(clients, saved.endpointName, deadline);
            if (settled === 'timeout') return undefined;
            if (settled !== 'InService')
              return {
                result: 'blocked',
                reason: `switched back to config ${configName}, but the endpoint is ${settled}: fix it by hand; saved state kept`,
              };
            const done = await restoreScaling(clients, saved);
            return { result: 'restored', reason: `${decision.reason}: ${done}`, forget: true };
          },
        };
      }
      const done = await restoreScaling(clients, saved);
      return { result: 'restored', reason: `${decision.reason}: ${done}`, forget: true };
    }
    case 'wait':
      return { result: 'waiting', reason: decision.reason };
    case 'skip':
      return { result: 'skipped', reason: decision.reason, forget: decision.forget };
    case 'blocked':
      return { result: 'blocked', reason: decision.reason };
  }
}

/** Restore a project's saved endpoints (or one of them); safe to run any number of times. */
export async function runRestore(
  clients: EndpointClients,
  input: RestoreInput,
  ctx: RestoreContext,
): Promise<RestoreReport> {
  const saved = await loadSavedEndpoints(clients, input.projectId, input.endpointName);
  // Endpoints are independent: bounded concurrency keeps a run of many near the services' rates.
  // Each endpoint is started (re-created, switched back, or restored outright) in one pool; one
  // that must be InService first is then waited for and finished in a second pool, so a wait never
  // holds up a start and the two kinds of calls, which have separate quotas, overlap. Every wait
  // ends at one deadline counted from the start of the run: a run of many endpoints takes about
  // one creation time and ends within the function's timeout.
  const limit = clients.concurrency ?? 8;
  const deadline =
    clock(clients)() + (clients.inServiceWait?.maxElapsedMs ?? IN_SERVICE_WAIT.maxElapsedMs ?? 0);
  const waits = new Limiter(limit);

  const conclude = async (
    s: SavedEndpoint,
    decision: RestoreDecision['type'],
    final: Omit<Step, 'finish'>,
  ): Promise<RestoreOutcome> => {
    const outcome: RestoreOutcome = {
      endpointName: s.endpointName,
      endpointArn: s.endpointArn,
      savedAction: s.action,
      decision,
      result: final.result,
      reason: final.reason,
      ...('error' in final && typeof final.error === 'string' ? { error: final.error } : {}),
    };
    if (input.dryRun) return outcome;
    // Recorded, and forgotten when fully done, in one write.
    await writeAuditRecord(
      clients,
      {
        projectId: input.projectId,
        resourceArn: s.endpointArn,
        kind: 'endpoint',
        name: s.endpointName,
        priorState: `${s.action} at ${s.parkedAt}${s.recreatedAt ? `, re-created ${s.recreatedAt}` : ''}`,
        action: `restore:${outcome.decision}`,
        result: outcome.result,
        reason: outcome.reason,
        ...(outcome.error ? { error: outcome.error } : {}),
        time: ctx.now().toISOString(),
        notificationId: `restore:${ctx.runId}`,
      },
      final.forget ? s : undefined,
    );
    return outcome;
  };

  const outcomes: Promise<RestoreOutcome>[] = [];
  await mapLimit(saved, limit, async (s, index) => {
    let decision: RestoreDecision | undefined;
    let step: Step;
    try {
      decision = planRestore(s, await liveFacts(clients, s), ctx.now());
      step = input.dryRun
        ? { result: 'planned', reason: decision.reason }
        : await carryOut(clients, decision, ctx);
    } catch (err) {
      step = failed(err);
    }
    const type = decision?.type ?? 'blocked';
    const finish = step.finish;
    if (!finish) {
      outcomes[index] = Promise.resolve(await conclude(s, type, step));
      return;
    }
    const later = waits.run(async () => {
      let final: Omit<Step, 'finish'>;
      try {
        final = (await finish(deadline)) ?? step;
      } catch (err) {
        final = failed(err);
      }
      return conclude(s, type, final);
    });
    // Awaited below with the others; this only keeps an early failure from being "unhandled".
    later.catch(() => {});
    outcomes[index] = later;
  });
  return {
    projectId: input.projectId,
    runId: ctx.runId,
    nothingSaved: saved.length === 0,
    outcomes: await Promise.all(outcomes),
  };
}
