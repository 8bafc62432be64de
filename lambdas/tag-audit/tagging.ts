/**
 * Resource Groups Tagging API adapter: the tags of every audited SageMaker resource in one
 * paginated `GetResources` sequence. It returns resources that are or were tagged (deleted ones
 * linger for hours) and never untagged ones (DOMAIN-NOTES), so callers join with SageMaker.
 */
import {
  GetResourcesCommand,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { type RetryOptions, retryThrottled } from './retry';
import type { AuditedKind, TaggedResource } from './types';

/** IAM actions this adapter needs. */
export const TAGGING_ACTIONS = ['tag:GetResources'] as const;

/** `ResourcesPerPage` is at most 100 (DOMAIN-NOTES). */
const PAGE_SIZE = 100;

/** `ResourceTypeFilters` value for a kind: `service:resourceType` as in the resource's ARN. */
export function resourceTypeFilter(kind: AuditedKind): string {
  return `sagemaker:${kind}`;
}

/** Every tagged resource of the given kinds, all pages. */
export async function getTaggedResources(
  client: ResourceGroupsTaggingAPIClient,
  kinds: readonly AuditedKind[],
  retry: RetryOptions = {},
): Promise<{ resources: TaggedResource[]; pages: number }> {
  const resources: TaggedResource[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await retryThrottled(
      () =>
        client.send(
          new GetResourcesCommand({
            ResourceTypeFilters: kinds.map(resourceTypeFilter),
            ResourcesPerPage: PAGE_SIZE,
            PaginationToken: token,
          }),
        ),
      retry,
    );
    pages++;
    for (const r of out.ResourceTagMappingList ?? []) {
      if (!r.ResourceARN) continue;
      const tags: Record<string, string> = {};
      for (const t of r.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      resources.push({ arn: r.ResourceARN, tags });
    }
    // An empty token ends the sequence as much as a missing one.
    token = out.PaginationToken || undefined;
  } while (token !== undefined);
  return { resources, pages };
}
