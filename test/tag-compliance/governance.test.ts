import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lib/config/load';
import {
  type GovernanceDocuments,
  governanceDocuments,
  type IamStatement,
  packStatements,
  policySize,
  SCP_MAX_CHARS,
} from '../../lib/tag-compliance/governance';
import { examplePolicy } from '../helpers/app';
import { editedExample, policyWithProjects } from '../helpers/policy-factory';
import { denyingStatements, type RequestContext } from '../helpers/scp-evaluator';

const ACCOUNT = '111122223333';
const USER = `arn:aws:iam::${ACCOUNT}:role/data-scientist`;
const GUARDRAILS = `arn:aws:iam::${ACCOUNT}:role/MlGuardrails-AutoStop-AutoStopFunctionServiceRole-1A2B3C`;
/** The IAM policy variable, spelled as IAM reads it (not a template literal). */
const principalTag = (key: string) => ['${', `aws:PrincipalTag/${key}`, '}'].join('');
const PLATFORM_ROLE = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;

function statementsOf(docs: GovernanceDocuments): IamStatement[] {
  return docs.serviceControlPolicies.flatMap((p) => [...p.document.Statement]);
}

describe('governanceDocuments: the statements', () => {
  const docs = governanceDocuments(examplePolicy());
  const bySid = new Map(statementsOf(docs).map((s) => [s.Sid, s]));

  it.each([
    [
      'DenyProjectTagOfAnotherProject',
      ['sagemaker:AddTags', 'sagemaker:Create*'],
      {
        Null: { 'aws:RequestTag/Project': 'false' },
        StringNotEquals: { 'aws:RequestTag/Project': principalTag('Project') },
        ArnNotLike: { 'aws:PrincipalArn': ['arn:*:iam::*:role/MlGuardrails-*'] },
      },
    ],
    [
      'DenyProjectTagWithoutOwnProject',
      ['sagemaker:AddTags', 'sagemaker:Create*'],
      {
        Null: { 'aws:RequestTag/Project': 'false', 'aws:PrincipalTag/Project': 'true' },
        ArnNotLike: { 'aws:PrincipalArn': ['arn:*:iam::*:role/MlGuardrails-*'] },
      },
    ],
    [
      'DenyChangingProjectTag',
      ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
      {
        Null: { 'aws:ResourceTag/Project': 'false' },
        'ForAnyValue:StringEquals': { 'aws:TagKeys': ['Project'] },
      },
    ],
    [
      'DenyExemptionTagOutsidePlatform',
      ['sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:Create*'],
      {
        'ForAnyValue:StringEquals': { 'aws:TagKeys': ['ml-guardrails:exempt'] },
        StringNotEquals: { 'aws:PrincipalTag/Team': 'platform' },
        ArnNotLike: { 'aws:PrincipalArn': ['arn:*:iam::*:role/MlGuardrails-*'] },
      },
    ],
  ])('%s denies %j under exactly its conditions', (sid, actions, condition) => {
    // Prepare / Act
    const statement = bySid.get(sid);

    // Assess
    expect(statement).toEqual({
      Sid: sid,
      Effect: 'Deny',
      Action: actions,
      Resource: '*',
      Condition: condition,
    });
  });

  it('puts all four statements in one SCP under the 5,120-character limit for the example policy', () => {
    expect(docs.serviceControlPolicies).toHaveLength(1);
    expect(docs.serviceControlPolicies[0]?.name).toBe('ml-guardrails-tag-governance');
    expect(bySid.size).toBe(4);
    expect(policySize(docs.serviceControlPolicies[0]?.document)).toBeLessThanOrEqual(SCP_MAX_CHARS);
  });

  it('follows the policy: project tag key, exemption tags of the projects, platform team, name prefix', () => {
    // Prepare
    const policy = parsePolicy(
      editedExample(
        [['organisation', 'projectTagKey'], 'CostProject'],
        [['organisation', 'requiredTags', 1, 'key'], 'CostProject'],
        [['organisation', 'tags', 'Project'], undefined, 'delete'],
        [['organisation', 'tags', 'CostProject'], 'ml-guardrails'],
        [['organisation', 'namePrefix'], 'staging'],
        [['paging', 'platformTeam'], 'data-science'],
        [['projects', 0, 'autoStop', 'exemptionTag'], 'fraud:keep-running'],
      ),
    );

    // Act
    const statements = statementsOf(governanceDocuments(policy));

    // Assess
    const json = JSON.stringify(statements);
    expect(json).toContain(`"aws:RequestTag/CostProject":"${principalTag('CostProject')}"`);
    expect(json).toContain('"aws:ResourceTag/CostProject":"false"');
    expect(json).toContain('arn:*:iam::*:role/Staging-*');
    const exemption = statements.find((s) => s.Sid === 'DenyExemptionTagOutsidePlatform');
    expect(exemption?.Condition['ForAnyValue:StringEquals']).toEqual({
      'aws:TagKeys': ['ml-guardrails:exempt', 'fraud:keep-running'],
    });
    expect(exemption?.Condition.StringNotEquals).toEqual({
      'aws:PrincipalTag/Team': 'data-science',
    });
  });

  it('exempts configured platform role patterns from the exemption-tag rule only', () => {
    // Act
    const statements = statementsOf(
      governanceDocuments(examplePolicy(), { platformRoleNames: ['platform-*'] }),
    );

    // Assess
    const arns = (sid: string) =>
      statements.find((s) => s.Sid === sid)?.Condition.ArnNotLike?.['aws:PrincipalArn'];
    expect(arns('DenyExemptionTagOutsidePlatform')).toEqual([
      'arn:*:iam::*:role/MlGuardrails-*',
      'arn:*:iam::*:role/platform-*',
    ]);
    expect(arns('DenyProjectTagOfAnotherProject')).toEqual(['arn:*:iam::*:role/MlGuardrails-*']);
  });

  it('rejects a role pattern IAM cannot hold, naming the option', () => {
    expect(() =>
      governanceDocuments(examplePolicy(), { platformRoleNames: ['platform admins'] }),
    ).toThrow('--platform-role: "platform admins" is not a role-name pattern');
  });
});

describe('governanceDocuments: the tag policy', () => {
  it("allows exactly the projects' ids and the guardrails' own project value", () => {
    // Act
    const docs = governanceDocuments(examplePolicy());

    // Assess
    expect(docs.tagPolicy).toEqual({
      name: 'ml-guardrails-project-tag',
      document: {
        tags: {
          project: {
            tag_key: { '@@assign': 'Project' },
            tag_value: {
              '@@assign': [
                'churn-prediction',
                'fraud-detection',
                'ml-guardrails',
                'real-time-bidding',
              ],
            },
          },
        },
      },
    });
  });

  it('refuses a tag policy over the 10,000-character limit, saying so', () => {
    // Prepare: 600 projects of ~17-character ids is more than 10,000 characters of values.
    const policy = parsePolicy(policyWithProjects(600, 'a-long-project-id'));

    // Act / Assess
    expect(() => governanceDocuments(policy)).toThrow(/tag policy is \d+ characters, more than/);
  });
});

describe('packStatements: the SCP size limit', () => {
  it('splits statements over several SCPs, each under the limit, in order', () => {
    // Prepare: many guardrails role patterns make the statements large.
    const patterns = Array.from({ length: 40 }, (_, i) => `MlGuardrails-Copy${i}-*`);

    // Act
    const docs = governanceDocuments(examplePolicy(), { guardrailsRoleNames: patterns });

    // Assess
    expect(docs.serviceControlPolicies.length).toBeGreaterThan(1);
    expect(docs.serviceControlPolicies.map((p) => p.name)).toEqual(
      docs.serviceControlPolicies.map((_, i) => `ml-guardrails-tag-governance-${i + 1}`),
    );
    for (const p of docs.serviceControlPolicies)
      expect(policySize(p.document)).toBeLessThanOrEqual(SCP_MAX_CHARS);
    expect(statementsOf(docs).map((s) => s.Sid)).toEqual([
      'DenyProjectTagOfAnotherProject',
      'DenyProjectTagWithoutOwnProject',
      'DenyChangingProjectTag',
      'DenyExemptionTagOutsidePlatform',
    ]);
  });

  it('refuses a statement that alone exceeds the limit, naming it', () => {
    // Prepare
    const patterns = Array.from({ length: 200 }, (_, i) => `MlGuardrails-Copy${i}-*`);

    // Act / Assess
    expect(() => governanceDocuments(examplePolicy(), { guardrailsRoleNames: patterns })).toThrow(
      /statement DenyProjectTagOfAnotherProject is \d+ characters, more than an SCP may hold \(5120\)/,
    );
  });

  it('counts the size as Organizations does: the JSON without whitespace', () => {
    const statement = statementsOf(governanceDocuments(examplePolicy()))[0] as IamStatement;
    const [one] = packStatements([statement], 'x');
    expect(policySize(one?.document)).toBe(
      JSON.stringify({ Version: '2012-10-17', Statement: [statement] }).length,
    );
  });
});

/**
 * The threats, as requests the SCP must deny or allow (the evaluator follows the IAM User Guide's
 * condition semantics). Each would pass (not be denied) without the statement that closes it.
 */
describe('tag governance threats', () => {
  const statements = statementsOf(
    governanceDocuments(examplePolicy(), { platformRoleNames: ['platform-admin'] }),
  );
  const fraudScientist = { Project: 'fraud-detection', Team: 'ml-engineering' };

  it.each<[string, RequestContext, string[]]>([
    [
      'spoofing on create: a training job tagged with another project',
      {
        action: 'sagemaker:CreateTrainingJob',
        principalArn: USER,
        principalTags: fraudScientist,
        requestTags: { Project: 'churn-prediction' },
      },
      ['DenyProjectTagOfAnotherProject'],
    ],
    [
      'spoofing by AddTags on an untagged resource',
      {
        action: 'sagemaker:AddTags',
        principalArn: USER,
        principalTags: fraudScientist,
        requestTags: { Project: 'churn-prediction' },
      },
      ['DenyProjectTagOfAnotherProject'],
    ],
    [
      'spoofing by a principal without a project tag',
      {
        action: 'sagemaker:CreateTrainingJob',
        principalArn: USER,
        principalTags: { Team: 'data-science' },
        requestTags: { Project: 'churn-prediction' },
      },
      ['DenyProjectTagWithoutOwnProject'],
    ],
    [
      "moving a resource to another project's budget",
      {
        action: 'sagemaker:AddTags',
        principalArn: USER,
        principalTags: { Project: 'churn-prediction' },
        requestTags: { Project: 'churn-prediction' },
        resourceTags: { Project: 'fraud-detection' },
      },
      ['DenyChangingProjectTag'],
    ],
    [
      'removing the project tag',
      {
        action: 'sagemaker:DeleteTags',
        principalArn: USER,
        principalTags: fraudScientist,
        removedKeys: ['Project'],
        resourceTags: { Project: 'fraud-detection' },
      },
      ['DenyChangingProjectTag'],
    ],
    [
      'self-exemption on create',
      {
        action: 'sagemaker:CreateTrainingJob',
        principalArn: USER,
        principalTags: fraudScientist,
        requestTags: { Project: 'fraud-detection', 'ml-guardrails:exempt': 'EXC-2026-014' },
      },
      ['DenyExemptionTagOutsidePlatform'],
    ],
    [
      'self-exemption by AddTags',
      {
        action: 'sagemaker:AddTags',
        principalArn: USER,
        principalTags: fraudScientist,
        requestTags: { 'ml-guardrails:exempt': 'EXC-2026-014' },
        resourceTags: { Project: 'fraud-detection' },
      },
      ['DenyExemptionTagOutsidePlatform'],
    ],
    [
      'an exemption set by a principal without a team tag',
      {
        action: 'sagemaker:AddTags',
        principalArn: USER,
        requestTags: { 'ml-guardrails:exempt': 'EXC-2026-014' },
      },
      ['DenyExemptionTagOutsidePlatform'],
    ],
  ])('denies %s', (_name, request, denied) => {
    expect(denyingStatements(statements, request)).toEqual(denied);
  });

  it.each<[string, RequestContext]>([
    [
      'a job tagged with the creator’s own project',
      {
        action: 'sagemaker:CreateTrainingJob',
        principalArn: USER,
        principalTags: fraudScientist,
        requestTags: { Project: 'fraud-detection', Team: 'ml-engineering' },
      },
    ],
    [
      'other tags on a project resource',
      {
        action: 'sagemaker:AddTags',
        principalArn: USER,
        principalTags: fraudScientist,
        requestTags: { ModelName: 'fraud_detection' },
        resourceTags: { Project: 'fraud-detection' },
      },
    ],
    [
      'the platform team (principal tag) setting an approved exemption',
      {
        action: 'sagemaker:AddTags',
        principalArn: USER,
        principalTags: { Project: 'ml-guardrails', Team: 'platform' },
        requestTags: { 'ml-guardrails:exempt': 'EXC-2026-014' },
        resourceTags: { Project: 'fraud-detection' },
      },
    ],
    [
      'a platform role (configured pattern) removing an exemption',
      {
        action: 'sagemaker:DeleteTags',
        principalArn: PLATFORM_ROLE,
        removedKeys: ['ml-guardrails:exempt'],
        resourceTags: { Project: 'fraud-detection' },
      },
    ],
    [
      "the guardrails copying an endpoint config with the original's project and exemption tags",
      {
        action: 'sagemaker:CreateEndpointConfig',
        principalArn: GUARDRAILS,
        requestTags: { Project: 'fraud-detection', 'ml-guardrails:exempt': 'EXC-2026-014' },
      },
    ],
    [
      'the guardrails re-creating a parked endpoint with its tags (tag-on-create AddTags)',
      {
        action: 'sagemaker:AddTags',
        principalArn: GUARDRAILS,
        requestTags: { Project: 'churn-prediction' },
      },
    ],
  ])('allows %s', (_name, request) => {
    expect(denyingStatements(statements, request)).toEqual([]);
  });
});
