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
  CreateEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { awsErrorName, errorMessage } from '../shared/errors';
import { deregisterTarget, isNotFound, withRetry } from './aws';
import { minZeroConfigName } from './config-name';
import { type LiveFacts, planRestore, type RestoreDecision } from './restore-plan';
import { deleteSavedEndpoint, loadSavedEndpoints, markRecreated, writeAuditRecord } from './state';
import type { EndpointClients } from './to-zero';
import {
  COPY_COUNT_DIMENSION,
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
  try {
    const ep = await withRetry(
      () => sm.send(new DescribeEndpointCommand({ EndpointName: saved.endpointName })),
      clients.retry,
    );
    endpointStatus = ep.EndpointStatus ?? 'Unknown';
    endpointConfigName = ep.EndpointConfigName;
    failureReason = ep.FailureReason;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const onCopy =
    endpointConfigName !== undefined &&
    endpointConfigName !== saved.endpointConfigName &&
    endpointConfigName === minZeroConfigName(saved.endpointConfigName);
  // Config and models only matter when the endpoint has to be created again, or switched back.
  const live = { endpointStatus, endpointConfigName, failureReason };
  if (!onCopy && (saved.action !== ENDPOINT_ACTIONS.park || endpointStatus !== undefined))
    return { ...live, configExists: true, missingModels: [] };
  let configExists = true;
  try {
    await withRetry(
      () =>
        sm.send(
          new DescribeEndpointConfigCommand({ EndpointConfigName: saved.endpointConfigName }),
        ),
      clients.retry,
    );
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
  return { ...live, configExists, missingModels };
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
      await withRetry(
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
      if (withTarget.has(`inference-component/${c.name}`) || c.desiredCopyCount === 0) continue;
      try {
        await withRetry(
          () =>
            clients.sagemaker.send(
              new UpdateInferenceComponentRuntimeConfigCommand({
                InferenceComponentName: c.name,
                DesiredRuntimeConfig: { CopyCount: c.desiredCopyCount },
              }),
            ),
          clients.retry,
        );
        copies++;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  return `${targets} scalable target(s), ${policies} scaling polic(ies) and ${scheduled} scheduled action(s) put back, ${copies} component copy count(s) restored`;
}

async function carryOut(
  clients: EndpointClients,
  decision: RestoreDecision,
  ctx: RestoreContext,
): Promise<{ result: RestoreResult; reason: string }> {
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
        throw err;
      }
      if (saved.scalableTargets.length === 0) {
        await deleteSavedEndpoint(clients, saved);
        return { result: 'recreated', reason: `${decision.reason}; nothing else to restore` };
      }
      await markRecreated(clients, saved, ctx.now().toISOString());
      return {
        result: 'recreated',
        reason: `${decision.reason}; run restore again once it is InService to put back its ${saved.scalableTargets.length} scalable target(s)`,
      };
    }
    case 'restore-scaling': {
      const configName = decision.switchBackToConfig;
      // Managed minimum first: it is the capacity floor the copy counts go back onto.
      if (configName)
        await withRetry(
          () =>
            clients.sagemaker.send(
              new UpdateEndpointCommand({
                EndpointName: saved.endpointName,
                EndpointConfigName: configName,
              }),
            ),
          clients.retry,
        );
      const done = await restoreScaling(clients, saved);
      await deleteSavedEndpoint(clients, saved);
      return { result: 'restored', reason: `${decision.reason}: ${done}` };
    }
    case 'wait':
      return { result: 'waiting', reason: decision.reason };
    case 'skip':
      if (decision.forget) await deleteSavedEndpoint(clients, saved);
      return { result: 'skipped', reason: decision.reason };
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
  const outcomes: RestoreOutcome[] = [];
  for (const s of saved) {
    let outcome: RestoreOutcome;
    let decision: RestoreDecision | undefined;
    try {
      decision = planRestore(s, await liveFacts(clients, s));
      const { result, reason } = input.dryRun
        ? { result: 'planned' as const, reason: decision.reason }
        : await carryOut(clients, decision, ctx);
      outcome = {
        endpointName: s.endpointName,
        endpointArn: s.endpointArn,
        savedAction: s.action,
        decision: decision.type,
        result,
        reason,
      };
    } catch (err) {
      outcome = {
        endpointName: s.endpointName,
        endpointArn: s.endpointArn,
        savedAction: s.action,
        decision: decision?.type ?? 'blocked',
        result: 'failed',
        reason: 'restore failed; saved state kept, run restore again',
        error: `${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}`,
      };
    }
    outcomes.push(outcome);
    if (input.dryRun) continue;
    await writeAuditRecord(clients, {
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
    });
  }
  return {
    projectId: input.projectId,
    runId: ctx.runId,
    nothingSaved: saved.length === 0,
    outcomes,
  };
}
