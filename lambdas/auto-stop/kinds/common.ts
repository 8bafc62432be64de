/**
 * Shared pieces of the SageMaker kind handlers: the pure plan rule, reading an in-progress
 * listing to its last page, and turning a Stop* call into an {@link Outcome}.
 */
import type { AutoStopSettings, ResourceKind } from '../../../lib/config/schema';
import { awsErrorName, errorMessage } from '../../shared/errors';
import type { Decision, Outcome, Resource, TaggedResource } from '../types';

/** A page of a SageMaker List* call reduced to what discovery needs. */
export interface ListedPage {
  readonly items: readonly {
    readonly name: string;
    readonly arn: string;
    readonly status: string;
  }[];
  readonly nextToken: string | undefined;
}

/**
 * Read a listing to the last page. With `StatusEquals`, SageMaker takes `MaxResults` items first
 * and filters after, so a page can be empty while `NextToken` is set (DOMAIN-NOTES "SageMaker").
 */
export async function readAllPages(
  fetchPage: (token: string | undefined) => Promise<ListedPage>,
): Promise<ListedPage['items'][number][]> {
  const items: ListedPage['items'][number][] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    items.push(...page.items);
    token = page.nextToken || undefined;
  } while (token);
  return items;
}

/**
 * Join tagged resources (the project's, possibly stale) with live listed ones: only resources in
 * both survive, so deleted or finished ones that the tagging API still returns are dropped.
 * SageMaker ARNs are compared case-insensitively because names in ARNs may be lower-cased.
 */
export function joinLive(
  kind: ResourceKind,
  tagged: readonly TaggedResource[],
  listed: readonly { readonly name: string; readonly arn: string; readonly status: string }[],
): Resource[] {
  const byArn = new Map(tagged.map((t) => [t.arn.toLowerCase(), t]));
  const live: Resource[] = [];
  for (const item of listed) {
    const t = byArn.get(item.arn.toLowerCase());
    if (t) live.push({ arn: item.arn, kind, name: item.name, status: item.status, tags: t.tags });
  }
  return live;
}

/**
 * The plan rule shared by jobs and notebooks: kind enabled, not exempt, in the one state the
 * Stop* call accepts. Pure.
 */
export function planStop(
  resource: Resource,
  settings: Pick<AutoStopSettings, 'resourceKinds' | 'exemptionTag'>,
  rule: { readonly runningStatus: string; readonly action: string },
): Decision {
  if (!settings.resourceKinds.includes(resource.kind))
    return {
      type: 'skip',
      resource,
      reason: `${resource.kind} is not in this project's autoStop.resourceKinds`,
    };
  const exempt = resource.tags[settings.exemptionTag];
  if (exempt !== undefined)
    return {
      type: 'skip',
      resource,
      reason: `exempt: tagged ${settings.exemptionTag}${exempt ? `=${exempt}` : ''}`,
    };
  if (resource.status !== rule.runningStatus)
    return {
      type: 'skip',
      resource,
      reason: `status is ${resource.status}, not ${rule.runningStatus}: nothing to stop`,
    };
  return {
    type: 'act',
    resource,
    action: rule.action,
    reason: `${rule.runningStatus} and not exempt`,
  };
}

/**
 * SageMaker answers a Stop* on a resource that is no longer running with `ValidationException
 * ... in status Stopped` (DOMAIN-NOTES "SageMaker"), and a gone one with `ResourceNotFound`:
 * both mean the goal is met.
 */
export function isAlreadyDone(err: unknown): boolean {
  const name = awsErrorName(err);
  if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') return true;
  if (name !== 'ValidationException') return false;
  return /status|not found|does not exist|cannot be stopped|not in progress/i.test(
    errorMessage(err),
  );
}

/** Run one Stop* call and describe its result. */
export async function stopOutcome(
  decision: Extract<Decision, { type: 'act' }>,
  call: () => Promise<unknown>,
): Promise<Outcome> {
  const { resource } = decision;
  const base = {
    resourceArn: resource.arn,
    kind: resource.kind,
    name: resource.name,
    priorState: resource.status,
    action: decision.action,
  };
  try {
    await call();
    return { ...base, result: 'done', reason: decision.reason };
  } catch (err) {
    if (isAlreadyDone(err))
      return {
        ...base,
        result: 'already-done',
        reason: `already stopped or gone (${awsErrorName(err)}: ${errorMessage(err)})`,
      };
    return {
      ...base,
      result: 'failed',
      reason: decision.reason,
      error: `${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}`,
    };
  }
}
