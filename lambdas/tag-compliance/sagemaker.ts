/**
 * SageMaker adapter: lists every audited resource that exists now, one List* call sequence per
 * kind, reading every page. With `StatusEquals` or other filters a page can be empty while
 * `NextToken` is set (SageMaker API Reference, ListTrainingJobs: filters apply after MaxResults
 * jobs are read), so the loop follows `NextToken`, never the page size.
 */
import {
  ListEndpointsCommand,
  ListHyperParameterTuningJobsCommand,
  ListInferenceComponentsCommand,
  ListProcessingJobsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { type RetryOptions, retry as retryThrottled } from '../shared/retry';
import { type AuditedKind, JOB_KINDS, type LiveResource, type TaggedResource } from './types';

/** IAM actions this adapter needs (List* do not support resource-level permissions). */
export const SAGEMAKER_LIST_ACTIONS = [
  'sagemaker:ListTrainingJobs',
  'sagemaker:ListProcessingJobs',
  'sagemaker:ListTransformJobs',
  'sagemaker:ListHyperParameterTuningJobs',
  'sagemaker:ListEndpoints',
  'sagemaker:ListInferenceComponents',
  'sagemaker:ListTags',
] as const;

/** Largest page the List* calls accept (SageMaker API Reference, ListTrainingJobs: MaxResults 1-100). */
const PAGE_SIZE = 100;

interface Page {
  readonly items: LiveResource[];
  readonly next?: string;
}

type Lister = (
  client: SageMakerClient,
  token: string | undefined,
  createdAfter: Date | undefined,
) => Promise<Page>;

const s = (v: string | undefined) => v ?? '';

/** One page reader per kind; each maps the kind's summary to a LiveResource. */
const LISTERS: Record<AuditedKind, Lister> = {
  'training-job': async (c, NextToken, CreationTimeAfter) => {
    const out = await c.send(
      new ListTrainingJobsCommand({ MaxResults: PAGE_SIZE, NextToken, CreationTimeAfter }),
    );
    return {
      next: out.NextToken,
      items: (out.TrainingJobSummaries ?? []).map((j) => ({
        arn: s(j.TrainingJobArn),
        kind: 'training-job',
        name: s(j.TrainingJobName),
        status: s(j.TrainingJobStatus),
        createdAt: j.CreationTime,
      })),
    };
  },
  'processing-job': async (c, NextToken, CreationTimeAfter) => {
    const out = await c.send(
      new ListProcessingJobsCommand({ MaxResults: PAGE_SIZE, NextToken, CreationTimeAfter }),
    );
    return {
      next: out.NextToken,
      items: (out.ProcessingJobSummaries ?? []).map((j) => ({
        arn: s(j.ProcessingJobArn),
        kind: 'processing-job',
        name: s(j.ProcessingJobName),
        status: s(j.ProcessingJobStatus),
        createdAt: j.CreationTime,
      })),
    };
  },
  'transform-job': async (c, NextToken, CreationTimeAfter) => {
    const out = await c.send(
      new ListTransformJobsCommand({ MaxResults: PAGE_SIZE, NextToken, CreationTimeAfter }),
    );
    return {
      next: out.NextToken,
      items: (out.TransformJobSummaries ?? []).map((j) => ({
        arn: s(j.TransformJobArn),
        kind: 'transform-job',
        name: s(j.TransformJobName),
        status: s(j.TransformJobStatus),
        createdAt: j.CreationTime,
      })),
    };
  },
  'hyper-parameter-tuning-job': async (c, NextToken, CreationTimeAfter) => {
    const out = await c.send(
      new ListHyperParameterTuningJobsCommand({
        MaxResults: PAGE_SIZE,
        NextToken,
        CreationTimeAfter,
      }),
    );
    return {
      next: out.NextToken,
      items: (out.HyperParameterTuningJobSummaries ?? []).map((j) => ({
        arn: s(j.HyperParameterTuningJobArn),
        kind: 'hyper-parameter-tuning-job',
        name: s(j.HyperParameterTuningJobName),
        status: s(j.HyperParameterTuningJobStatus),
        createdAt: j.CreationTime,
      })),
    };
  },
  endpoint: async (c, NextToken) => {
    const out = await c.send(new ListEndpointsCommand({ MaxResults: PAGE_SIZE, NextToken }));
    return {
      next: out.NextToken,
      items: (out.Endpoints ?? []).map((e) => ({
        arn: s(e.EndpointArn),
        kind: 'endpoint',
        name: s(e.EndpointName),
        status: s(e.EndpointStatus),
        createdAt: e.CreationTime,
      })),
    };
  },
  'inference-component': async (c, NextToken) => {
    const out = await c.send(
      new ListInferenceComponentsCommand({ MaxResults: PAGE_SIZE, NextToken }),
    );
    return {
      next: out.NextToken,
      items: (out.InferenceComponents ?? []).map((i) => ({
        arn: s(i.InferenceComponentArn),
        kind: 'inference-component',
        name: s(i.InferenceComponentName),
        status: s(i.InferenceComponentStatus),
        createdAt: i.CreationTime,
      })),
    };
  },
};

export interface ListStats {
  /** List* requests that succeeded (pages read), by kind. */
  readonly pages: Partial<Record<AuditedKind, number>>;
}

/**
 * Every live resource of one kind: follows NextToken to the end, retrying throttled pages. Jobs
 * created before `jobsCreatedAfter` are left out.
 */
export async function listKind(
  client: SageMakerClient,
  kind: AuditedKind,
  retry: RetryOptions = {},
  jobsCreatedAfter?: Date,
): Promise<{ resources: LiveResource[]; pages: number }> {
  const createdAfter = JOB_KINDS.includes(kind) ? jobsCreatedAfter : undefined;
  const resources: LiveResource[] = [];
  const seenTokens = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await retryThrottled(() => LISTERS[kind](client, token, createdAfter), retry);
    pages++;
    resources.push(...page.items.filter((r) => r.arn !== ''));
    token = page.next || undefined;
    // A token seen twice would loop forever; AWS never does this, a broken proxy might.
    if (token !== undefined) {
      if (seenTokens.has(token))
        throw new Error(`SageMaker returned the same NextToken twice while listing ${kind}`);
      seenTokens.add(token);
    }
  } while (token !== undefined);
  return { resources, pages };
}

/** Every live resource of the given kinds; the kinds are listed in parallel (separate quotas). */
export async function listLiveResources(
  client: SageMakerClient,
  kinds: readonly AuditedKind[],
  retry: RetryOptions = {},
  jobsCreatedAfter?: Date,
): Promise<{ resources: LiveResource[]; pages: number }> {
  const results = await Promise.all(kinds.map((k) => listKind(client, k, retry, jobsCreatedAfter)));
  return {
    resources: results.flatMap((r) => r.resources),
    pages: results.reduce((n, r) => n + r.pages, 0),
  };
}

/**
 * Tags read from SageMaker itself, for resources created after the tagging API was read (its
 * answer cannot contain them yet, so "absent" would wrongly mean "untagged").
 */
export async function readTags(
  client: SageMakerClient,
  arns: readonly string[],
  retry: RetryOptions = {},
): Promise<TaggedResource[]> {
  const out: TaggedResource[] = [];
  for (const arn of arns) {
    const tags: Record<string, string> = {};
    let token: string | undefined;
    do {
      const page = await retryThrottled(
        () => client.send(new ListTagsCommand({ ResourceArn: arn, NextToken: token })),
        retry,
      );
      for (const t of page.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      token = page.NextToken || undefined;
    } while (token !== undefined);
    out.push({ arn, tags });
  }
  return out;
}
