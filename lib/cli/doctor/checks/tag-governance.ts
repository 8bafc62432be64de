import {
  DescribeEffectivePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
} from '@aws-sdk/client-organizations';
import { awsErrorName, errorMessage } from '../../../../lambdas/shared/errors';
import { retry } from '../../../../lambdas/shared/retry';
import { governanceDocuments } from '../../../tag-compliance/governance';
import type { DoctorCheck, DoctorContext, Finding } from '../types';

/**
 * Errors that mean "this identity cannot see the organisation's policies", not "the guard is
 * missing": ListPoliciesForTarget and ListParents answer only the management account or a
 * delegated administrator (AWS Organizations API Reference, ListPoliciesForTarget: "This
 * operation can be called only from the organization's management account or by a member account
 * that is a delegated administrator").
 */
const CANNOT_SEE = new Set(['AccessDeniedException', 'AccessDenied']);

/** Names of the SCPs attached to the account and to every OU and root above it. */
async function attachedScpNames(
  ctx: DoctorContext,
  organizations: NonNullable<DoctorContext['clients']['organizations']>,
): Promise<Set<string>> {
  const names = new Set<string>();
  let target: string | undefined = ctx.accountId;
  // An organisation is at most five OUs deep below the root ("Quotas for AWS Organizations").
  for (let depth = 0; target !== undefined && depth < 8; depth++) {
    let token: string | undefined;
    do {
      const page = await retry(
        () =>
          organizations.send(
            new ListPoliciesForTargetCommand({
              TargetId: target,
              Filter: 'SERVICE_CONTROL_POLICY',
              NextToken: token,
            }),
          ),
        ctx.retry,
      );
      for (const p of page.Policies ?? []) if (p.Name) names.add(p.Name);
      token = page.NextToken || undefined;
    } while (token);
    const parents = await retry(
      () => organizations.send(new ListParentsCommand({ ChildId: target })),
      ctx.retry,
    );
    const parent = parents.Parents?.[0];
    target = parent && parent.Type !== undefined && parent.Id ? parent.Id : undefined;
  }
  return names;
}

/** `x` or `{ "@@assign": x }`: effective policies may show values with or without the operator. */
function assigned(value: unknown): unknown {
  return value && typeof value === 'object' && '@@assign' in value
    ? (value as { '@@assign': unknown })['@@assign']
    : value;
}

/**
 * Whether the tag-governance SCP and tag policy (`guardrails tag-compliance governance`) apply to
 * the account. The effective tag policy is readable from a member account
 * (DescribeEffectivePolicy); the SCPs only from the management account, so a member account gets
 * an informational "cannot check", never a blocking finding.
 */
export const tagGovernanceCheck: DoctorCheck = {
  name: 'tag-governance',
  description: 'the tag-governance SCP and tag policy apply to this account',
  async run(ctx) {
    const organizations = ctx.clients.organizations;
    const expected = governanceDocuments(ctx.policy);
    const finding = (problem: string, fix: string): Finding => ({
      check: this.name,
      severity: 'warning',
      problem,
      fix,
    });
    const generate =
      '`guardrails tag-compliance governance --output org/` (docs/tag-compliance.md, "Tag governance")';
    if (!organizations) return [];
    const findings: Finding[] = [];

    try {
      const names = await attachedScpNames(ctx, organizations);
      const base = expected.serviceControlPolicies[0]?.name.replace(/-1$/, '') ?? '';
      const found = [...names].some((n) => n === base || n.startsWith(`${base}-`));
      if (!found)
        findings.push(
          finding(
            `no SCP named ${base} applies to account ${ctx.accountId}: anyone may set the project tag to another project, or the exemption tag`,
            `from the management account, create the SCP(s) from ${generate} and attach them to this account or an OU above it`,
          ),
        );
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'AWSOrganizationsNotInUseException')
        return [
          finding(
            `account ${ctx.accountId} is not in an AWS Organization: no SCP can stop tag spoofing or self-exemption`,
            'join an organization and attach the tag-governance SCP, or accept the risk (docs/threat-model.md)',
          ),
        ];
      if (!name || !CANNOT_SEE.has(name)) throw err;
      findings.push(
        finding(
          `cannot tell whether the tag-governance SCP applies (only the management account may list SCPs: ${errorMessage(err)})`,
          `run doctor with management-account credentials, or confirm with its administrators that the SCP from ${generate} is attached`,
        ),
      );
    }

    try {
      const effective = await retry(
        () =>
          organizations.send(
            new DescribeEffectivePolicyCommand({
              PolicyType: 'TAG_POLICY',
              TargetId: ctx.accountId,
            }),
          ),
        ctx.retry,
      );
      const content = JSON.parse(effective.EffectivePolicy?.PolicyContent ?? '{}') as {
        tags?: Record<string, { tag_key?: unknown; tag_value?: unknown }>;
      };
      const rule = content.tags?.[expected.projectTagKey.toLowerCase()];
      const values = assigned(rule?.tag_value);
      const missing = Array.isArray(values)
        ? expected.projectValues.filter((v) => !values.includes(v))
        : expected.projectValues;
      if (!rule)
        findings.push(
          finding(
            `the effective tag policy has no rule for ${expected.projectTagKey}`,
            `attach the tag policy from ${generate}`,
          ),
        );
      else if (missing.length > 0)
        findings.push(
          finding(
            `the effective tag policy does not allow ${expected.projectTagKey} value(s) ${missing.join(', ')}`,
            `regenerate the tag policy with ${generate} and update it in the management account`,
          ),
        );
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'EffectivePolicyNotFoundException')
        findings.push(
          finding(
            `no tag policy applies to account ${ctx.accountId}`,
            `attach the tag policy from ${generate}`,
          ),
        );
      else if (name === 'AWSOrganizationsNotInUseException') return findings;
      else if (name && CANNOT_SEE.has(name))
        findings.push(
          finding(
            `cannot read the effective tag policy: ${errorMessage(err)}`,
            'allow organizations:DescribeEffectivePolicy to the identity doctor runs as',
          ),
        );
      else throw err;
    }
    return findings;
  },
};
