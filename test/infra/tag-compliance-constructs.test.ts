import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ModelArtifactBucket } from '../../lib/constructs/model-artifact-bucket';
import { RequiredTagsRule, requiredTagsParameters } from '../../lib/constructs/required-tags-rule';
import { TagAuditRule } from '../../lib/constructs/tag-audit-rule';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';

function stack(): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
}

describe('requiredTagsParameters', () => {
  it.each([
    [[{ key: 'A' }], { tag1Key: 'A' }],
    [
      [{ key: 'A', allowedValues: ['x', 'y'] }, { key: 'B' }],
      { tag1Key: 'A', tag1Value: 'x,y', tag2Key: 'B' },
    ],
    [[{ key: 'A', allowedValues: [] }], { tag1Key: 'A' }],
  ])('renders %j as %j', (tags, expected) => {
    expect(requiredTagsParameters(tags)).toEqual(expected);
  });
});

describe('RequiredTagsRule', () => {
  it('rejects an allowed value with a comma, which REQUIRED_TAGS would split', () => {
    expect(
      () =>
        new RequiredTagsRule(stack(), 'R', {
          requiredTags: [{ key: 'Env', allowedValues: ['dev,test'] }],
        }),
    ).toThrow(/requiredTags Env: allowed value "dev,test" contains a comma/);
  });

  it('rejects an empty tag list', () => {
    expect(() => new RequiredTagsRule(stack(), 'R', { requiredTags: [] })).toThrow(
      /requiredTags must list at least one tag/,
    );
  });

  it('keeps the construct ids of existing rules when tags are added (Rule1 stays Rule1)', () => {
    const s = stack();
    const rule = new RequiredTagsRule(s, 'R', {
      requiredTags: Array.from({ length: 7 }, (_, i) => ({ key: `T${i}` })),
    });
    expect(rule.rules.map((r) => r.node.id)).toEqual(['Rule1', 'Rule2']);
  });
});

describe('ModelArtifactBucket', () => {
  it('denies uploads per missing tag, one statement per configured key', () => {
    // Prepare
    const s = stack();

    // Act
    new ModelArtifactBucket(s, 'B', { requiredObjectTags: ['CostCenter', 'Project', 'Team'] });

    // Assess
    const policies = Template.fromStack(s).findResources('AWS::S3::BucketPolicy');
    const statements = Object.values(policies).flatMap(
      (p) =>
        p.Properties.PolicyDocument.Statement as {
          Effect: string;
          Condition?: { Null?: object };
        }[],
    );
    const nulls = statements.filter((st) => st.Effect === 'Deny' && st.Condition?.Null);
    expect(nulls.map((st) => st.Condition?.Null)).toEqual([
      { 's3:RequestObjectTag/CostCenter': 'true' },
      { 's3:RequestObjectTag/Project': 'true' },
      { 's3:RequestObjectTag/Team': 'true' },
    ]);
  });

  it('aborts incomplete multipart uploads (refused by the tag policy) and expires old versions', () => {
    const s = stack();
    new ModelArtifactBucket(s, 'B', { noncurrentVersionExpirationDays: 30 });
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            Status: 'Enabled',
          }),
        ],
      },
    });
  });

  it.each([
    [{ requiredObjectTags: [] }, /requiredObjectTags must list at least one tag key/],
    [{ requiredObjectTags: [' '] }, /requiredObjectTags has an empty key/],
    [
      { noncurrentVersionExpirationDays: 0 },
      /noncurrentVersionExpirationDays must be a positive integer, got 0/,
    ],
  ])('rejects %j', (props, message) => {
    expect(() => new ModelArtifactBucket(stack(), 'B', props)).toThrow(message);
  });
});

describe('TagAuditRule', () => {
  it('rejects a team listed twice', () => {
    expect(
      () =>
        new TagAuditRule(stack(), 'A', {
          policyFile: EXAMPLE_POLICY_FILE,
          ownerTeams: [
            { id: 'a', email: 'a@example.com' },
            { id: 'a', email: 'b@example.com' },
          ],
        }),
    ).toThrow(/team "a" listed twice/);
  });

  it('defaults to a daily evaluation', () => {
    const s = stack();
    new TagAuditRule(s, 'A', { policyFile: EXAMPLE_POLICY_FILE, ownerTeams: [] });
    Template.fromStack(s).hasResourceProperties('AWS::Config::ConfigRule', {
      MaximumExecutionFrequency: 'TwentyFour_Hours',
    });
  });
});
