/**
 * Tag governance: the AWS Organizations documents, derived from the policy, that stop tag
 * spoofing and self-exemption. Pure (no SDK, no clock, no files): the management account
 * attaches what this returns (`guardrails tag-compliance governance`).
 *
 * Tags decide which budget a SageMaker resource spends and whether auto-stop may touch it, so:
 * - a principal may set the project tag only to its own project (its principal tag of the same
 *   key), on create or later;
 * - nobody may change or remove the project tag of a resource that has one;
 * - only the platform team may set or remove the exemption tag key (and even then an exemption
 *   is honoured only when the policy lists it: lambdas/shared/exemption.ts);
 * - the guardrails' own roles keep the tagging they need: the min-0 endpoint-config copies and
 *   re-created endpoints carry the original resource's tags (project and exemption tag).
 *
 * AWS behaviour these statements rely on (cited from AWS documentation):
 * - SageMaker Create* calls that pass `Tags` are also authorised as `sagemaker:AddTags`
 *   (tag-on-create), and `aws:RequestTag/<key>` / `aws:TagKeys` carry the tags of the request
 *   (Service Authorization Reference, "Actions, resources, and condition keys for Amazon
 *   SageMaker"; IAM User Guide, "Controlling access to AWS resources using tags").
 * - `aws:ResourceTag/<key>` is the tag already on the resource; absent on create.
 * - A policy variable such as `${aws:PrincipalTag/Project}` that cannot be resolved may make the
 *   whole statement invalid (IAM User Guide, "IAM policy elements: Variables and tags"), so
 *   principals without the tag get their own statement (`Null` on the principal tag).
 * - A negated operator (`StringNotEquals`, `ArnNotLike`) matches when the key is missing from the
 *   request (IAM User Guide, "IAM JSON policy elements: Condition operators").
 * - An SCP document is at most 5,120 characters, a tag policy at most 10,000 ("Quotas and service
 *   limits for AWS Organizations"); tag policy syntax: "Tag policy syntax and examples"
 *   (AWS Organizations User Guide).
 */
import { deploymentNames } from '../config/naming';
import type { GuardrailsPolicy } from '../config/schema';

/** Most characters of one service control policy ("Quotas and service limits for AWS Organizations"). */
export const SCP_MAX_CHARS = 5120;
/** Most characters of one tag policy (same page). */
export const TAG_POLICY_MAX_CHARS = 10_000;
/** The principal tag that names a person's or role's team. */
export const TEAM_PRINCIPAL_TAG = 'Team';

export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action: readonly string[];
  readonly Resource: '*';
  readonly Condition: Readonly<
    Record<string, Readonly<Record<string, string | readonly string[]>>>
  >;
}

export interface ServiceControlPolicy {
  /** File and policy name, e.g. `ml-guardrails-tag-governance-1`. */
  readonly name: string;
  readonly document: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly IamStatement[];
  };
}

export interface TagPolicy {
  readonly name: string;
  readonly document: {
    readonly tags: Readonly<
      Record<
        string,
        {
          readonly tag_key: { readonly '@@assign': string };
          readonly tag_value: { readonly '@@assign': readonly string[] };
        }
      >
    >;
  };
}

export interface GovernanceOptions {
  /**
   * Role-name patterns (IAM `ArnLike` wildcards) of the guardrails' own roles, exempt where they
   * must tag. @default `<stack prefix>-*` (CloudFormation names a stack's roles `<stack>-<id>-<suffix>`)
   */
  readonly guardrailsRoleNames?: readonly string[];
  /** Role-name patterns of the platform team, besides principals tagged `Team=<paging.platformTeam>`. @default none */
  readonly platformRoleNames?: readonly string[];
}

export interface GovernanceDocuments {
  readonly projectTagKey: string;
  /** The exemption tag keys: the default and any a project sets. */
  readonly exemptionTagKeys: readonly string[];
  readonly platformTeam: string;
  /** Every project tag value the tag policy allows: the projects' ids and the guardrails' own. */
  readonly projectValues: readonly string[];
  readonly guardrailsRoleNames: readonly string[];
  readonly platformRoleNames: readonly string[];
  readonly serviceControlPolicies: readonly ServiceControlPolicy[];
  readonly tagPolicy: TagPolicy;
}

/** The characters a policy document costs: its JSON without whitespace (what Organizations counts). */
export function policySize(document: unknown): number {
  return JSON.stringify(document).length;
}

function roleArns(patterns: readonly string[]): string[] {
  // Any partition and account: one SCP serves every member account the deployment lives in.
  return patterns.map((p) => `arn:*:iam::*:role/${p}`);
}

const ROLE_NAME = /^[\w+=,.@*?-]{1,64}$/;

function checkPatterns(option: string, patterns: readonly string[]): void {
  for (const p of patterns)
    if (!ROLE_NAME.test(p))
      throw new Error(
        `${option}: "${p}" is not a role-name pattern (1-64 of letters, digits, + = , . @ _ - and the wildcards * ?)`,
      );
}

/** The deny statements, before they are packed into documents. */
export function governanceStatements(
  keys: { projectTagKey: string; exemptionTagKeys: readonly string[]; platformTeam: string },
  roles: { guardrails: readonly string[]; platform: readonly string[] },
): IamStatement[] {
  const { projectTagKey: project, exemptionTagKeys: exemption, platformTeam } = keys;
  const guardrails = roleArns(roles.guardrails);
  type Conditions = Record<string, Record<string, string | readonly string[]>>;
  const notGuardrails: Conditions =
    guardrails.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': guardrails } } : {};
  const notPlatformOrGuardrails = [...guardrails, ...roleArns(roles.platform)];
  // Create* carries the request's tags as well as AddTags (tag-on-create); denying both keeps the
  // rule whichever of the two a service checks first.
  const tagging = ['sagemaker:AddTags', 'sagemaker:Create*'];
  return [
    {
      Sid: 'DenyProjectTagOfAnotherProject',
      Effect: 'Deny',
      Action: tagging,
      Resource: '*',
      Condition: {
        Null: { [`aws:RequestTag/${project}`]: 'false' },
        StringNotEquals: { [`aws:RequestTag/${project}`]: `\${aws:PrincipalTag/${project}}` },
        ...notGuardrails,
      },
    },
    {
      Sid: 'DenyProjectTagWithoutOwnProject',
      Effect: 'Deny',
      Action: tagging,
      Resource: '*',
      Condition: {
        Null: { [`aws:RequestTag/${project}`]: 'false', [`aws:PrincipalTag/${project}`]: 'true' },
        ...notGuardrails,
      },
    },
    {
      Sid: 'DenyChangingProjectTag',
      // No exemption: the guardrails never re-tag a resource, they tag only what they create.
      Effect: 'Deny',
      Action: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
      Resource: '*',
      Condition: {
        Null: { [`aws:ResourceTag/${project}`]: 'false' },
        'ForAnyValue:StringEquals': { 'aws:TagKeys': [project] },
      },
    },
    {
      Sid: 'DenyExemptionTagOutsidePlatform',
      Effect: 'Deny',
      Action: ['sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:Create*'],
      Resource: '*',
      Condition: {
        'ForAnyValue:StringEquals': { 'aws:TagKeys': [...exemption] },
        StringNotEquals: { [`aws:PrincipalTag/${TEAM_PRINCIPAL_TAG}`]: platformTeam },
        ...(notPlatformOrGuardrails.length > 0
          ? { ArnNotLike: { 'aws:PrincipalArn': notPlatformOrGuardrails } }
          : {}),
      },
    },
  ];
}

/**
 * Pack statements into as few SCPs as fit the size limit, in order. A statement that alone is too
 * large (too many role patterns) is an error naming it.
 */
export function packStatements(
  statements: readonly IamStatement[],
  baseName: string,
  limit = SCP_MAX_CHARS,
): ServiceControlPolicy[] {
  const groups: IamStatement[][] = [];
  for (const statement of statements) {
    const single = { Version: '2012-10-17', Statement: [statement] };
    if (policySize(single) > limit)
      throw new Error(
        `statement ${statement.Sid} is ${policySize(single)} characters, more than an SCP may hold (${limit}); list fewer role patterns`,
      );
    const last = groups.at(-1);
    if (last && policySize({ Version: '2012-10-17', Statement: [...last, statement] }) <= limit)
      last.push(statement);
    else groups.push([statement]);
  }
  return groups.map((Statement, i) => ({
    name: groups.length === 1 ? baseName : `${baseName}-${i + 1}`,
    document: { Version: '2012-10-17', Statement },
  }));
}

/** The SCP(s) and the tag policy for the deployment a policy describes. */
export function governanceDocuments(
  policy: Pick<GuardrailsPolicy, 'organisation' | 'defaults' | 'projects' | 'paging'>,
  options: GovernanceOptions = {},
): GovernanceDocuments {
  const names = deploymentNames(policy.organisation.namePrefix);
  const guardrailsRoleNames = options.guardrailsRoleNames ?? [`${names.stackPrefix}-*`];
  const platformRoleNames = options.platformRoleNames ?? [];
  checkPatterns('--guardrails-role', guardrailsRoleNames);
  checkPatterns('--platform-role', platformRoleNames);
  const projectTagKey = policy.organisation.projectTagKey;
  const keys = {
    projectTagKey,
    exemptionTagKeys: [
      ...new Set([
        policy.defaults.autoStop.exemptionTag,
        ...policy.projects.map((p) => p.autoStop.exemptionTag),
      ]),
    ],
    platformTeam: policy.paging.platformTeam,
  };
  const own = policy.organisation.tags[projectTagKey];
  const projectValues = [
    ...new Set([...policy.projects.map((p) => p.id), ...(own !== undefined ? [own] : [])]),
  ].sort();
  const tagPolicy: TagPolicy = {
    name: `${names.prefix}-project-tag`,
    document: {
      tags: {
        // The policy key is the tag key in lower case; tag_key fixes its capitalisation.
        [projectTagKey.toLowerCase()]: {
          tag_key: { '@@assign': projectTagKey },
          tag_value: { '@@assign': projectValues },
        },
      },
    },
  };
  if (policySize(tagPolicy.document) > TAG_POLICY_MAX_CHARS)
    throw new Error(
      `the tag policy is ${policySize(tagPolicy.document)} characters, more than AWS Organizations accepts (${TAG_POLICY_MAX_CHARS})`,
    );
  return {
    ...keys,
    projectValues,
    guardrailsRoleNames,
    platformRoleNames,
    serviceControlPolicies: packStatements(
      governanceStatements(keys, { guardrails: guardrailsRoleNames, platform: platformRoleNames }),
      `${names.prefix}-tag-governance`,
    ),
    tagPolicy,
  };
}
