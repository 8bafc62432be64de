/** Adapter: the project's tagged SageMaker resources from the Resource Groups Tagging API. */
import {
  GetResourcesCommand,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { TaggedResource } from './types';

/** IAM: `GetResources` does not support resource-level permissions, so it needs `Resource: *`. */
export const TAGGING_READ_ACTIONS = ['tag:GetResources'] as const;

/**
 * Every resource of the given tagging types whose `tagKey` is `tagValue`, read to the last page.
 * The result may include deleted or finished resources (DOMAIN-NOTES "Resource Groups Tagging
 * API"): callers must re-check live state.
 */
export async function findTaggedResources(
  client: ResourceGroupsTaggingAPIClient,
  tagKey: string,
  tagValue: string,
  resourceTypes: readonly string[],
): Promise<TaggedResource[]> {
  if (resourceTypes.length === 0) return [];
  const found: TaggedResource[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetResourcesCommand({
        TagFilters: [{ Key: tagKey, Values: [tagValue] }],
        ResourceTypeFilters: [...resourceTypes],
        ResourcesPerPage: 100,
        ...(token ? { PaginationToken: token } : {}),
      }),
    );
    for (const r of page.ResourceTagMappingList ?? []) {
      if (!r.ResourceARN) continue;
      const tags: Record<string, string> = {};
      for (const t of r.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
      found.push({ arn: r.ResourceARN, tags });
    }
    // Treat an empty token like an absent one, so a last page never loops.
    token = page.PaginationToken || undefined;
  } while (token);
  return found;
}

/** `arn:aws:sagemaker:eu-west-1:1:training-job/x` -> `sagemaker:training-job`. */
export function taggingTypeOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  const type = resource.split('/')[0];
  return service && type && resource.includes('/') ? `${service}:${type}` : undefined;
}
