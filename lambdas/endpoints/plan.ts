/**
 * Pure decisions for SageMaker endpoints: which kind an endpoint is, and what auto-stop does with
 * it. No SDK, no clock, no environment: table-tested in test/lambdas/endpoints/plan.test.ts.
 */
import type { AutoStopSettings } from '../../lib/config/schema';
import { exemptionOf } from '../shared/exemption';
import { runningCost } from './cost';
import {
  COPY_COUNT_DIMENSION,
  ENDPOINT_ACTIONS,
  type EndpointDecision,
  type EndpointDetails,
  type EndpointKind,
  type EndpointResource,
  endpointDetailsOf,
  VARIANT_DIMENSION,
  type VariantInfo,
} from './types';

/** Endpoint statuses during which SageMaker is changing the endpoint: never touched, retried later. */
export const TRANSITIONAL_STATUSES = [
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'Deleting',
] as const;

/** Facts from DescribeEndpointConfig / ListInferenceComponents that decide the kind. */
export interface KindFacts {
  /** The config has AsyncInferenceConfig. */
  readonly async: boolean;
  /** Per production variant: serverless, and whether it names a model (inference-component variants do not). */
  readonly variants: readonly { readonly serverless: boolean; readonly hasModel: boolean }[];
  /** Inference components hosted on the endpoint. */
  readonly componentCount: number;
}

/**
 * The endpoint's kind. Asynchronous first (its variants are instance-based too), then serverless
 * (every variant serverless), then inference components (components listed, or variants without a
 * model, which is how a component-based endpoint config looks), else classic instance-based.
 */
export function classifyEndpoint(facts: KindFacts): EndpointKind {
  if (facts.async) return 'async';
  if (facts.variants.length > 0 && facts.variants.every((v) => v.serverless)) return 'serverless';
  if (facts.componentCount > 0 || facts.variants.some((v) => !v.serverless && !v.hasModel))
    return 'inference-components';
  return 'classic';
}

function describeVariants(variants: readonly VariantInfo[]): string {
  return variants
    .map(
      (v) =>
        `${v.variantName}: ${v.currentInstanceCount ?? v.desiredInstanceCount ?? '?'} x ${v.instanceType ?? 'unknown type'}`,
    )
    .join(', ');
}

/**
 * How a variant of an inference-component endpoint can release its instances. Only a variant
 * whose ManagedInstanceScaling is ENABLED with MinInstanceCount 0 gives instances back when its
 * copies reach 0 (SageMaker Developer Guide, "Scale an endpoint to zero instances": the endpoint
 * must host inference components and its config must set MinInstanceCount to 0). An ENABLED
 * variant without a minimum is treated as above 0, so the minimum is set explicitly.
 */
export type ManagedScaling = 'min-zero' | 'min-above-zero' | 'off';

export function managedScalingOf(v: VariantInfo): ManagedScaling {
  if (!v.managedScalingEnabled) return 'off';
  return (v.managedMinInstanceCount ?? 1) === 0 ? 'min-zero' : 'min-above-zero';
}

/** True when every scalable target of `dimension` is held at [0, 0] (what auto-stop sets). */
function heldAtZero(details: EndpointDetails, dimension: string): boolean {
  const targets = details.scalableTargets.filter((t) => t.scalableDimension === dimension);
  return targets.length > 0 && targets.every((t) => t.minCapacity === 0 && t.maxCapacity === 0);
}

/** The plan's clock: the time discovery read the endpoint, or an explicit one. */
function planTime(details: EndpointDetails, now?: Date): Date | undefined {
  if (now) return now;
  const t = details.readAt ? Date.parse(details.readAt) : Number.NaN;
  return Number.isNaN(t) ? undefined : new Date(t);
}

type Left = { readonly reason: string; readonly hourlyUsd?: number };

/** Why an endpoint is left running, and what it still costs per hour. */
function leftRunning(details: EndpointDetails, why: string): Left {
  const cost = runningCost(details.variants);
  return {
    reason: `${why}; left running: ${cost.text}`,
    ...(cost.hourlyUsd !== undefined ? { hourlyUsd: cost.hourlyUsd } : {}),
  };
}

/** What auto-stop does with one live endpoint under the project's settings. */
export function planEndpoint<R extends EndpointResource>(
  resource: R,
  settings: AutoStopSettings,
  now?: Date,
): EndpointDecision<R> {
  const details = endpointDetailsOf(resource.details);
  const status = resource.status;
  const skip = (left: Left): EndpointDecision<R> => ({ type: 'skip', resource, ...left });

  if (details.readError)
    return {
      type: 'skip',
      resource,
      reason: `endpoint could not be read (${details.readError}): not touched; the next notification or the CLI retries`,
    };
  if ((TRANSITIONAL_STATUSES as readonly string[]).includes(status))
    return skip(
      leftRunning(
        details,
        `endpoint is ${status}: not touched while SageMaker changes it; the next notification or the CLI retries`,
      ),
    );
  if (status === 'Failed' || status === 'UpdateRollbackFailed')
    return skip(
      leftRunning(
        details,
        `endpoint is ${status}${details.failureReason ? ` (${details.failureReason})` : ''}: not touched, fix or delete it by hand`,
      ),
    );
  if (status !== 'InService')
    return skip(leftRunning(details, `endpoint is ${status}, not InService: not touched`));
  const time = planTime(details, now);
  const exemption = time
    ? exemptionOf(
        resource.tags,
        { tagKey: settings.exemptionTag, approvals: settings.exemptions },
        time,
      )
    : undefined;
  if (exemption?.exempt) return skip(leftRunning(details, exemption.reason));
  // A refused exemption (unknown id, expired) is said in the reason of whatever follows.
  const refused =
    exemption && !exemption.exempt && exemption.refused
      ? ` (${exemption.refused}: exemption not honoured)`
      : '';
  const decided = decide(resource, details, settings);
  return refused ? { ...decided, reason: `${decided.reason}${refused}` } : decided;
}

function decide<R extends EndpointResource>(
  resource: R,
  details: EndpointDetails,
  settings: AutoStopSettings,
): EndpointDecision<R> {
  switch (details.endpointKind) {
    case 'serverless': {
      const provisioned = details.variants.filter((v) => (v.provisionedConcurrency ?? 0) > 0);
      const note =
        provisioned.length > 0
          ? `; provisioned concurrency is billed while configured (${provisioned
              .map((v) => `${v.variantName}: ${v.provisionedConcurrency}`)
              .join(', ')}) and is not changed`
          : '';
      return {
        type: 'report',
        resource,
        reason: `serverless endpoint: already scales to zero when idle, billed per request${note}`,
        ...(provisioned.length === 0 ? { hourlyUsd: 0 } : {}),
      };
    }
    case 'async': {
      if (heldAtZero(details, VARIANT_DIMENSION))
        return {
          type: 'report',
          resource,
          reason: 'asynchronous endpoint already held at 0 instances (scalable target [0, 0])',
          hourlyUsd: 0,
        };
      return {
        type: 'act',
        resource,
        action: ENDPOINT_ACTIONS.scaleAsync,
        reason: `asynchronous endpoint (${describeVariants(details.variants)}): scalable target to MinCapacity 0 and capacity 0, previous scaling saved`,
      };
    }
    case 'inference-components':
      return planComponents(resource, details, settings);
    case 'classic':
      return planClassic(resource, details, settings, 'classic endpoint');
  }
}

/**
 * An endpoint that cannot scale below one instance: listed with its cost (`report-only`), or
 * deleted with its config kept for restore (`park`).
 */
function planClassic<R extends EndpointResource>(
  resource: R,
  details: EndpointDetails,
  settings: AutoStopSettings,
  what: string,
): EndpointDecision<R> {
  const variants = describeVariants(details.variants);
  if (settings.endpoints.classic === 'park' && !details.configExists)
    return {
      type: 'skip',
      resource,
      ...leftRunning(
        details,
        `${what} (${variants}): its endpoint config ${details.endpointConfigName} no longer exists, so a parked endpoint could not be re-created: not parked`,
      ),
    };
  if (settings.endpoints.classic === 'park')
    return {
      type: 'act',
      resource,
      action: ENDPOINT_ACTIONS.park,
      reason: `${what} (${variants}) cannot scale below 1 instance: policy is park (save, deregister scaling, delete the endpoint, keep config ${details.endpointConfigName} and its models)`,
    };
  return {
    type: 'report',
    resource,
    ...leftRunning(
      details,
      `${what} (${variants}) cannot scale below 1 instance: policy is report-only (autoStop.endpoints.classic: park deletes it and keeps its config for restore)`,
    ),
  };
}

/**
 * Inference components: copies to 0 only release instances when the variant's managed instance
 * scaling allows a minimum of 0. A minimum above 0 is lowered first through a copy of the config;
 * without managed instance scaling the endpoint is treated like a classic one, except that `park`
 * is not offered (deleting the endpoint would need its components deleted, and restore does not
 * re-create components), so it is reported with its cost.
 */
function planComponents<R extends EndpointResource>(
  resource: R,
  details: EndpointDetails,
  settings: AutoStopSettings,
): EndpointDecision<R> {
  const busy = details.inferenceComponents.filter((c) =>
    (TRANSITIONAL_STATUSES as readonly string[]).includes(c.status),
  );
  if (busy.length > 0)
    return {
      type: 'skip',
      resource,
      ...leftRunning(
        details,
        `inference component(s) ${busy.map((c) => `${c.name} (${c.status})`).join(', ')} changing: not touched, retried later`,
      ),
    };
  const hosting = details.variants.filter((v) => !v.serverless);
  const off = hosting.filter((v) => managedScalingOf(v) === 'off');
  const above = hosting.filter((v) => managedScalingOf(v) === 'min-above-zero');
  const count = details.inferenceComponents.length;
  if (off.length > 0) {
    const why = `endpoint with ${count} inference component(s) whose variant(s) ${off.map((v) => v.variantName).join(', ')} have no managed instance scaling: copies at 0 would take the models offline while every instance keeps billing`;
    if (settings.endpoints.classic === 'park')
      return {
        type: 'report',
        resource,
        ...leftRunning(
          details,
          `${why}; park is not done for inference-component endpoints (their components would have to be deleted and restore does not re-create them); enable ManagedInstanceScaling with MinInstanceCount 0 to let auto-stop take it to zero`,
        ),
      };
    return planClassic(resource, details, settings, why);
  }
  if (above.length > 0 && !details.configExists)
    return {
      type: 'report',
      resource,
      ...leftRunning(
        details,
        `endpoint with ${count} inference component(s): ManagedInstanceScaling.MinInstanceCount is above 0 (${above.map((v) => `${v.variantName}: ${v.managedMinInstanceCount ?? '?'}`).join(', ')}) and its endpoint config ${details.endpointConfigName} is gone, so no copy with minimum 0 can be made; copies not changed`,
      ),
    };
  if (above.length > 0)
    return {
      type: 'act',
      resource,
      action: ENDPOINT_ACTIONS.scaleComponents,
      reason: `endpoint with ${count} inference component(s): first a copy of config ${details.endpointConfigName} with ManagedInstanceScaling.MinInstanceCount 0 (${above.map((v) => `${v.variantName} was ${v.managedMinInstanceCount ?? '?'}`).join(', ')}), then, once the endpoint is InService on it, copy counts to 0; previous values saved`,
    };
  const allZero =
    details.inferenceComponents.every((c) => c.desiredCopyCount === 0) &&
    (details.scalableTargets.every((t) => t.scalableDimension !== COPY_COUNT_DIMENSION) ||
      heldAtZero(details, COPY_COUNT_DIMENSION));
  if (allZero)
    return {
      type: 'report',
      resource,
      reason:
        'inference components already at 0 copies with managed instance scaling minimum 0: instances are released',
      hourlyUsd: 0,
    };
  return {
    type: 'act',
    resource,
    action: ENDPOINT_ACTIONS.scaleComponents,
    reason: `endpoint with ${count} inference component(s) and managed instance scaling minimum 0: copy counts to 0 (instances are released), previous values saved`,
  };
}
