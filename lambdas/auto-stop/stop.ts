/**
 * Adapter: one stop call through the kind registry, turned into an {@link Outcome}. "Already
 * stopped" and "gone" meet the goal; throttling and server errors are marked retryable so the
 * orchestrator hands them to the work queue.
 */

import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsErrorName, errorMessage, isResourceNotFound } from '../shared/errors';
import { isRetryableError } from '../shared/retry';
import { isStoppable, KIND_SPECS } from '../shared/sagemaker-kinds';
import type { Decision, Outcome } from './types';

/**
 * SageMaker answers a Stop* on a resource that is no longer running with `ValidationException`
 * ("... in status Stopped"), and on a gone one with `ResourceNotFound` (SageMaker API Reference,
 * StopTrainingJob, Errors): both mean the goal is met.
 */
export function isAlreadyDone(err: unknown): boolean {
  if (isResourceNotFound(err)) return true;
  if (awsErrorName(err) !== 'ValidationException') return false;
  return /status|not found|does not exist|cannot be stopped|not in progress/i.test(
    errorMessage(err),
  );
}

/** Run one stop call and describe its result. */
export async function stopOutcome(
  decision: Extract<Decision, { type: 'act' }>,
  call: () => Promise<unknown>,
): Promise<Outcome> {
  const { resource } = decision;
  const base = {
    resourceArn: resource.arn,
    kind: resource.kind,
    name: resource.name,
    priorState: resource.status,
    action: decision.action,
  };
  try {
    await call();
    return { ...base, result: 'done', reason: decision.reason };
  } catch (err) {
    if (isAlreadyDone(err))
      return {
        ...base,
        result: 'already-done',
        reason: `already stopped or gone (${awsErrorName(err)}: ${errorMessage(err)})`,
      };
    return {
      ...base,
      result: 'failed',
      reason: decision.reason,
      error: `${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}`,
      retryable: isRetryableError(err),
    };
  }
}

/** Stop a registry kind's resource by name. */
export function stopResource(
  client: SageMakerClient,
  decision: Extract<Decision, { type: 'act' }>,
): Promise<Outcome> {
  const spec = KIND_SPECS[decision.resource.kind];
  if (!isStoppable(spec))
    throw new Error(`${decision.resource.kind} is not stopped through the kind registry`);
  return stopOutcome(decision, () => spec.stop(client, decision.resource.name));
}
