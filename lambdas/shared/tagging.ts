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

export interface TaggedArn {
  readonly arn: string;
  readonly tags: Record<string, string>;
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
): Promise<{ resources: TaggedArn[]; pages: number }> {
  const wrap = query.wrap ?? ((call) => call());
  const resources: TaggedArn[] = [];
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
