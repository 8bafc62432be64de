/**
 * The tags of every audited SageMaker resource, through the shared tagging API adapter, with
 * throttling retried; callers join the result with the SageMaker listings.
 */
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { type RetryOptions, retry as retryThrottled } from '../shared/retry';
import { readTaggedResources, TAGGING_READ_ACTIONS } from '../shared/tagging';
import type { AuditedKind, TaggedResource } from './types';

/** IAM actions this adapter needs. */
export const TAGGING_ACTIONS = TAGGING_READ_ACTIONS;

/** `ResourceTypeFilters` value for a kind: `service:resourceType` as in the resource's ARN. */
export function resourceTypeFilter(kind: AuditedKind): string {
  return `sagemaker:${kind}`;
}

/** Every tagged resource of the given kinds, all pages, throttling retried. */
export async function getTaggedResources(
  client: ResourceGroupsTaggingAPIClient,
  kinds: readonly AuditedKind[],
  retry: RetryOptions = {},
): Promise<{ resources: TaggedResource[]; pages: number }> {
  return readTaggedResources(client, {
    resourceTypes: kinds.map(resourceTypeFilter),
    wrap: (call) => retryThrottled(call, retry),
  });
}
