/**
 * Discovery whose cost does not grow with the account's history. Per kind and region:
 *
 * - a kind with a documented maximum runtime is listed newest first (`SortBy: CreationTime`,
 *   `SortOrder: Descending`) without a status filter, and reading stops at the first resource
 *   created before now - bound: nothing older can still be running. No `StatusEquals` and no
 *   `CreationTimeAfter`: SageMaker applies `StatusEquals` after `MaxResults` (API Reference,
 *   ListTrainingJobs), so only the creation times we see ourselves prove where the bound is;
 * - a kind whose listing holds only existing resources (notebook instances) is listed in full;
 * - a kind with history and no bound (transform jobs) takes the cheaper of two paths without
 *   knowing the account's size in advance: the project's tagged ARNs are read, then describing
 *   them one by one and listing the running ones page by page advance in step; the first to
 *   finish wins, so the cost is at most twice the cheaper path's.
 *
 * Running candidates found by listing carry no tags yet; the orchestrator reads only their tags
 * (GetResources `ResourceARNList`, 100 per call).
 */
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsErrorName } from '../shared/errors';
import type { ListedResource, StoppableSpec } from '../shared/sagemaker-kinds';
import { readTaggedResources } from '../shared/tagging';

/** Clock skew allowed between SageMaker's creation times and ours. */
export const BOUND_SLACK_MS = 3_600_000;

export type DiscoveryPath = 'bounded-listing' | 'existing-listing' | 'tagged-describe' | 'listing';

/** What discovery did for one kind in one region: the report and the logs say it. */
export interface DiscoveryRecord {
  readonly kind: StoppableSpec['kind'];
  readonly region: string;
  path: DiscoveryPath;
  /** Why this path (and, for a bound, its documented source). */
  reason: string;
  /** Resources created before this time were not read (bounded listing only). */
  readonly createdAfter?: string;
  listPages: number;
  describes: number;
  taggingPages: number;
  candidates: number;
}

/** A running resource found by discovery; `tags` is set when the path already read them. */
export interface Candidate extends ListedResource {
  readonly kind: StoppableSpec['kind'];
  readonly region: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface DiscoverInput {
  readonly spec: StoppableSpec;
  readonly region: string;
  readonly sagemaker: SageMakerClient;
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly projectTag: { readonly key: string; readonly value: string };
  readonly now: Date;
  /** Waits for the listing's rate; resolves when the next List* call of `operation` may start. */
  readonly pace: (operation: string) => Promise<void>;
}

function candidate(input: DiscoverInput, r: ListedResource, tags?: Candidate['tags']): Candidate {
  return { ...r, kind: input.spec.kind, region: input.region, ...(tags ? { tags } : {}) };
}

/** The running candidates of one kind in one region, page by page, and the record of how. */
export function discoverKind(input: DiscoverInput): {
  readonly record: DiscoveryRecord;
  readonly pages: AsyncIterable<Candidate[]>;
} {
  const { spec } = input;
  const base = { kind: spec.kind, region: input.region, listPages: 0, describes: 0 };
  if (spec.bound) {
    const createdAfter = new Date(input.now.getTime() - spec.bound.maxAgeMs - BOUND_SLACK_MS);
    const record: DiscoveryRecord = {
      ...base,
      path: 'bounded-listing',
      reason: `newest first, stopped at ${createdAfter.toISOString()} (${spec.bound.source})`,
      createdAfter: createdAfter.toISOString(),
      taggingPages: 0,
      candidates: 0,
    };
    return { record, pages: boundedListing(input, record, createdAfter) };
  }
  if (spec.listsOnlyExisting) {
    const record: DiscoveryRecord = {
      ...base,
      path: 'existing-listing',
      reason: 'no maximum runtime, but the listing holds only existing resources (no history)',
      taggingPages: 0,
      candidates: 0,
    };
    return { record, pages: statusListing(input, record) };
  }
  const record: DiscoveryRecord = {
    ...base,
    path: 'listing',
    reason: 'no documented maximum runtime: cheaper of listing and describing tagged ARNs',
    taggingPages: 0,
    candidates: 0,
  };
  return { record, pages: cheaperPath(input, record) };
}

async function* boundedListing(
  input: DiscoverInput,
  record: DiscoveryRecord,
  createdAfter: Date,
): AsyncIterable<Candidate[]> {
  const { spec } = input;
  let token: string | undefined;
  let pastBound = false;
  do {
    await input.pace(spec.iam.list);
    const page = await spec.listPage(input.sagemaker, { token, newestFirst: true });
    record.listPages++;
    const running: Candidate[] = [];
    for (const item of page.items) {
      if (item.createdAt && item.createdAt.getTime() < createdAfter.getTime()) {
        pastBound = true;
        continue;
      }
      if (item.arn && item.status === spec.runningStatus) running.push(candidate(input, item));
    }
    record.candidates += running.length;
    if (running.length > 0) yield running;
    token = page.nextToken || undefined;
  } while (token && !pastBound);
}

async function* statusListing(
  input: DiscoverInput,
  record: DiscoveryRecord,
): AsyncIterable<Candidate[]> {
  const { spec } = input;
  let token: string | undefined;
  do {
    await input.pace(spec.iam.list);
    const page = await spec.listPage(input.sagemaker, { token, status: spec.runningStatus });
    record.listPages++;
    // StatusEquals is applied after MaxResults: a page may be empty while NextToken is set.
    const running = page.items
      .filter((i) => i.arn && i.status === spec.runningStatus)
      .map((i) => candidate(input, i));
    record.candidates += running.length;
    if (running.length > 0) yield running;
    token = page.nextToken || undefined;
  } while (token);
}

function isNotFound(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'ResourceNotFound' || name === 'ResourceNotFoundException';
}

/** `arn:...:transform-job/name` -> `name`. */
function nameOfArn(arn: string): string {
  return arn.slice(arn.indexOf('/') + 1);
}

async function* cheaperPath(
  input: DiscoverInput,
  record: DiscoveryRecord,
): AsyncIterable<Candidate[]> {
  const { spec } = input;
  const tagged = await readTaggedResources(input.tagging, {
    resourceTypes: [spec.taggingType],
    tag: input.projectTag,
  });
  record.taggingPages += tagged.pages;
  if (tagged.resources.length === 0) {
    record.path = 'tagged-describe';
    record.reason =
      'no documented maximum runtime; the project has no tagged resource of this kind';
    return;
  }
  const tagsOf = new Map(tagged.resources.map((t) => [t.arn.toLowerCase(), t.tags]));
  const described: Candidate[] = [];
  const listed: Candidate[] = [];
  let next = 0;
  let token: string | undefined;
  let listDone = false;
  const describeStep = async () => {
    const t = tagged.resources[next++];
    if (!t) return;
    try {
      const live = await spec.describe(input.sagemaker, nameOfArn(t.arn));
      record.describes++;
      if (live.status === spec.runningStatus)
        described.push(candidate(input, { ...live, arn: live.arn || t.arn }, t.tags));
    } catch (err) {
      record.describes++;
      // The tagging API keeps returning deleted resources for a while.
      if (!isNotFound(err)) throw err;
    }
  };
  const listStep = async () => {
    await input.pace(spec.iam.list);
    const page = await spec.listPage(input.sagemaker, { token, status: spec.runningStatus });
    record.listPages++;
    for (const i of page.items) {
      const tags = tagsOf.get(i.arn.toLowerCase());
      if (tags && i.status === spec.runningStatus) listed.push(candidate(input, i, tags));
    }
    token = page.nextToken || undefined;
    listDone = token === undefined;
  };
  // One describe and one page in step: whichever path finishes first has the full answer.
  while (next < tagged.resources.length && !listDone)
    await Promise.all([describeStep(), listStep()]);
  // Both may finish on the same step; either answer is then complete.
  const found = next >= tagged.resources.length ? described : listed;
  record.path = found === described ? 'tagged-describe' : 'listing';
  record.reason = `no documented maximum runtime: ${
    found === described
      ? `described the project's ${tagged.resources.length} tagged ARNs`
      : `listed the running ones (${record.listPages} pages) before ${tagged.resources.length} tagged ARNs were described`
  }`;
  record.candidates += found.length;
  if (found.length > 0) yield found;
}
