/**
 * The one registry of SageMaker resource kinds, used by auto-stop and the tag audit alike: per
 * kind its spelling, its ARN / tagging type, one listing page, describe, stop, its documented
 * maximum runtime and the IAM actions of each call. A new kind is one entry here.
 */
import {
  DescribeHyperParameterTuningJobCommand,
  DescribeNotebookInstanceCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  ListEndpointsCommand,
  ListHyperParameterTuningJobsCommand,
  ListInferenceComponentsCommand,
  ListNotebookInstancesCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  type SageMakerClient,
  StopHyperParameterTuningJobCommand,
  StopNotebookInstanceCommand,
  StopProcessingJobCommand,
  StopTrainingJobCommand,
  StopTransformJobCommand,
} from '@aws-sdk/client-sagemaker';

/** Every kind the registry knows. Auto-stop acts on the stoppable ones; the tag audit reads all. */
export const SAGEMAKER_KINDS = [
  'training-job',
  'processing-job',
  'transform-job',
  'hyperparameter-tuning-job',
  'notebook-instance',
  'endpoint',
  'inference-component',
] as const;
export type SageMakerKind = (typeof SAGEMAKER_KINDS)[number];

/** `MaxResults` of the SageMaker List* calls is at most 100 (default 10: far more pages). */
export const LIST_PAGE_SIZE = 100;

const DAY_MS = 86_400_000;

/** One resource as a listing or describe call reports it. */
export interface ListedResource {
  readonly arn: string;
  readonly name: string;
  readonly status: string;
  readonly createdAt?: Date;
}

export interface ListedPage {
  readonly items: readonly ListedResource[];
  readonly nextToken: string | undefined;
}

export interface ListOptions {
  readonly token?: string | undefined;
  /** Newest first (`SortBy: CreationTime`, `SortOrder: Descending`). @default false: service default */
  readonly newestFirst?: boolean;
  /** `StatusEquals`: SageMaker applies it after `MaxResults`, so pages may be empty. */
  readonly status?: string;
  /** `CreationTimeAfter`, for a listing that only needs recent resources (the tag audit's window). */
  readonly createdAfter?: Date;
}

/** How long a resource of a kind can stay running after it was created, and where that is documented. */
export interface RuntimeBound {
  readonly maxAgeMs: number;
  readonly source: string;
}

export interface KindSpec {
  readonly kind: SageMakerKind;
  /** Resource Groups Tagging API type, also the ARN's resource type: `sagemaker:training-job`. */
  readonly taggingType: string;
  /** The status in which the stop call applies (undefined: auto-stop does not stop this kind here). */
  readonly runningStatus?: string;
  /** Machine-readable action of the stop, in decisions, audit and report. */
  readonly stopAction?: string;
  /**
   * The longest a resource can stay in `runningStatus` after its creation time. Undefined: no
   * documented bound (notebooks run until stopped; transform jobs have no stopping condition).
   */
  readonly bound?: RuntimeBound;
  /** Whether the listing holds only resources that exist now (no history of finished ones). */
  readonly listsOnlyExisting: boolean;
  readonly iam: {
    readonly list: string;
    readonly describe?: string;
    readonly stop?: string;
  };
  listPage(client: SageMakerClient, options: ListOptions): Promise<ListedPage>;
  describe?(client: SageMakerClient, name: string): Promise<ListedResource>;
  stop?(client: SageMakerClient, name: string): Promise<unknown>;
}

const s = (v: string | undefined) => v ?? '';
const sort = (o: ListOptions) => ({
  ...(o.newestFirst ? { SortBy: 'CreationTime' as const, SortOrder: 'Descending' as const } : {}),
  ...(o.createdAfter ? { CreationTimeAfter: o.createdAfter } : {}),
});

/**
 * Training: `StoppingCondition.MaxRuntimeInSeconds` is at most 28 days and a training job runs at
 * most 30 days in total, publishing and upload after a stop included; before it runs it may be
 * pending up to `MaxPendingTimeInSeconds`, at most 2,419,200 s (28 days) (SageMaker API Reference,
 * "StoppingCondition").
 */
const TRAINING: KindSpec = {
  kind: 'training-job',
  taggingType: 'sagemaker:training-job',
  runningStatus: 'InProgress',
  stopAction: 'stop-training-job',
  bound: {
    maxAgeMs: (28 + 30) * DAY_MS,
    source:
      'SageMaker API Reference, StoppingCondition: pending at most 28 days (MaxPendingTimeInSeconds), then at most 30 days in total',
  },
  listsOnlyExisting: false,
  iam: {
    list: 'sagemaker:ListTrainingJobs',
    describe: 'sagemaker:DescribeTrainingJob',
    stop: 'sagemaker:StopTrainingJob',
  },
  async listPage(client, o) {
    const page = await client.send(
      new ListTrainingJobsCommand({
        MaxResults: LIST_PAGE_SIZE,
        NextToken: o.token,
        ...sort(o),
        ...(o.status ? { StatusEquals: o.status as 'InProgress' } : {}),
      }),
    );
    return {
      items: (page.TrainingJobSummaries ?? []).map((j) => ({
        arn: s(j.TrainingJobArn),
        name: s(j.TrainingJobName),
        status: s(j.TrainingJobStatus),
        createdAt: j.CreationTime,
      })),
      nextToken: page.NextToken,
    };
  },
  async describe(client, name) {
    const j = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    return {
      arn: s(j.TrainingJobArn),
      name,
      status: s(j.TrainingJobStatus),
      createdAt: j.CreationTime,
    };
  },
  stop: (client, name) => client.send(new StopTrainingJobCommand({ TrainingJobName: name })),
};

/** Processing: `ProcessingStoppingCondition.MaxRuntimeInSeconds` is at most 777,600 s (9 days). */
const PROCESSING: KindSpec = {
  kind: 'processing-job',
  taggingType: 'sagemaker:processing-job',
  runningStatus: 'InProgress',
  stopAction: 'stop-processing-job',
  bound: {
    maxAgeMs: 9 * DAY_MS,
    source:
      'SageMaker API Reference, ProcessingStoppingCondition: MaxRuntimeInSeconds at most 777,600 (9 days)',
  },
  listsOnlyExisting: false,
  iam: {
    list: 'sagemaker:ListProcessingJobs',
    describe: 'sagemaker:DescribeProcessingJob',
    stop: 'sagemaker:StopProcessingJob',
  },
  async listPage(client, o) {
    const page = await client.send(
      new ListProcessingJobsCommand({
        MaxResults: LIST_PAGE_SIZE,
        NextToken: o.token,
        ...sort(o),
        ...(o.status ? { StatusEquals: o.status as 'InProgress' } : {}),
      }),
    );
    return {
      items: (page.ProcessingJobSummaries ?? []).map((j) => ({
        arn: s(j.ProcessingJobArn),
        name: s(j.ProcessingJobName),
        status: s(j.ProcessingJobStatus),
        createdAt: j.CreationTime,
      })),
      nextToken: page.NextToken,
    };
  },
  async describe(client, name) {
    const j = await client.send(new DescribeProcessingJobCommand({ ProcessingJobName: name }));
    return {
      arn: s(j.ProcessingJobArn),
      name,
      status: s(j.ProcessingJobStatus),
      createdAt: j.CreationTime,
    };
  },
  stop: (client, name) => client.send(new StopProcessingJobCommand({ ProcessingJobName: name })),
};

/**
 * Transform: a transform job has no stopping condition and no documented maximum runtime
 * (SageMaker API Reference, CreateTransformJob), so there is no creation-time bound.
 * StopTransformJob discards the output written so far (SageMaker API Reference, StopTransformJob).
 */
const TRANSFORM: KindSpec = {
  kind: 'transform-job',
  taggingType: 'sagemaker:transform-job',
  runningStatus: 'InProgress',
  stopAction: 'stop-transform-job',
  listsOnlyExisting: false,
  iam: {
    list: 'sagemaker:ListTransformJobs',
    describe: 'sagemaker:DescribeTransformJob',
    stop: 'sagemaker:StopTransformJob',
  },
  async listPage(client, o) {
    const page = await client.send(
      new ListTransformJobsCommand({
        MaxResults: LIST_PAGE_SIZE,
        NextToken: o.token,
        ...sort(o),
        ...(o.status ? { StatusEquals: o.status as 'InProgress' } : {}),
      }),
    );
    return {
      items: (page.TransformJobSummaries ?? []).map((j) => ({
        arn: s(j.TransformJobArn),
        name: s(j.TransformJobName),
        status: s(j.TransformJobStatus),
        createdAt: j.CreationTime,
      })),
      nextToken: page.NextToken,
    };
  },
  async describe(client, name) {
    const j = await client.send(new DescribeTransformJobCommand({ TransformJobName: name }));
    return {
      arn: s(j.TransformJobArn),
      name,
      status: s(j.TransformJobStatus),
      createdAt: j.CreationTime,
    };
  },
  stop: (client, name) => client.send(new StopTransformJobCommand({ TransformJobName: name })),
};

/**
 * Tuning: "Maximum run time for a hyperparameter tuning job: 30 days", not adjustable (SageMaker
 * Developer Guide, "Resource Limits for Automatic Model Tuning"). Stopping a tuning job also stops
 * its training jobs (SageMaker API Reference, StopHyperParameterTuningJob).
 */
const TUNING: KindSpec = {
  kind: 'hyperparameter-tuning-job',
  taggingType: 'sagemaker:hyper-parameter-tuning-job',
  runningStatus: 'InProgress',
  stopAction: 'stop-hyperparameter-tuning-job',
  bound: {
    maxAgeMs: 30 * DAY_MS,
    source:
      'SageMaker Developer Guide, Resource Limits for Automatic Model Tuning: maximum run time 30 days',
  },
  listsOnlyExisting: false,
  iam: {
    list: 'sagemaker:ListHyperParameterTuningJobs',
    describe: 'sagemaker:DescribeHyperParameterTuningJob',
    stop: 'sagemaker:StopHyperParameterTuningJob',
  },
  async listPage(client, o) {
    const page = await client.send(
      new ListHyperParameterTuningJobsCommand({
        MaxResults: LIST_PAGE_SIZE,
        NextToken: o.token,
        ...sort(o),
        ...(o.status ? { StatusEquals: o.status as 'InProgress' } : {}),
      }),
    );
    return {
      items: (page.HyperParameterTuningJobSummaries ?? []).map((j) => ({
        arn: s(j.HyperParameterTuningJobArn),
        name: s(j.HyperParameterTuningJobName),
        status: s(j.HyperParameterTuningJobStatus),
        createdAt: j.CreationTime,
      })),
      nextToken: page.NextToken,
    };
  },
  async describe(client, name) {
    const j = await client.send(
      new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }),
    );
    return {
      arn: s(j.HyperParameterTuningJobArn),
      name,
      status: s(j.HyperParameterTuningJobStatus),
      createdAt: j.CreationTime,
    };
  },
  stop: (client, name) =>
    client.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })),
};

/**
 * Notebook instances run until stopped (no bound), but the listing holds only instances that
 * exist: a deleted one leaves it, so its cost does not grow with history. A stopped instance's
 * storage is still billed (SageMaker Developer Guide, "Amazon SageMaker notebook instances").
 */
const NOTEBOOK: KindSpec = {
  kind: 'notebook-instance',
  taggingType: 'sagemaker:notebook-instance',
  runningStatus: 'InService',
  stopAction: 'stop-notebook-instance',
  listsOnlyExisting: true,
  iam: {
    list: 'sagemaker:ListNotebookInstances',
    describe: 'sagemaker:DescribeNotebookInstance',
    stop: 'sagemaker:StopNotebookInstance',
  },
  async listPage(client, o) {
    const page = await client.send(
      new ListNotebookInstancesCommand({
        MaxResults: LIST_PAGE_SIZE,
        NextToken: o.token,
        ...sort(o),
        ...(o.status ? { StatusEquals: o.status as 'InService' } : {}),
      }),
    );
    return {
      items: (page.NotebookInstances ?? []).map((n) => ({
        arn: s(n.NotebookInstanceArn),
        name: s(n.NotebookInstanceName),
        status: s(n.NotebookInstanceStatus),
        createdAt: n.CreationTime,
      })),
      nextToken: page.NextToken,
    };
  },
  async describe(client, name) {
    const n = await client.send(
      new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }),
    );
    return {
      arn: s(n.NotebookInstanceArn),
      name,
      status: s(n.NotebookInstanceStatus),
      createdAt: n.CreationTime,
    };
  },
  stop: (client, name) =>
    client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: name })),
};

/** Endpoints: listed for the tag audit; auto-stop's endpoint handling lives with the endpoints. */
const ENDPOINT: KindSpec = {
  kind: 'endpoint',
  taggingType: 'sagemaker:endpoint',
  listsOnlyExisting: true,
  iam: { list: 'sagemaker:ListEndpoints' },
  async listPage(client, o) {
    const page = await client.send(
      new ListEndpointsCommand({ MaxResults: LIST_PAGE_SIZE, NextToken: o.token, ...sort(o) }),
    );
    return {
      items: (page.Endpoints ?? []).map((e) => ({
        arn: s(e.EndpointArn),
        name: s(e.EndpointName),
        status: s(e.EndpointStatus),
        createdAt: e.CreationTime,
      })),
      nextToken: page.NextToken,
    };
  },
};

const INFERENCE_COMPONENT: KindSpec = {
  kind: 'inference-component',
  taggingType: 'sagemaker:inference-component',
  listsOnlyExisting: true,
  iam: { list: 'sagemaker:ListInferenceComponents' },
  async listPage(client, o) {
    const page = await client.send(
      new ListInferenceComponentsCommand({
        MaxResults: LIST_PAGE_SIZE,
        NextToken: o.token,
        ...sort(o),
      }),
    );
    return {
      items: (page.InferenceComponents ?? []).map((i) => ({
        arn: s(i.InferenceComponentArn),
        name: s(i.InferenceComponentName),
        status: s(i.InferenceComponentStatus),
        createdAt: i.CreationTime,
      })),
      nextToken: page.NextToken,
    };
  },
};

/** The registry. */
export const KIND_SPECS: Readonly<Record<SageMakerKind, KindSpec>> = {
  'training-job': TRAINING,
  'processing-job': PROCESSING,
  'transform-job': TRANSFORM,
  'hyperparameter-tuning-job': TUNING,
  'notebook-instance': NOTEBOOK,
  endpoint: ENDPOINT,
  'inference-component': INFERENCE_COMPONENT,
};

/** A spec that auto-stop can stop through this registry (jobs and notebooks). */
export type StoppableSpec = KindSpec &
  Required<Pick<KindSpec, 'runningStatus' | 'stopAction' | 'describe' | 'stop'>> & {
    readonly iam: { readonly list: string; readonly describe: string; readonly stop: string };
  };

export function isStoppable(spec: KindSpec): spec is StoppableSpec {
  return (
    spec.runningStatus !== undefined &&
    spec.stopAction !== undefined &&
    spec.stop !== undefined &&
    spec.describe !== undefined &&
    spec.iam.stop !== undefined &&
    spec.iam.describe !== undefined
  );
}

/** The stoppable specs, in registry order. */
export const STOPPABLE_SPECS: readonly StoppableSpec[] =
  Object.values(KIND_SPECS).filter(isStoppable);

/** The kind of a SageMaker ARN (`...:training-job/x` -> `training-job`), if the registry knows it. */
export function kindOfArn(arn: string): SageMakerKind | undefined {
  const resource = arn.split(':').slice(5).join(':');
  const type = `sagemaker:${resource.split('/')[0] ?? ''}`;
  return Object.values(KIND_SPECS).find((k) => k.taggingType === type)?.kind;
}

/** The region of an ARN (`arn:aws:sagemaker:eu-west-1:...` -> `eu-west-1`). */
export function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}
