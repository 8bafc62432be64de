/** Adapter: a SageMaker resource's tags (`ListTags`), for events that do not carry them. */
import { ListTagsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isResourceNotFound } from '../../shared/errors';

/** IAM: `sagemaker:ListTags` (read-only). */
export const TAG_READ_ACTIONS = ['sagemaker:ListTags'] as const;

/**
 * Every tag of the resource, read to the last page (`MaxResults` is at most 100 per call,
 * SageMaker API Reference, ListTags). A resource that is already gone has no tags to act on.
 */
export async function readResourceTags(
  client: SageMakerClient,
  arn: string,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let token: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListTagsCommand({
          ResourceArn: arn,
          MaxResults: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const t of page.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      token = page.NextToken || undefined;
    } while (token);
  } catch (err) {
    if (isResourceNotFound(err)) return {};
    throw err;
  }
  return tags;
}
