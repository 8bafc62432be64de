/**
 * The audit shared by the periodic Config rule and `guardrails tags audit`: read tags, list what
 * exists, re-read tags of resources created meanwhile, then judge with the pure `evaluate`.
 */
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { type RetryOptions, retry } from '../shared/retry';
import { KIND_SPECS } from '../shared/sagemaker-kinds';
import { readTaggedResources } from '../shared/tagging';
import { evaluate, type Ownership } from './evaluate';
import { listLiveResources, readTags } from './sagemaker';
import { AUDITED_KINDS, type AuditedKind, type TagRequirement, type Verdict } from './types';

/** Resources created this long before the tagging read began are re-read too (clock skew). */
const CREATION_SKEW_MS = 5 * 60_000;

/** The required tags of the policy, as the evaluator takes them. */
export function requirementsOf(policy: Pick<GuardrailsPolicy, 'organisation'>): TagRequirement[] {
  return policy.organisation.requiredTags.map((t) =>
    t.allowedValues ? { key: t.key, allowedValues: t.allowedValues } : { key: t.key },
  );
}

/** Who owns what, from the policy's projects and teams. */
export function ownershipOf(
  policy: Pick<GuardrailsPolicy, 'organisation' | 'projects' | 'teams' | 'paging'>,
): Ownership {
  return {
    projectTagKey: policy.organisation.projectTagKey,
    projectTeams: Object.fromEntries(policy.projects.map((p) => [p.id, p.team])),
    teams: policy.teams.map((t) => t.id),
    platformTeam: policy.paging.platformTeam,
  };
}

/** Teams that have an email address (and so an SNS subscription). */
export function emailTeamsOf(policy: Pick<GuardrailsPolicy, 'teams'>): string[] {
  return policy.teams.filter((t) => t.email !== undefined).map((t) => t.id);
}

export interface AuditClients {
  readonly sagemaker: SageMakerClient;
  readonly tagging: ResourceGroupsTaggingAPIClient;
}

export interface AuditOptions {
  /** Kinds to audit. @default every audited kind */
  readonly kinds?: readonly AuditedKind[];
  /** Reads the ARNs the rule reported before; runs while the account is being listed. @default - none */
  readonly previouslyEvaluated?: () => Promise<readonly string[]>;
  readonly retry?: RetryOptions;
  /** Audit only jobs created in the last N days. @default - every job */
  readonly jobLookbackDays?: number;
  /** Clock, injected for tests. @default () => new Date() */
  readonly now?: () => Date;
}

export interface AuditResult {
  readonly verdicts: Verdict[];
  /** Requests made, for logs, metrics and the benchmark. */
  readonly requests: {
    readonly taggingPages: number;
    readonly sagemakerPages: number;
    readonly sagemakerListTags: number;
  };
}

/** Audit the account the clients point at against the policy's required tags. */
export async function auditAccount(
  clients: AuditClients,
  policy: Pick<GuardrailsPolicy, 'organisation' | 'projects' | 'teams' | 'paging'>,
  options: AuditOptions = {},
): Promise<AuditResult> {
  const kinds = options.kinds ?? AUDITED_KINDS;
  const now = options.now ?? (() => new Date());
  const jobsCreatedAfter =
    options.jobLookbackDays === undefined
      ? undefined
      : new Date(now().getTime() - options.jobLookbackDays * 86_400_000);
  const discover = async () => {
    // Tags first, listings second: a resource deleted in between is then absent from the listing
    // (NOT_APPLICABLE), never judged on tags of something that no longer exists.
    const taggingStartedAt = now().getTime();
    const tagged = await readTaggedResources(clients.tagging, {
      resourceTypes: kinds.map((k) => KIND_SPECS[k].taggingType),
      wrap: (call) => retry(call, options.retry),
    });
    const live = await listLiveResources(clients.sagemaker, kinds, options.retry, jobsCreatedAfter);

    const known = new Set(tagged.resources.map((t) => t.arn));
    const createdMeanwhile = live.resources
      .filter((r) => !known.has(r.arn))
      .filter((r) => r.createdAt && r.createdAt.getTime() >= taggingStartedAt - CREATION_SKEW_MS)
      .map((r) => r.arn);
    const late = await readTags(clients.sagemaker, createdMeanwhile, options.retry);
    return { tagged, live, late, createdMeanwhile };
  };
  // Earlier results come from Config, independent of discovery: read both at once.
  const [previous, { tagged, live, late, createdMeanwhile }] = await Promise.all([
    options.previouslyEvaluated ? options.previouslyEvaluated() : Promise.resolve([]),
    discover(),
  ]);

  const verdicts = evaluate({
    live: live.resources,
    tagged: [...tagged.resources, ...late],
    requirements: requirementsOf(policy),
    ownership: ownershipOf(policy),
    previouslyEvaluated: previous,
    jobWindow: jobsCreatedAfter !== undefined,
  });
  return {
    verdicts,
    requests: {
      taggingPages: tagged.pages,
      sagemakerPages: live.pages,
      sagemakerListTags: createdMeanwhile.length,
    },
  };
}
