/**
 * Shapes of the endpoint lifecycle (to zero, saved state, restore). `EndpointDetails` is what a
 * resource's `details` holds for an endpoint, `SavedEndpoint` is what is kept to bring it back.
 *
 * The resource, decision, outcome and run-context shapes below are structurally those of the
 * auto-stop kind contract, so auto-stop can adapt this module without either Lambda folder
 * importing the other's internals.
 */

/** A resource the tagging API says carries the project tag (it may be stale: re-check). */
export interface TaggedEndpoint {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A resource with its live state, as the plan receives it. */
export interface EndpointResource {
  readonly arn: string;
  readonly kind: string;
  readonly name: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An endpoint read by discovery. */
export interface DiscoveredEndpoint extends EndpointResource {
  readonly kind: 'endpoint';
}

/** What to do with one endpoint; `act` decisions are carried out in enforce mode only. */
export type EndpointDecision<R extends EndpointResource = EndpointResource> = (
  | { readonly type: 'act'; readonly resource: R; readonly action: string; readonly reason: string }
  | { readonly type: 'skip'; readonly resource: R; readonly reason: string }
  | { readonly type: 'report'; readonly resource: R; readonly reason: string }
) & {
  /**
   * On `report` and `skip` decisions: USD per hour the endpoint still costs as it is left (0 when
   * it already costs nothing); absent when the price is unknown. An `act` decision's cost after
   * acting is on its outcome.
   */
  readonly hourlyUsd?: number;
};

export type EndpointActDecision<R extends EndpointResource = EndpointResource> = Extract<
  EndpointDecision<R>,
  { type: 'act' }
>;

/** The result of one endpoint decision: one audit record and one report line. */
export interface EndpointOutcome {
  readonly resourceArn: string;
  readonly kind: 'endpoint';
  readonly name: string;
  readonly priorState: string;
  readonly action: string;
  readonly result: 'done' | 'already-done' | 'skipped' | 'reported' | 'failed';
  readonly reason: string;
  readonly error?: string;
  /** USD per hour the endpoint still costs after this outcome; absent when the price is unknown. */
  readonly hourlyUsd?: number;
}

/** What a run tells the endpoint actions besides their clients. */
export interface EndpointRunContext {
  readonly project: { readonly id: string };
  /** Id of the notification that caused this run (SNS MessageId or `cli:<time>`). */
  readonly notificationId: string;
  readonly now: () => Date;
}

/**
 * How an endpoint can reach zero cost; each kind has its own action (SageMaker Developer Guide:
 * "Scale an endpoint to zero instances", "Autoscale an asynchronous endpoint", "Serverless
 * Inference").
 */
export const ENDPOINT_KINDS = ['serverless', 'async', 'inference-components', 'classic'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

/** Application Auto Scaling dimension of a production variant's instance count. */
export const VARIANT_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
/** The tag auto-stop puts on the scalable targets it registers itself (restore removes them). */
export const GUARDRAILS_TARGET_TAG = {
  key: 'ml-guardrails:created-by',
  value: 'auto-stop',
} as const;

/** Application Auto Scaling dimension of an inference component's copy count. */
export const COPY_COUNT_DIMENSION = 'sagemaker:inference-component:DesiredCopyCount';

/** Machine-readable actions (the `Decision.action` strings this handler emits). */
export const ENDPOINT_ACTIONS = {
  scaleAsync: 'scale-async-to-zero',
  scaleComponents: 'scale-inference-components-to-zero',
  park: 'park-endpoint',
} as const;
export type EndpointAction = (typeof ENDPOINT_ACTIONS)[keyof typeof ENDPOINT_ACTIONS];

/** Application Auto Scaling resource id of a variant (`endpoint/<name>/variant/<variant>`). */
export function variantResourceId(endpointName: string, variantName: string): string {
  return `endpoint/${endpointName}/variant/${variantName}`;
}

/** Application Auto Scaling resource id of an inference component. */
export function componentResourceId(componentName: string): string {
  return `inference-component/${componentName}`;
}

export interface SuspendedStateInfo {
  readonly DynamicScalingInSuspended?: boolean;
  readonly DynamicScalingOutSuspended?: boolean;
  readonly ScheduledScalingSuspended?: boolean;
}

/** A scaling policy as needed to put it back with PutScalingPolicy. */
export interface ScalingPolicyInfo {
  readonly policyName: string;
  readonly policyType: string;
  /** The policy's configuration object as DescribeScalingPolicies returned it. */
  readonly targetTracking?: Record<string, unknown>;
  readonly stepScaling?: Record<string, unknown>;
  readonly predictiveScaling?: Record<string, unknown>;
  /** The policy's ARN when saved; step-scaling alarms name it in their actions. */
  readonly policyArn?: string;
  /** CloudWatch alarms that invoke this policy (step scaling: created by the user, not by AWS). */
  readonly alarmNames?: readonly string[];
}

/** A scheduled action as needed to put it back with PutScheduledAction (times as ISO strings). */
export interface ScheduledActionInfo {
  readonly name: string;
  readonly schedule: string;
  readonly timezone?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
}

/** A registered Application Auto Scaling target of a variant or an inference component. */
export interface ScalableTargetInfo {
  readonly resourceId: string;
  readonly scalableDimension: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly suspendedState?: SuspendedStateInfo;
}

export interface VariantInfo {
  readonly variantName: string;
  readonly instanceType?: string;
  readonly currentInstanceCount?: number;
  readonly desiredInstanceCount?: number;
  /** Serverless variant (config has ServerlessConfig). */
  readonly serverless: boolean;
  /** Provisioned concurrency of a serverless variant: billed while configured. */
  readonly provisionedConcurrency?: number;
  /** ManagedInstanceScaling is ENABLED on this variant (inference-component endpoints). */
  readonly managedScalingEnabled?: boolean;
  /** ManagedInstanceScaling minimum (inference-component endpoints), when enabled. */
  readonly managedMinInstanceCount?: number;
  /** Model the variant serves (classic and async); inference-component variants have none. */
  readonly modelName?: string;
}

export interface InferenceComponentInfo {
  readonly name: string;
  readonly status: string;
  readonly variantName?: string;
  readonly desiredCopyCount: number;
  readonly currentCopyCount?: number;
}

/** Live facts about one endpoint: the `details` of its `Resource`. */
export interface EndpointDetails {
  readonly endpointKind: EndpointKind;
  readonly endpointName: string;
  readonly endpointConfigName: string;
  /** False when the endpoint config was deleted: a parked endpoint could not be re-created. */
  readonly configExists: boolean;
  readonly failureReason?: string;
  /** Set when the endpoint could not be read (after retries): it is skipped and reported. */
  readonly readError?: string;
  readonly variants: readonly VariantInfo[];
  readonly inferenceComponents: readonly InferenceComponentInfo[];
  readonly scalableTargets: readonly ScalableTargetInfo[];
  /** When discovery read the endpoint (ISO): the plan's clock, so the plan stays pure. */
  readonly readAt?: string;
  /** The endpoint's CreationTime (ISO), saved so restore can tell a later re-creation. */
  readonly createdAt?: string;
}

/** A scalable target as it was before auto-stop changed it, with its policies when parked. */
export interface SavedScalableTarget extends ScalableTargetInfo {
  /** Kept for `park` (DeregisterScalableTarget deletes the target's policies). */
  readonly policies: readonly ScalingPolicyInfo[];
  /** Kept for `park` (DeregisterScalableTarget deletes the target's scheduled actions too). */
  readonly scheduledActions?: readonly ScheduledActionInfo[];
  /** True when auto-stop registered this target itself; restore deregisters it. */
  readonly createdByGuardrails: boolean;
}

/** Everything needed to bring one endpoint back, stored in the audit table. */
export interface SavedEndpoint {
  readonly projectId: string;
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly endpointConfigName: string;
  readonly kind: EndpointKind;
  readonly action: EndpointAction;
  /** User tags to re-apply on CreateEndpoint (`aws:` system tags cannot be set and are left out). */
  readonly tags: Readonly<Record<string, string>>;
  readonly variants: readonly {
    readonly variantName: string;
    readonly instanceType?: string;
    readonly desiredInstanceCount?: number;
    readonly managedMinInstanceCount?: number;
  }[];
  /** Models the endpoint config refers to, checked before re-creating a parked endpoint. */
  readonly modelNames: readonly string[];
  readonly scalableTargets: readonly SavedScalableTarget[];
  /** Copy counts before auto-stop set them to 0 (components without a scalable target). */
  readonly inferenceComponents: readonly {
    readonly name: string;
    readonly desiredCopyCount: number;
  }[];
  readonly parkedAt: string;
  /** The endpoint's CreationTime when saved: a later one means it was re-created since. */
  readonly endpointCreatedAt?: string;
  readonly notificationId: string;
  /** Set once restore has re-issued CreateEndpoint; scaling is put back when it is InService. */
  readonly recreatedAt?: string;
}

/** Read `EndpointDetails` back from an untyped `Resource.details`. */
export function endpointDetailsOf(
  details: Readonly<Record<string, unknown>> | undefined,
): EndpointDetails {
  const d = details as Partial<EndpointDetails> | undefined;
  if (!d || typeof d.endpointKind !== 'string' || typeof d.endpointName !== 'string') {
    throw new TypeError('Resource.details is not an endpoint description (missing endpointKind)');
  }
  return d as EndpointDetails;
}
