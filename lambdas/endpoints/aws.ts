/**
 * Small AWS helpers for the endpoint handler and the restore function: throttling retries with
 * backoff, "not found" detection, bounded concurrency, and the paginated reads of Application
 * Auto Scaling. Clients are always parameters.
 */
import {
  type ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeEndpointCommand,
  type SageMakerClient,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { awsErrorName, errorMessage, isResourceNotFound } from '../shared/errors';
import { isRetryableError, type RetryOptions, retry } from '../shared/retry';
import { TRANSITIONAL_STATUSES } from './plan';
import type { ScalableTargetInfo, ScalingPolicyInfo, ScheduledActionInfo } from './types';

/**
 * Endpoint calls retry throttling and transient errors (every call here is idempotent) with
 * short, capped, fully jittered waits that keep callers close to the service's rate (the SDK's
 * own throttling backoff starts at 500 ms, THROTTLING_RETRY_DELAY_BASE in @smithy/util-retry,
 * which leaves quota unused when many calls queue on one operation; bench/endpoints.bench.ts
 * measures both), bounded by total time.
 */
export const ENDPOINT_RETRY: RetryOptions = {
  attempts: 50,
  baseDelayMs: 50,
  maxDelayMs: 1000,
  maxElapsedMs: 60_000,
  retryOn: isRetryableError,
};

/** The shared retry helper with the endpoint defaults; `options` override them. */
export function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return retry(fn, { ...ENDPOINT_RETRY, ...options });
}

/**
 * True when the error says the resource is gone: SageMaker answers `ValidationException` "Could
 * not find endpoint" (SageMaker API Reference, Common Errors: ValidationException), Application Auto
 * Scaling `ObjectNotFoundException`, others `ResourceNotFound`.
 */
export function isNotFound(err: unknown): boolean {
  if (isResourceNotFound(err)) return true;
  const name = awsErrorName(err) ?? '';
  if (name === 'ObjectNotFoundException') return true;
  return (
    name === 'ValidationException' &&
    /could not find|does not exist|not found/i.test(errorMessage(err))
  );
}

/**
 * Sets an inference component's copy count (UpdateInferenceComponentRuntimeConfig, SageMaker API
 * Reference). False when the component is gone: there is nothing left to set.
 */
export async function setCopyCount(
  sagemaker: SageMakerClient,
  componentName: string,
  copyCount: number,
  options: RetryOptions = {},
): Promise<boolean> {
  try {
    await withRetry(
      () =>
        sagemaker.send(
          new UpdateInferenceComponentRuntimeConfigCommand({
            InferenceComponentName: componentName,
            DesiredRuntimeConfig: { CopyCount: copyCount },
          }),
        ),
      options,
    );
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** DescribeScalableTargets accepts up to 50 resource ids per call (Application Auto Scaling API). */
export const SCALABLE_TARGET_IDS_PER_CALL = 50;

/** The SageMaker scalable targets registered for these resource ids, read to the last page. */
export async function describeScalableTargets(
  autoscaling: ApplicationAutoScalingClient,
  resourceIds: readonly string[],
  retry?: RetryOptions,
): Promise<ScalableTargetInfo[]> {
  const out: ScalableTargetInfo[] = [];
  for (let i = 0; i < resourceIds.length; i += SCALABLE_TARGET_IDS_PER_CALL) {
    const ids = resourceIds.slice(i, i + SCALABLE_TARGET_IDS_PER_CALL);
    let token: string | undefined;
    do {
      const page = await withRetry(
        () =>
          autoscaling.send(
            new DescribeScalableTargetsCommand({
              ServiceNamespace: 'sagemaker',
              ResourceIds: ids,
              NextToken: token,
            }),
          ),
        retry,
      );
      for (const t of page.ScalableTargets ?? []) {
        if (!t.ResourceId || !t.ScalableDimension) continue;
        out.push({
          resourceId: t.ResourceId,
          scalableDimension: t.ScalableDimension,
          minCapacity: t.MinCapacity ?? 0,
          maxCapacity: t.MaxCapacity ?? 0,
          ...(t.SuspendedState ? { suspendedState: { ...t.SuspendedState } } : {}),
        });
      }
      token = page.NextToken;
    } while (token);
  }
  return out;
}

/** The scaling policies of one scalable target, in the shape PutScalingPolicy takes back. */
export async function describeScalingPolicies(
  autoscaling: ApplicationAutoScalingClient,
  target: Pick<ScalableTargetInfo, 'resourceId' | 'scalableDimension'>,
  retry?: RetryOptions,
): Promise<ScalingPolicyInfo[]> {
  const out: ScalingPolicyInfo[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(
      () =>
        autoscaling.send(
          new DescribeScalingPoliciesCommand({
            ServiceNamespace: 'sagemaker',
            ResourceId: target.resourceId,
            ScalableDimension: target.scalableDimension as never,
            NextToken: token,
          }),
        ),
      retry,
    );
    for (const p of page.ScalingPolicies ?? []) {
      if (!p.PolicyName || !p.PolicyType) continue;
      out.push({
        policyName: p.PolicyName,
        policyType: p.PolicyType,
        ...(p.TargetTrackingScalingPolicyConfiguration
          ? { targetTracking: { ...p.TargetTrackingScalingPolicyConfiguration } }
          : {}),
        ...(p.StepScalingPolicyConfiguration
          ? { stepScaling: { ...p.StepScalingPolicyConfiguration } }
          : {}),
        ...(p.PredictiveScalingPolicyConfiguration
          ? { predictiveScaling: { ...p.PredictiveScalingPolicyConfiguration } }
          : {}),
        ...(p.PolicyARN ? { policyArn: p.PolicyARN } : {}),
        ...(p.Alarms?.length
          ? {
              alarmNames: p.Alarms.flatMap((a) => (a.AlarmName ? [a.AlarmName] : [])),
            }
          : {}),
      });
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** The scheduled actions of one scalable target, in the shape PutScheduledAction takes back. */
export async function describeScheduledActions(
  autoscaling: ApplicationAutoScalingClient,
  target: Pick<ScalableTargetInfo, 'resourceId' | 'scalableDimension'>,
  retry?: RetryOptions,
): Promise<ScheduledActionInfo[]> {
  const out: ScheduledActionInfo[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(
      () =>
        autoscaling.send(
          new DescribeScheduledActionsCommand({
            ServiceNamespace: 'sagemaker',
            ResourceId: target.resourceId,
            ScalableDimension: target.scalableDimension as never,
            NextToken: token,
          }),
        ),
      retry,
    );
    for (const a of page.ScheduledActions ?? []) {
      if (!a.ScheduledActionName || !a.Schedule) continue;
      out.push({
        name: a.ScheduledActionName,
        schedule: a.Schedule,
        ...(a.Timezone ? { timezone: a.Timezone } : {}),
        ...(a.StartTime ? { startTime: new Date(a.StartTime).toISOString() } : {}),
        ...(a.EndTime ? { endTime: new Date(a.EndTime).toISOString() } : {}),
        ...(a.ScalableTargetAction?.MinCapacity !== undefined
          ? { minCapacity: a.ScalableTargetAction.MinCapacity }
          : {}),
        ...(a.ScalableTargetAction?.MaxCapacity !== undefined
          ? { maxCapacity: a.ScalableTargetAction.MaxCapacity }
          : {}),
      });
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** Deregister a scalable target (which also deletes its policies); one already gone is done. */
export async function deregisterTarget(
  autoscaling: ApplicationAutoScalingClient,
  target: Pick<ScalableTargetInfo, 'resourceId' | 'scalableDimension'>,
  retry?: RetryOptions,
): Promise<void> {
  try {
    await withRetry(
      () =>
        autoscaling.send(
          new DeregisterScalableTargetCommand({
            ServiceNamespace: 'sagemaker',
            ResourceId: target.resourceId,
            ScalableDimension: target.scalableDimension as never,
          }),
        ),
      retry,
    );
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The endpoint is still changing (Creating, Updating...): the waiter polls again. */
export class EndpointNotReadyError extends Error {
  override readonly name = 'EndpointNotReadyError';
  constructor(
    readonly endpointName: string,
    readonly status: string,
  ) {
    super(`endpoint ${endpointName} is still ${status}`);
  }
}

/**
 * How long and how often to poll for InService: creating or updating an endpoint takes minutes
 * (SageMaker Developer Guide, "Scale an endpoint to zero instances": provisioning "takes several
 * minutes"). Bounded so a run always ends inside its function's timeout.
 */
export const IN_SERVICE_WAIT: RetryOptions = {
  attempts: 200,
  baseDelayMs: 5_000,
  maxDelayMs: 20_000,
  maxElapsedMs: 8 * 60_000,
};

/**
 * The config swap inside an auto-stop run waits at most a minute, well inside the auto-stop
 * functions' timeouts; a longer update ends the outcome as failed with no copy count changed, and
 * the next run (which then reads the endpoint on its min-0 copy) sets the copies.
 */
export const SWAP_WAIT: RetryOptions = { ...IN_SERVICE_WAIT, maxElapsedMs: 60_000 };

/**
 * Poll DescribeEndpoint until the endpoint leaves its transitional status (through the shared
 * retry helper: "not ready yet" is the retried error). Returns the status it settled in (InService,
 * Failed, ...) and its config; throws EndpointNotReadyError when the bound is reached first.
 */
export async function waitForEndpoint(
  sagemaker: SageMakerClient,
  endpointName: string,
  options: { readonly wait?: RetryOptions; readonly retry?: RetryOptions } = {},
): Promise<{ status: string; configName?: string }> {
  const transitional: readonly string[] = TRANSITIONAL_STATUSES;
  return retry(
    async () => {
      const ep = await withRetry(
        () => sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })),
        options.retry,
      ).catch((err: unknown) => {
        // Just after CreateEndpoint the endpoint may not be visible yet: poll again.
        if (isNotFound(err)) throw new EndpointNotReadyError(endpointName, 'not visible yet');
        throw err;
      });
      const status = ep.EndpointStatus ?? 'Unknown';
      if (transitional.includes(status)) throw new EndpointNotReadyError(endpointName, status);
      return { status, ...(ep.EndpointConfigName ? { configName: ep.EndpointConfigName } : {}) };
    },
    {
      ...IN_SERVICE_WAIT,
      ...options.wait,
      retryOn: (err) => err instanceof EndpointNotReadyError,
    },
  );
}
