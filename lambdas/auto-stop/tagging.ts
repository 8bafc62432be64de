/** The project's tagged SageMaker resources, through the shared tagging API adapter. */
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { readTaggedResources } from '../shared/tagging';
import type { TaggedResource } from './types';

export { TAGGING_READ_ACTIONS } from '../shared/tagging';

/**
 * Every resource of the given tagging types whose `tagKey` is `tagValue`, read to the last page.
 * The result may include deleted or finished resources: callers must re-check live state.
 */
export async function findTaggedResources(
  client: ResourceGroupsTaggingAPIClient,
  tagKey: string,
  tagValue: string,
  resourceTypes: readonly string[],
): Promise<TaggedResource[]> {
  if (resourceTypes.length === 0) return [];
  const { resources } = await readTaggedResources(client, {
    resourceTypes,
    tag: { key: tagKey, value: tagValue },
  });
  return resources;
}

/** `arn:aws:sagemaker:eu-west-1:1:training-job/x` -> `sagemaker:training-job`. */
export function taggingTypeOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  const type = resource.split('/')[0];
  return service && type && resource.includes('/') ? `${service}:${type}` : undefined;
}
