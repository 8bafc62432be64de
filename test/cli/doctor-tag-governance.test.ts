import {
  DescribeEffectivePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { tagGovernanceCheck } from '../../lib/cli/doctor/checks/tag-governance';
import type { DoctorContext } from '../../lib/cli/doctor/types';
import { policyNames } from '../../lib/config/naming';
import { governanceDocuments } from '../../lib/tag-compliance/governance';
import { examplePolicy } from '../helpers/app';

const orgs = mockClient(OrganizationsClient);
const ACCOUNT = '111122223333';
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

function ctx(withOrganizations = true): DoctorContext {
  const policy = examplePolicy();
  return {
    clients: {
      ...({} as Omit<DoctorContext['clients'], 'organizations'>),
      ...(withOrganizations ? { organizations: new OrganizationsClient({}) } : {}),
    },
    policy,
    names: policyNames(policy),
    accountId: ACCOUNT,
    region: 'eu-west-1',
    partition: 'aws',
    retry: { sleep: async () => {} },
  };
}

const tagPolicyContent = (values: readonly string[]) =>
  JSON.stringify({ tags: { project: { tag_key: 'Project', tag_value: values } } });

/** Account in OU ou-1 under root r-1; the SCP attached to the OU, on the second (paginated) page. */
function organisation(scpOn: 'ou' | 'none') {
  orgs
    .on(ListPoliciesForTargetCommand, { TargetId: ACCOUNT })
    .resolves({ Policies: [{ Name: 'FullAWSAccess' }] });
  orgs
    .on(ListPoliciesForTargetCommand, { TargetId: 'ou-1' })
    .resolvesOnce({ Policies: [], NextToken: 'p2' })
    .resolves({ Policies: scpOn === 'ou' ? [{ Name: 'ml-guardrails-tag-governance' }] : [] });
  orgs.on(ListPoliciesForTargetCommand, { TargetId: 'r-1' }).resolves({ Policies: [] });
  orgs
    .on(ListParentsCommand, { ChildId: ACCOUNT })
    .resolves({ Parents: [{ Id: 'ou-1', Type: 'ORGANIZATIONAL_UNIT' }] });
  orgs
    .on(ListParentsCommand, { ChildId: 'ou-1' })
    .resolves({ Parents: [{ Id: 'r-1', Type: 'ROOT' }] });
  orgs.on(ListParentsCommand, { ChildId: 'r-1' }).resolves({ Parents: [] });
}

describe('doctor: tag-governance', () => {
  beforeEach(() => orgs.reset());

  it('finds nothing when the SCP applies through an OU (second page) and the tag policy allows every project', async () => {
    // Prepare
    organisation('ou');
    orgs.on(DescribeEffectivePolicyCommand).resolves({
      EffectivePolicy: {
        PolicyContent: tagPolicyContent(governanceDocuments(examplePolicy()).projectValues),
      },
    });
    // Act
    const findings = await tagGovernanceCheck.run(ctx());
    // Assess
    expect(findings).toEqual([]);
    expect(
      orgs.commandCalls(ListPoliciesForTargetCommand, { TargetId: 'ou-1', NextToken: 'p2' }),
    ).toHaveLength(1);
  });

  it('warns when no tag-governance SCP applies anywhere above the account', async () => {
    // Prepare
    organisation('none');
    orgs.on(DescribeEffectivePolicyCommand).resolves({
      EffectivePolicy: {
        PolicyContent: tagPolicyContent(governanceDocuments(examplePolicy()).projectValues),
      },
    });
    // Act
    const findings = await tagGovernanceCheck.run(ctx());
    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warning');
    expect(findings[0]?.problem).toContain(
      'no SCP named ml-guardrails-tag-governance applies to account 111122223333',
    );
  });

  it('from a member account (AccessDenied) says it cannot check, as a warning, never blocking', async () => {
    // Prepare
    orgs
      .on(ListPoliciesForTargetCommand)
      .rejects(
        named('AccessDeniedException', "You don't have permissions to access this resource."),
      );
    orgs.on(DescribeEffectivePolicyCommand).resolves({
      EffectivePolicy: {
        PolicyContent: tagPolicyContent(governanceDocuments(examplePolicy()).projectValues),
      },
    });
    // Act
    const findings = await tagGovernanceCheck.run(ctx());
    // Assess
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0]?.problem).toMatch(/^cannot tell whether the tag-governance SCP applies/);
  });

  it('warns when the effective tag policy is missing or lacks a project value', async () => {
    // Prepare
    organisation('ou');
    orgs.on(DescribeEffectivePolicyCommand).resolves({
      EffectivePolicy: {
        PolicyContent: JSON.stringify({
          tags: {
            project: {
              tag_key: { '@@assign': 'Project' },
              tag_value: { '@@assign': ['fraud-detection'] },
            },
          },
        }),
      },
    });
    // Act
    const findings = await tagGovernanceCheck.run(ctx());
    // Assess
    expect(findings.map((f) => f.problem)).toEqual([
      'the effective tag policy does not allow Project value(s) churn-prediction, ml-guardrails, real-time-bidding',
    ]);
  });

  it('reports when no tag policy applies (EffectivePolicyNotFoundException)', async () => {
    organisation('ou');
    orgs.on(DescribeEffectivePolicyCommand).rejects(named('EffectivePolicyNotFoundException'));
    const findings = await tagGovernanceCheck.run(ctx());
    expect(findings.map((f) => f.problem)).toEqual([
      'no tag policy applies to account 111122223333',
    ]);
  });

  it('says once that an account outside any organisation has no guard', async () => {
    orgs.on(ListPoliciesForTargetCommand).rejects(named('AWSOrganizationsNotInUseException'));
    const findings = await tagGovernanceCheck.run(ctx());
    expect(findings).toHaveLength(1);
    expect(findings[0]?.problem).toContain('is not in an AWS Organization');
    expect(orgs.commandCalls(DescribeEffectivePolicyCommand)).toHaveLength(0);
  });

  it('retries throttling, then succeeds', async () => {
    organisation('ou');
    orgs
      .on(DescribeEffectivePolicyCommand)
      .rejectsOnce(named('TooManyRequestsException'))
      .resolves({
        EffectivePolicy: {
          PolicyContent: tagPolicyContent(governanceDocuments(examplePolicy()).projectValues),
        },
      });
    const findings = await tagGovernanceCheck.run(ctx());
    expect(findings).toEqual([]);
    expect(orgs.commandCalls(DescribeEffectivePolicyCommand)).toHaveLength(2);
  });

  it('lets an unexpected error through (doctor reports the check as unable to run)', async () => {
    orgs.on(ListPoliciesForTargetCommand).rejects(named('ServiceException'));
    await expect(tagGovernanceCheck.run(ctx())).rejects.toThrow('ServiceException');
  });

  it('is skipped without an Organizations client', async () => {
    expect(await tagGovernanceCheck.run(ctx(false))).toEqual([]);
  });
});
