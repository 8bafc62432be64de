/**
 * Discovery whose cost does not grow with the account's history. Per kind and region:
 *
 * - a kind with a documented maximum runtime is listed newest first (`SortBy: CreationTime`,
 *   `SortOrder: Descending`) without a status filter, and reading stops at the first resource
 *   created before now - bound: nothing older can still be running. No `StatusEquals` and no
 *   `CreationTimeAfter`: SageMaker applies `StatusEquals` after `MaxResults` (API Reference,
 *   ListTrainingJobs), so only the creation times we see ourselves prove where the bound is;
 * - a kind whose listing holds only existing resources (notebook instances) is listed in full;
 * - a kind with history and no bound (transform jobs) takes the cheaper path: one tagging page
 *   tells whether the project has more than 100 tagged ARNs of the kind. If it has, the running
 *   ones are listed (100 jobs per call, where describing reads one); if not, describing them one
 *   by one and listing page by page advance in step and the first to finish wins, so the cost is
 *   at most twice the cheaper path's.
 *
 * Running candidates found by listing carry no tags yet; the orchestrator reads only their tags
 * (GetResources `ResourceARNList`, 100 per call).
 */
import {
  GetResourcesCommand,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isResourceNotFound } from '../shared/errors';
import type { ListedResource, StoppableSpec } from '../shared/sagemaker-kinds';

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

/** `arn:...:transform-job/name` -> `name`. */
function nameOfArn(arn: string): string {
  return arn.slice(arn.indexOf('/') + 1);
}

/** Most tagged ARNs worth describing one by one: one tagging page, and 100 describes. */
export const DESCRIBE_LIMIT = 100;

async function* cheaperPath(
  input: DiscoverInput,
  record: DiscoveryRecord,
): AsyncIterable<Candidate[]> {
  const { spec } = input;
  // One tagging page says whether the project has more than 100 tagged ARNs of this kind.
  const probe = await input.tagging.send(
    new GetResourcesCommand({
      ResourceTypeFilters: [spec.taggingType],
      TagFilters: [{ Key: input.projectTag.key, Values: [input.projectTag.value] }],
      ResourcesPerPage: DESCRIBE_LIMIT,
    }),
  );
  record.taggingPages++;
  const tagged = (probe.ResourceTagMappingList ?? []).flatMap((r) => {
    if (!r.ResourceARN) return [];
    const tags: Record<string, string> = {};
    for (const tag of r.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
    return [{ arn: r.ResourceARN, tags }];
  });
  if (probe.PaginationToken) {
    // Over 100 tagged ARNs: describing costs a call each, the listing a call per 100 jobs.
    record.path = 'listing';
    record.reason = `no documented maximum runtime; over ${DESCRIBE_LIMIT} tagged ARNs, so the running ones are listed (100 per call)`;
    yield* statusListing(input, record);
    return;
  }
  if (tagged.length === 0) {
    record.path = 'tagged-describe';
    record.reason =
      'no documented maximum runtime; the project has no tagged resource of this kind';
    return;
  }
  const tagsOf = new Map(tagged.map((t) => [t.arn.toLowerCase(), t.tags]));
  const described: Candidate[] = [];
  const listed: Candidate[] = [];
  let next = 0;
  let token: string | undefined;
  let listDone = false;
  const describeStep = async () => {
    const t = tagged[next++];
    if (!t) return;
    try {
      const live = await spec.describe(input.sagemaker, nameOfArn(t.arn));
      record.describes++;
      if (live.status === spec.runningStatus)
        described.push(candidate(input, { ...live, arn: live.arn || t.arn }, t.tags));
    } catch (err) {
      record.describes++;
      // The tagging API keeps returning deleted resources for a while.
      if (!isResourceNotFound(err)) throw err;
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
  // Up to 100 tagged ARNs: one describe and one listing page in step; whichever path finishes
  // first has the full answer, so the cost is at most twice the cheaper path's.
  while (next < tagged.length && !listDone) await Promise.all([describeStep(), listStep()]);
  // Both may finish on the same step; either answer is then complete.
  const found = next >= tagged.length ? described : listed;
  record.path = found === described ? 'tagged-describe' : 'listing';
  record.reason = `no documented maximum runtime: ${
    found === described
      ? `described the project's ${tagged.length} tagged ARNs`
      : `listed the running ones (${record.listPages} pages) before ${tagged.length} tagged ARNs were described`
  }`;
  record.candidates += found.length;
  if (found.length > 0) yield found;
}
