/**
 * Adapter for the Resource Groups Tagging API, shared by auto-stop and the tag audit. It returns
 * resources that are or were tagged (deleted ones linger for hours) and never untagged ones, so
 * callers re-check live state and join with the service's own listings.
 */
import {
  GetResourcesCommand,
  type GetResourcesCommandOutput,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';

/** IAM: `GetResources` does not support resource-level permissions, so it needs `Resource: *`. */
export const TAGGING_READ_ACTIONS = ['tag:GetResources'] as const;

/** `ResourcesPerPage` is at most 100. */
const PAGE_SIZE = 100;

/** A resource the tagging API says carries (or carried) these tags: it may be gone, re-check it. */
export interface TaggedResource {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** `ResourceARNList` takes at most 100 ARNs (Resource Groups Tagging API Reference, GetResources). */
export const ARNS_PER_TAG_READ = 100;

/**
 * The tags of the given ARNs, at most 100 per GetResources call (`ResourceARNList`, which takes no
 * pagination parameters). An ARN without tags, or gone, is absent from the answer: it comes back
 * with no tags. Chunks are read in order, so a caller can keep its own rate.
 */
export async function readTagsOfArns(
  client: ResourceGroupsTaggingAPIClient,
  arns: readonly string[],
  wrap: NonNullable<TaggedResourcesQuery['wrap']> = (call) => call(),
): Promise<{ resources: TaggedResource[]; calls: number }> {
  const found = new Map<string, Record<string, string>>();
  let calls = 0;
  for (let i = 0; i < arns.length; i += ARNS_PER_TAG_READ) {
    const chunk = arns.slice(i, i + ARNS_PER_TAG_READ);
    const page = await wrap(() =>
      client.send(new GetResourcesCommand({ ResourceARNList: [...chunk] })),
    );
    calls++;
    for (const r of page.ResourceTagMappingList ?? []) {
      if (!r.ResourceARN) continue;
      const tags: Record<string, string> = {};
      for (const t of r.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      found.set(r.ResourceARN.toLowerCase(), tags);
    }
  }
  return {
    resources: arns.map((arn) => ({ arn, tags: found.get(arn.toLowerCase()) ?? {} })),
    calls,
  };
}

export interface TaggedResourcesQuery {
  /** `ResourceTypeFilters`, e.g. `sagemaker:training-job`. */
  readonly resourceTypes: readonly string[];
  /** Only resources whose tag `key` has this `value`. @default - every tagged resource */
  readonly tag?: { readonly key: string; readonly value: string };
  /** Wraps each call, e.g. to retry throttling beyond the SDK's own retries. @default - none */
  readonly wrap?: (
    call: () => Promise<GetResourcesCommandOutput>,
  ) => Promise<GetResourcesCommandOutput>;
}

/** Every matching resource with its tags, read to the last page. */
export async function readTaggedResources(
  client: ResourceGroupsTaggingAPIClient,
  query: TaggedResourcesQuery,
): Promise<{ resources: TaggedResource[]; pages: number }> {
  const wrap = query.wrap ?? ((call) => call());
  const resources: TaggedResource[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await wrap(() =>
      client.send(
        new GetResourcesCommand({
          ...(query.tag ? { TagFilters: [{ Key: query.tag.key, Values: [query.tag.value] }] } : {}),
          ResourceTypeFilters: [...query.resourceTypes],
          ResourcesPerPage: PAGE_SIZE,
          ...(token ? { PaginationToken: token } : {}),
        }),
      ),
    );
    pages++;
    for (const r of page.ResourceTagMappingList ?? []) {
      if (!r.ResourceARN) continue;
      const tags: Record<string, string> = {};
      for (const t of r.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      resources.push({ arn: r.ResourceARN, tags });
    }
    // An empty token ends the sequence as much as a missing one, so a last page never loops.
    token = page.PaginationToken || undefined;
  } while (token);
  return { resources, pages };
}
