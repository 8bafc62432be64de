/**
 * SageMaker adapter: lists every audited resource that exists now, one List* call sequence per
 * kind through the kind registry, reading every page. With filters a page can be empty while
 * `NextToken` is set (SageMaker API Reference, ListTrainingJobs: filters apply after
 * `MaxResults`), so the loop follows `NextToken`, never the page size.
 */
import { ListTagsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { type RetryOptions, retry as retryThrottled } from '../shared/retry';
import { KIND_SPECS } from '../shared/sagemaker-kinds';
import {
  AUDITED_KINDS,
  type AuditedKind,
  JOB_KINDS,
  type LiveResource,
  type TaggedResource,
} from './types';

/** IAM actions this adapter needs (List* do not support resource-level permissions). */
export const SAGEMAKER_LIST_ACTIONS = [
  ...AUDITED_KINDS.map((k) => KIND_SPECS[k].iam.list),
  'sagemaker:ListTags',
] as const;

interface Page {
  readonly items: LiveResource[];
  readonly next?: string;
}

/** One page of a kind, through the kind registry. */
async function listPage(
  client: SageMakerClient,
  kind: AuditedKind,
  token: string | undefined,
  createdAfter: Date | undefined,
): Promise<Page> {
  const page = await KIND_SPECS[kind].listPage(client, {
    token,
    ...(createdAfter ? { createdAfter } : {}),
  });
  return {
    next: page.nextToken,
    items: page.items.map((i) => ({
      arn: i.arn,
      kind,
      name: i.name,
      status: i.status,
      createdAt: i.createdAt,
    })),
  };
}

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
    const page = await retryThrottled(() => listPage(client, kind, token, createdAfter), retry);
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
