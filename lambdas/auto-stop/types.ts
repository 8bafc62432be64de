/**
 * The contract between the auto-stop orchestrator and the per-kind handlers (jobs, notebooks,
 * endpoints). The orchestrator discovers the project's tagged resources once, hands each handler
 * its share, plans with the pure `plan`, and only in `enforce` mode calls `act`.
 */
import type { AutoStopSettings, Project, ResourceKind } from '../../lib/config/schema';

export type { TaggedResource } from '../shared/tagging';

import type { TaggedResource } from '../shared/tagging';

/** A resource with its live state, read from SageMaker after discovery. */
export interface Resource {
  readonly arn: string;
  readonly kind: ResourceKind;
  readonly name: string;
  /** Live status as SageMaker reports it (InProgress, InService, ...). */
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Kind-specific facts the plan needs (endpoint variants, scaling targets, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What to do with one resource; `act` decisions are carried out in enforce mode only. */
export type Decision =
  | {
      readonly type: 'act';
      readonly resource: Resource;
      /** Machine-readable action, e.g. `stop-training-job`, `scale-async-to-zero`, `park-endpoint`. */
      readonly action: string;
      readonly reason: string;
    }
  | {
      readonly type: 'skip';
      readonly resource: Resource;
      readonly reason: string;
    }
  | {
      /** Nothing to change, but the report must say it (serverless endpoint, classic report-only). */
      readonly type: 'report';
      readonly resource: Resource;
      readonly reason: string;
    };

export type OutcomeResult =
  | 'done'
  | 'already-done'
  | 'would-do'
  | 'skipped'
  | 'reported'
  | 'failed';

/** The result of one decision: one audit record and one report line. */
export interface Outcome {
  readonly resourceArn: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly priorState: string;
  /** The decision's action, or `skip` / `report`. */
  readonly action: string;
  readonly result: OutcomeResult;
  readonly reason: string;
  /** Error name and message when `result` is `failed`. */
  readonly error?: string;
  /** A failure worth another try later (throttling, server or network error). */
  readonly retryable?: boolean;

  /** Estimated on-demand cost per hour that the action saves, when the kind can estimate it. */
  readonly hourlyUsd?: number;
}

/** Everything a handler needs besides its SDK clients. */
export interface RunContext {
  readonly project: Project;
  readonly settings: AutoStopSettings;
  /** Id of the notification that caused this run (SNS MessageId or `cli:<time>`). */
  readonly notificationId: string;
  readonly now: () => Date;
}

/** One handler per family of resource kinds. */
export interface KindHandler<Clients = unknown> {
  readonly kinds: readonly ResourceKind[];
  /** Tagging API ResourceTypeFilters this handler owns, e.g. `sagemaker:training-job`. */
  readonly taggingTypes: readonly string[];
  /** Re-read live state; drop resources that are gone (the tagging API lists deleted ones). */
  discover(
    clients: Clients,
    tagged: readonly TaggedResource[],
    ctx: RunContext,
  ): Promise<Resource[]>;
  /**
   * Optional streaming form of `discover`: yields live resources page by page, so stops can
   * start while slow listings are still being read. The orchestrator prefers it when present.
   */
  discoverPages?(
    clients: Clients,
    tagged: readonly TaggedResource[],
    ctx: RunContext,
  ): AsyncIterable<Resource[]>;
  /** Pure: what to do with one live resource under the project's settings. */
  plan(resource: Resource, settings: AutoStopSettings): Decision;
  /** Carry out one `act` decision; "already stopped" / "not found" is `already-done`, not `failed`. */
  act(
    clients: Clients,
    decision: Extract<Decision, { type: 'act' }>,
    ctx: RunContext,
  ): Promise<Outcome>;
  /**
   * Carry out an `act` decision read from the work queue, where nothing in it is trusted: kinds
   * that act on more than the resource's name (endpoints: variants, scalable targets) re-read
   * and re-plan first. @default act
   */
  actQueued?(
    clients: Clients,
    decision: Extract<Decision, { type: 'act' }>,
    ctx: RunContext,
  ): Promise<Outcome>;
}

/**
 * The SDK clients the orchestrator hands to every kind handler (a handler declares the subset it
 * uses as its `Clients`). Added fields are optional-by-use: a handler never needs all of them.
 */
export interface SageMakerClients {
  readonly sagemaker: import('@aws-sdk/client-sagemaker').SageMakerClient;
  /**
   * Client for paced List* calls, so their retry state is not shared with Stop* calls (in
   * adaptive mode one throttled stop slows every call of the same client). @default sagemaker
   */
  readonly sagemakerList?: import('@aws-sdk/client-sagemaker').SageMakerClient;
  readonly autoScaling: import('@aws-sdk/client-application-auto-scaling').ApplicationAutoScalingClient;
}

/** Progress of a long run, for the CLI's stderr (the function logs instead). */
export type Progress =
  | { readonly phase: 'discover'; readonly tagged: number }
  | { readonly phase: 'plan'; readonly resources: number; readonly actions: number }
  | { readonly phase: 'act'; readonly done: number; readonly total: number }
  | { readonly phase: 'queue'; readonly queued: number };
