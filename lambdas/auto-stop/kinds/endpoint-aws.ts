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
import { awsErrorName, errorMessage, isThrottlingError } from '../../shared/errors';
import type { ScalableTargetInfo, ScalingPolicyInfo, ScheduledActionInfo } from './endpoint-types';

/**
 * Backoff for throttled and transient errors. Short, capped, fully jittered waits keep callers
 * close to the service's rate (the SDK's own throttling backoff starts at 500 ms,
 * THROTTLING_RETRY_DELAY_BASE in @smithy/core, which leaves quota unused when many calls queue
 * on one operation; bench/endpoints.bench.ts measures both), bounded by total time.
 */
export interface RetryOptions {
  /** Attempts including the first. @default 50 */
  readonly attempts?: number;
  /** First backoff in ms; doubles per attempt, with full jitter. @default 50 */
  readonly baseMs?: number;
  /** Longest single wait in ms. @default 1000 */
  readonly maxMs?: number;
  /** Stop retrying once this much time has passed since the first attempt. @default 60000 */
  readonly maxElapsedMs?: number;
}

/** Transient service or network failures worth another try. */
const TRANSIENT = new Set([
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Throttled, or (Application Auto Scaling) a concurrent update of the same scalable target. */
export function isThrottling(err: unknown): boolean {
  return isThrottlingError(err) || awsErrorName(err) === 'ConcurrentUpdateException';
}

/** Throttling, a 5xx answer or a dropped connection: safe to retry (every call here is idempotent). */
export function isRetryable(err: unknown): boolean {
  if (isThrottling(err)) return true;
  const e = err as { code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (TRANSIENT.has(awsErrorName(err) ?? '') || TRANSIENT.has(e?.code ?? '')) return true;
  return (e?.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * True when the error says the resource is gone: SageMaker answers `ValidationException` "Could
 * not find endpoint" (DOMAIN-NOTES.md: same pattern as Stop* on finished jobs), Application Auto
 * Scaling `ObjectNotFoundException`, others `ResourceNotFound`.
 */
export function isNotFound(err: unknown): boolean {
  const name = awsErrorName(err) ?? '';
  if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') return true;
  if (name === 'ObjectNotFoundException') return true;
  return (
    name === 'ValidationException' &&
    /could not find|does not exist|not found/i.test(errorMessage(err))
  );
}

/** Run `fn`, retrying throttling and transient errors with capped exponential backoff and full jitter. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 50;
  const base = options.baseMs ?? 50;
  const max = options.maxMs ?? 1000;
  const deadline = Date.now() + (options.maxElapsedMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= attempts || Date.now() >= deadline) throw err;
      const wait = Math.random() * Math.min(max, base * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Map with at most `limit` calls in flight, results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return results;
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
