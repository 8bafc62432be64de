/**
 * The tag audit's decisions, pure: no SDK, no clock, no environment. Given what SageMaker lists
 * (what exists) and what the tagging API returns (tags, possibly stale), decide per resource
 * COMPLIANT / NON_COMPLIANT / NOT_APPLICABLE, who owns it, and what the owners are told.
 */
import { kindOfArn as registryKindOfArn } from '../shared/sagemaker-kinds';
import {
  AUDITED_KINDS,
  type AuditedKind,
  JOB_KINDS,
  type LiveResource,
  type TaggedResource,
  type TagRequirement,
  type Verdict,
} from './types';

/**
 * `ComplianceResourceType` of the evaluations. PutEvaluations rejects resource types outside
 * the list AWS Config supports ("The resource type AWS::Backup::BackupPlan is invalid. Only the
 * following values are permitted: [...]", awslabs/aws-config-rdk#290), and the SageMaker jobs,
 * endpoints and inference components audited here are not Config resource types. `AWS::::Account`
 * is a type Config reports evaluations for (Config developer guide, "Example Compliance Change
 * Notification"; API_ExternalEvaluation: "AWS Config accepts AWS::::Account resource type"), so
 * each resource is reported under it with its ARN as `ComplianceResourceId` (1-768 characters,
 * API_Evaluation). Untested against a live account: see docs/verification.md.
 */
export const EVALUATION_RESOURCE_TYPE = 'AWS::::Account';

/** PutEvaluations takes at most 100 evaluations per call (API_PutEvaluations, "Array Members: Maximum number of 100 items"). */
export const MAX_EVALUATIONS_PER_CALL = 100;

/** Evaluation annotations are limited to 256 characters (API_EvaluationResult, StringWithCharLimit256). */
export const MAX_ANNOTATION_LENGTH = 256;

/** Tag whose value names the owning team, when it names a team of the policy. */
export const TEAM_TAG_KEY = 'Team';

/** Statuses in which a resource is on its way out: nothing to fix, nobody to tell. */
const GOING_AWAY = new Set(['Deleting', 'DeleteFailed']);

/** Who owns what, from the policy. */
export interface Ownership {
  /** Tag key whose value is the project id. */
  readonly projectTagKey: string;
  /** Project id -> owning team id. */
  readonly projectTeams: Readonly<Record<string, string>>;
  /** Every team id in the policy. */
  readonly teams: readonly string[];
  /** Team told when no owner can be found (and for owners without an email address). */
  readonly platformTeam: string;
}

export interface AuditInput {
  /** What SageMaker lists now. */
  readonly live: readonly LiveResource[];
  /** What the tagging API returned (includes resources deleted in the last hours). */
  readonly tagged: readonly TaggedResource[];
  readonly requirements: readonly TagRequirement[];
  readonly ownership: Ownership;
  /** ARNs this rule reported before; those that no longer exist become NOT_APPLICABLE. @default [] */
  readonly previouslyEvaluated?: readonly string[];
  /** Jobs were listed only from a creation date on, so an unlisted job may just be older. @default false */
  readonly jobWindow?: boolean;
}

/** The missing and invalid required tags of one tag set. */
export function checkTags(
  tags: Readonly<Record<string, string>>,
  requirements: readonly TagRequirement[],
): Pick<Verdict, 'missing' | 'invalid'> {
  const missing: string[] = [];
  const invalid: { key: string; value: string }[] = [];
  for (const req of requirements) {
    const value = tags[req.key];
    if (value === undefined || value.trim() === '') missing.push(req.key);
    else if (req.allowedValues && !req.allowedValues.includes(value))
      invalid.push({ key: req.key, value });
  }
  return { missing, invalid };
}

/** The audited kind of a SageMaker ARN (`arn:<partition>:sagemaker:<region>:<account>:<type>/<name>`). */
export function kindOfArn(arn: string): AuditedKind | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[2] !== 'sagemaker') return undefined;
  const kind = registryKindOfArn(arn);
  return (AUDITED_KINDS as readonly string[]).includes(kind ?? '')
    ? (kind as AuditedKind)
    : undefined;
}

function nameOfArn(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.slice(resource.indexOf('/') + 1);
}

/** The project (if the policy knows it) and the team that owns a resource with these tags. */
export function ownerOf(
  tags: Readonly<Record<string, string>>,
  ownership: Ownership,
): { project?: string; team: string } {
  const projectId = tags[ownership.projectTagKey];
  const project =
    projectId !== undefined && ownership.projectTeams[projectId] !== undefined
      ? projectId
      : undefined;
  const tagTeam = tags[TEAM_TAG_KEY];
  const team =
    tagTeam !== undefined && ownership.teams.includes(tagTeam)
      ? tagTeam
      : project !== undefined
        ? (ownership.projectTeams[project] ?? ownership.platformTeam)
        : ownership.platformTeam;
  return project === undefined ? { team } : { project, team };
}

function describeProblems(v: Pick<Verdict, 'missing' | 'invalid'>): string {
  const parts: string[] = [];
  if (v.missing.length > 0) parts.push(`missing ${v.missing.join(', ')}`);
  if (v.invalid.length > 0)
    parts.push(`not allowed ${v.invalid.map((i) => `${i.key}=${i.value}`).join(', ')}`);
  return parts.join('; ');
}

function notApplicable(
  arn: string,
  kind: AuditedKind,
  name: string,
  reason: string,
  tags: Readonly<Record<string, string>>,
  ownership: Ownership,
): Verdict {
  const { project, team } = ownerOf(tags, ownership);
  return {
    arn,
    kind,
    name,
    compliance: 'NOT_APPLICABLE',
    missing: [],
    invalid: [],
    reason,
    ...(project === undefined ? {} : { project }),
    ownerTeam: team,
    tags,
  };
}

/**
 * One verdict per resource: live resources are judged on their tags (none from the tagging API
 * means untagged, since it never returns untagged resources); tagging results and earlier
 * evaluations without a live resource are deleted resources and become NOT_APPLICABLE.
 */
export function evaluate(input: AuditInput): Verdict[] {
  const { ownership } = input;
  const tagsByArn = new Map(input.tagged.map((t) => [t.arn, t.tags]));
  const liveArns = new Set(input.live.map((r) => r.arn));
  const verdicts: Verdict[] = [];

  for (const r of input.live) {
    const tags = tagsByArn.get(r.arn) ?? {};
    const { project, team } = ownerOf(tags, ownership);
    const base = { arn: r.arn, kind: r.kind, name: r.name, tags, ownerTeam: team };
    const withProject = project === undefined ? base : { ...base, project };
    if (GOING_AWAY.has(r.status)) {
      verdicts.push({
        ...withProject,
        compliance: 'NOT_APPLICABLE',
        missing: [],
        invalid: [],
        reason: `status is ${r.status}`,
      });
      continue;
    }
    const problems = checkTags(tags, input.requirements);
    const ok = problems.missing.length === 0 && problems.invalid.length === 0;
    verdicts.push({
      ...withProject,
      ...problems,
      compliance: ok ? 'COMPLIANT' : 'NON_COMPLIANT',
      reason: ok ? 'all required tags present' : describeProblems(problems),
    });
  }

  const windowed = (kind: AuditedKind) => input.jobWindow === true && JOB_KINDS.includes(kind);
  const reported = new Set(liveArns);
  for (const t of input.tagged) {
    const kind = kindOfArn(t.arn);
    // With a job window, the tagging API also returns every older job: those that were never
    // reported need no NOT_APPLICABLE (the loop below clears the ones that were).
    if (!kind || reported.has(t.arn) || windowed(kind)) continue;
    reported.add(t.arn);
    verdicts.push(
      notApplicable(
        t.arn,
        kind,
        nameOfArn(t.arn),
        'deleted: the tagging API still lists it, SageMaker does not',
        t.tags,
        ownership,
      ),
    );
  }
  for (const arn of input.previouslyEvaluated ?? []) {
    const kind = kindOfArn(arn);
    if (!kind || reported.has(arn)) continue;
    reported.add(arn);
    verdicts.push(
      notApplicable(
        arn,
        kind,
        nameOfArn(arn),
        windowed(kind)
          ? 'out of scope: deleted, or created before the job window (jobLookbackDays)'
          : 'deleted: evaluated before, no longer exists',
        tagsByArn.get(arn) ?? {},
        ownership,
      ),
    );
  }
  return verdicts;
}

/** An evaluation as PutEvaluations takes it. */
export interface ConfigEvaluation {
  readonly ComplianceResourceType: string;
  readonly ComplianceResourceId: string;
  readonly ComplianceType: Verdict['compliance'];
  readonly Annotation: string;
  readonly OrderingTimestamp: Date;
}

/** Cut a text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Config evaluations for the verdicts, stamped with the time of the triggering notification. */
export function toEvaluations(
  verdicts: readonly Verdict[],
  orderingTimestamp: Date,
): ConfigEvaluation[] {
  return verdicts.map((v) => ({
    ComplianceResourceType: EVALUATION_RESOURCE_TYPE,
    ComplianceResourceId: v.arn,
    ComplianceType: v.compliance,
    Annotation: truncate(`${v.kind} ${v.name}: ${v.reason}`, MAX_ANNOTATION_LENGTH),
    OrderingTimestamp: orderingTimestamp,
  }));
}

/** Split a list into chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError(`chunk size must be at least 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Resources listed in one owner message; the rest are counted, the CLI lists them all. */
export const MAX_RESOURCES_PER_MESSAGE = 200;

/** One grouped message for one team. */
export interface OwnerReport {
  /** Team the message is addressed to (the SNS `team` message attribute). */
  readonly team: string;
  /** Owner teams whose resources the message lists (differs from `team` when routed to platform). */
  readonly owners: readonly string[];
  readonly subject: string;
  readonly message: string;
  readonly nonCompliant: number;
}

/**
 * One message per team listing its NON_COMPLIANT resources, grouped by project. Resources of
 * owners that cannot be emailed (no team email in the policy) go to the platform team.
 */
export function ownerReports(
  verdicts: readonly Verdict[],
  options: {
    readonly emailTeams: readonly string[];
    readonly platformTeam: string;
    readonly accountId?: string;
    readonly region?: string;
  },
): OwnerReport[] {
  const byRecipient = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    if (v.compliance !== 'NON_COMPLIANT') continue;
    const recipient = options.emailTeams.includes(v.ownerTeam) ? v.ownerTeam : options.platformTeam;
    byRecipient.set(recipient, [...(byRecipient.get(recipient) ?? []), v]);
  }
  const where = [options.accountId, options.region].filter(Boolean).join(' ');
  return [...byRecipient.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([team, items]) => {
      const owners = [...new Set(items.map((v) => v.ownerTeam))].sort();
      const byProject = new Map<string, Verdict[]>();
      for (const v of items) {
        const key = v.project ?? '(no known project)';
        byProject.set(key, [...(byProject.get(key) ?? []), v]);
      }
      const lines: string[] = [
        `${items.length} SageMaker resource${items.length === 1 ? '' : 's'} owned by ${owners.join(', ')}${where ? ` in ${where}` : ''} lack required tags.`,
        'Untagged spend is invisible to finance and out of reach of auto-stop. Add the tags below.',
        '',
      ];
      let listed = 0;
      for (const [project, list] of [...byProject.entries()].sort(([a], [b]) =>
        a.localeCompare(b),
      )) {
        lines.push(`Project ${project}:`);
        for (const v of list) {
          if (listed >= MAX_RESOURCES_PER_MESSAGE) break;
          lines.push(`  - ${v.kind} ${v.name}: ${describeProblems(v)}`, `    ${v.arn}`);
          listed++;
        }
      }
      if (listed < items.length)
        lines.push(
          '',
          `… and ${items.length - listed} more. Run \`guardrails tags audit --json\` for the full list.`,
        );
      lines.push('', 'Sent by ml-guardrails tag audit (AWS Config custom rule).');
      return {
        team,
        owners,
        subject: truncate(
          `ml-guardrails: ${items.length} resource${items.length === 1 ? '' : 's'} missing required tags (${team})`,
          // SNS email subjects must stay under 100 characters.
          99,
        ),
        message: lines.join('\n'),
        nonCompliant: items.length,
      };
    });
}

/** Counts per compliance type, for logs and metrics. */
export function summarize(verdicts: readonly Verdict[]): Record<Verdict['compliance'], number> {
  const counts = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const v of verdicts) counts[v.compliance]++;
  return counts;
}
