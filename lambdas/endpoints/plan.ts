/**
 * Pure decisions for SageMaker endpoints: which kind an endpoint is, and what auto-stop does with
 * it. No SDK, no clock, no environment: table-tested in test/lambdas/endpoints/plan.test.ts.
 */
import type { AutoStopSettings } from '../../lib/config/schema';
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

function isExempt(resource: EndpointResource, exemptionTag: string): boolean {
  const value = resource.tags[exemptionTag];
  return value !== undefined && value.toLowerCase() !== 'false';
}

function describeVariants(variants: readonly VariantInfo[]): string {
  return variants
    .map(
      (v) =>
        `${v.variantName}: ${v.currentInstanceCount ?? v.desiredInstanceCount ?? '?'} x ${v.instanceType ?? 'unknown type'}`,
    )
    .join(', ');
}

/** Variants whose managed-instance-scaling minimum keeps instances running (and billed). */
function managedMinimumNote(details: EndpointDetails): string {
  const kept = details.variants.filter((v) => (v.managedMinInstanceCount ?? 0) > 0);
  if (kept.length === 0) return '';
  const list = kept.map((v) => `${v.variantName}: ${v.managedMinInstanceCount}`).join(', ');
  if (!details.configExists)
    return `; ManagedInstanceScaling.MinInstanceCount stays above 0 (${list} instance(s), still billed): the endpoint config is gone, so it cannot be copied with a minimum of 0`;
  return `; ManagedInstanceScaling.MinInstanceCount to 0 (${list}) through a copy of the endpoint config, so idle instances are released`;
}

/** True when every scalable target of `dimension` is held at [0, 0] (what auto-stop sets). */
function heldAtZero(details: EndpointDetails, dimension: string): boolean {
  const targets = details.scalableTargets.filter((t) => t.scalableDimension === dimension);
  return targets.length > 0 && targets.every((t) => t.minCapacity === 0 && t.maxCapacity === 0);
}

/** What auto-stop does with one live endpoint under the project's settings. */
export function planEndpoint<R extends EndpointResource>(
  resource: R,
  settings: AutoStopSettings,
): EndpointDecision<R> {
  const details = endpointDetailsOf(resource.details);
  const status = resource.status;

  if (details.readError)
    return {
      type: 'skip',
      resource,
      reason: `endpoint could not be read (${details.readError}): not touched; the next notification or the CLI retries`,
    };
  if ((TRANSITIONAL_STATUSES as readonly string[]).includes(status))
    return {
      type: 'skip',
      resource,
      reason: `endpoint is ${status}: not touched while SageMaker changes it; the next notification or the CLI retries`,
    };
  if (status === 'Failed' || status === 'UpdateRollbackFailed')
    return {
      type: 'skip',
      resource,
      reason: `endpoint is ${status}${details.failureReason ? ` (${details.failureReason})` : ''}: not touched, fix or delete it by hand`,
    };
  if (status !== 'InService')
    return { type: 'skip', resource, reason: `endpoint is ${status}, not InService: not touched` };
  if (isExempt(resource, settings.exemptionTag))
    return { type: 'skip', resource, reason: `exempt via tag ${settings.exemptionTag}` };

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
      };
    }
    case 'async': {
      if (heldAtZero(details, VARIANT_DIMENSION))
        return {
          type: 'report',
          resource,
          reason: 'asynchronous endpoint already held at 0 instances (scalable target [0, 0])',
        };
      return {
        type: 'act',
        resource,
        action: ENDPOINT_ACTIONS.scaleAsync,
        reason: `asynchronous endpoint (${describeVariants(details.variants)}): scalable target to MinCapacity 0 and capacity 0, previous scaling saved`,
      };
    }
    case 'inference-components': {
      const busy = details.inferenceComponents.filter((c) =>
        (TRANSITIONAL_STATUSES as readonly string[]).includes(c.status),
      );
      if (busy.length > 0)
        return {
          type: 'skip',
          resource,
          reason: `inference component(s) ${busy.map((c) => `${c.name} (${c.status})`).join(', ')} changing: not touched, retried later`,
        };
      const note = managedMinimumNote(details);
      const minimumKept =
        details.configExists && details.variants.some((v) => (v.managedMinInstanceCount ?? 0) > 0);
      const allZero =
        !minimumKept &&
        details.inferenceComponents.every((c) => c.desiredCopyCount === 0) &&
        (details.scalableTargets.every((t) => t.scalableDimension !== COPY_COUNT_DIMENSION) ||
          heldAtZero(details, COPY_COUNT_DIMENSION));
      if (allZero)
        return {
          type: 'report',
          resource,
          reason: `inference components already at 0 copies${note}`,
        };
      return {
        type: 'act',
        resource,
        action: ENDPOINT_ACTIONS.scaleComponents,
        reason: `endpoint with ${details.inferenceComponents.length} inference component(s): copy counts to 0, previous values saved${note}`,
      };
    }
    case 'classic': {
      const variants = describeVariants(details.variants);
      if (settings.endpoints.classic === 'park' && !details.configExists)
        return {
          type: 'skip',
          resource,
          reason: `classic endpoint (${variants}): its endpoint config ${details.endpointConfigName} no longer exists, so a parked endpoint could not be re-created: not parked`,
        };
      if (settings.endpoints.classic === 'park')
        return {
          type: 'act',
          resource,
          action: ENDPOINT_ACTIONS.park,
          reason: `classic endpoint (${variants}) cannot scale below 1 instance: policy is park (save, deregister scaling, delete the endpoint, keep config ${details.endpointConfigName} and its models)`,
        };
      return {
        type: 'report',
        resource,
        reason: `classic endpoint (${variants}) cannot scale below 1 instance and stays billed: policy is report-only (autoStop.endpoints.classic: park deletes it and keeps its config for restore)`,
      };
    }
  }
}
