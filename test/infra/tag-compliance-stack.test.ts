import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { buildTestApp, examplePolicy, TEST_ENV } from '../helpers/app';
import { nagFindings } from '../helpers/nag';

function withTags(
  tags: { key: string; allowedValues?: string[] }[],
  extra: Partial<GuardrailsPolicy['tagCompliance']> = {},
): GuardrailsPolicy {
  const base = examplePolicy();
  const keys = tags.map((t) => t.key);
  return {
    ...base,
    organisation: {
      ...base.organisation,
      requiredTags: tags,
      // The app's own resources must carry every required tag (RequiredTagsChecker).
      tags: Object.fromEntries(keys.map((k) => [k, base.organisation.tags[k] ?? 'x'])),
    },
    tagCompliance: { ...base.tagCompliance, ...extra },
  };
}

function template(policy?: GuardrailsPolicy): Template {
  const { tagCompliance } = buildTestApp(policy ? { policy } : {});
  return Template.fromStack(tagCompliance);
}

const REQUIRED_TAGS_SOURCE = { Owner: 'AWS', SourceIdentifier: 'REQUIRED_TAGS' };

describe('TagComplianceStack: managed REQUIRED_TAGS rules', () => {
  it.each([
    [1, 1],
    [6, 1],
    [7, 2],
    [12, 2],
    [13, 3],
  ])('creates ceil(%i required tags / 6) = %i managed rules', (count, rules) => {
    // Prepare
    const policy = withTags(Array.from({ length: count }, (_, i) => ({ key: `Tag${i + 1}` })));

    // Act
    const t = template(policy);

    // Assess
    const managed = t.findResources('AWS::Config::ConfigRule', {
      Properties: { Source: REQUIRED_TAGS_SOURCE },
    });
    expect(Object.keys(managed)).toHaveLength(rules);
  });

  it('puts tag1..6Key in the first rule and the seventh tag as tag1Key of the second, with comma-separated allowed values', () => {
    // Prepare: the example policy has 7 required tags, Environment/Team/ManagedBy with allowed values.
    const t = template();

    // Assess
    t.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: REQUIRED_TAGS_SOURCE,
      InputParameters: {
        tag1Key: 'Environment',
        tag1Value: 'dev,staging,prod',
        tag2Key: 'Project',
        tag3Key: 'CostCenter',
        tag4Key: 'Team',
        tag4Value: 'platform,data-science,ml-engineering,ml-revenue-oncall',
        tag5Key: 'ModelName',
        tag6Key: 'ManagedBy',
        tag6Value: 'ml-guardrails,terraform,cdk,sagemaker-pipelines,manual',
      },
    });
    t.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: REQUIRED_TAGS_SOURCE,
      InputParameters: { tag1Key: 'CreatedBy' },
    });
  });

  it('omits tagNValue for tags without allowed values', () => {
    const t = template();
    const rules = t.findResources('AWS::Config::ConfigRule', {
      Properties: { Source: REQUIRED_TAGS_SOURCE },
    });
    for (const rule of Object.values(rules)) {
      const params = rule.Properties.InputParameters as Record<string, string>;
      expect(params.tag2Value).toBeUndefined();
    }
  });

  it('scopes the managed rules to recorded types, including the SageMaker types Config records with tags', () => {
    template().hasResourceProperties('AWS::Config::ConfigRule', {
      Source: REQUIRED_TAGS_SOURCE,
      Scope: {
        ComplianceResourceTypes: [
          'AWS::S3::Bucket',
          'AWS::Lambda::Function',
          'AWS::DynamoDB::Table',
          'AWS::ECR::Repository',
          'AWS::SageMaker::NotebookInstance',
          'AWS::SageMaker::Model',
          'AWS::SageMaker::EndpointConfig',
        ],
      },
    });
  });

  it('does not scope the managed rules to SageMaker types Config does not record', () => {
    const rules = template().findResources('AWS::Config::ConfigRule', {
      Properties: { Source: REQUIRED_TAGS_SOURCE },
    });
    const types = Object.values(rules).flatMap(
      (r) => r.Properties.Scope.ComplianceResourceTypes as string[],
    );
    for (const t of ['AWS::SageMaker::TrainingJob', 'AWS::SageMaker::Endpoint'])
      expect(types).not.toContain(t);
  });
});

describe('TagComplianceStack: periodic custom rule', () => {
  it('wires a CUSTOM_LAMBDA rule with a ScheduledNotification at the policy frequency', () => {
    // Prepare
    const t = template(
      withTags(examplePolicy().organisation.requiredTags, { auditFrequency: 'Six_Hours' }),
    );

    // Assess
    t.hasResourceProperties('AWS::Config::ConfigRule', {
      ConfigRuleName: 'ml-guardrails-sagemaker-required-tags',
      MaximumExecutionFrequency: 'Six_Hours',
      Source: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TagAuditFunction'), 'Arn'] },
        SourceDetails: [
          {
            EventSource: 'aws.config',
            MessageType: 'ScheduledNotification',
            MaximumExecutionFrequency: 'Six_Hours',
          },
        ],
      },
    });
  });

  it('lets only config.amazonaws.com from this account invoke the function', () => {
    template().hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'config.amazonaws.com',
      SourceAccount: TEST_ENV.account,
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TagAuditFunction'), 'Arn'] },
    });
  });

  it('creates the rule after the invoke permission', () => {
    const t = template();
    const [ruleId] = Object.keys(
      t.findResources('AWS::Config::ConfigRule', {
        Properties: { ConfigRuleName: 'ml-guardrails-sagemaker-required-tags' },
      }),
    );
    const [permissionId] = Object.keys(t.findResources('AWS::Lambda::Permission'));
    const rule = t.toJSON().Resources[ruleId ?? ''];
    expect(rule.DependsOn).toContain(permissionId);
  });

  it('grants exactly the listing, tagging and Config actions the adapters export', () => {
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Resource: '*',
            Action: [
              'sagemaker:ListTrainingJobs',
              'sagemaker:ListProcessingJobs',
              'sagemaker:ListTransformJobs',
              'sagemaker:ListHyperParameterTuningJobs',
              'sagemaker:ListEndpoints',
              'sagemaker:ListInferenceComponents',
              'sagemaker:ListTags',
              'tag:GetResources',
              'config:PutEvaluations',
              'config:GetComplianceDetailsByConfigRule',
            ],
          }),
        ]),
      },
    });
  });

  it('runs the function with the owner topic ARN, 15 minutes timeout and the bundled policy', () => {
    template().hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      MemorySize: 1024,
      Environment: {
        Variables: Match.objectLike({
          OWNER_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^TagAuditOwnerTopic') },
          GUARDRAILS_POLICY_FILE: '/var/task/guardrails-policy.json',
        }),
      },
    });
  });
});

describe('TagComplianceStack: owner notifications', () => {
  it('encrypts the owner topic with a customer-managed key', () => {
    template().hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TagAuditOwnerTopicKey'), 'Arn'] },
    });
  });

  it.each(
    examplePolicy()
      .teams.filter((t) => t.email)
      .map((t) => [t.id, t.email]),
  )('subscribes team %s (%s) with a filter policy on the team attribute', (team, email) => {
    template().hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: email,
      FilterPolicy: { team: [team] },
    });
  });
});

describe('TagComplianceStack: model-artifact bucket', () => {
  it('is KMS-encrypted, versioned, logged and blocks public access', () => {
    template().hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
          }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'model-artifacts/' }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it.each(['CostCenter', 'Project'])(
    'denies s3:PutObject when the %s object tag is missing (Null on s3:RequestObjectTag)',
    (key) => {
      template().hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:PutObject',
              Condition: { Null: { [`s3:RequestObjectTag/${key}`]: 'true' } },
            }),
          ]),
        },
      });
    },
  );

  it('denies non-TLS requests', () => {
    template().hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('is not created when the policy turns it off', () => {
    const base = examplePolicy();
    const t = template(
      withTags(base.organisation.requiredTags, {
        modelArtifactBucket: { ...base.tagCompliance.modelArtifactBucket, create: false },
      }),
    );
    t.resourcePropertiesCountIs(
      'AWS::S3::Bucket',
      { VersioningConfiguration: { Status: 'Enabled' }, LoggingConfiguration: Match.anyValue() },
      0,
    );
  });
});

describe('TagComplianceStack: configuration recorder', () => {
  it('creates no recorder by default (most accounts have one)', () => {
    const t = template();
    t.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    t.resourceCountIs('AWS::Config::DeliveryChannel', 0);
  });

  it('creates a recorder and delivery channel when opted in, before the rules', () => {
    // Prepare
    const t = template(
      withTags(examplePolicy().organisation.requiredTags, { createConfigRecorder: true }),
    );

    // Assess
    t.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false },
    });
    t.resourceCountIs('AWS::Config::DeliveryChannel', 1);
    const [channelId] = Object.keys(t.findResources('AWS::Config::DeliveryChannel'));
    const rules = t.findResources('AWS::Config::ConfigRule');
    for (const rule of Object.values(rules)) expect(rule.DependsOn).toContain(channelId);
  });
});

describe('TagComplianceStack: cdk-nag', () => {
  it('has no unacknowledged AwsSolutions findings', () => {
    const { app } = buildTestApp();
    expect(nagFindings(app).filter((f) => f.includes('TagCompliance'))).toEqual([]);
  });

  it('has no unacknowledged findings with the recorder opted in', () => {
    const { app } = buildTestApp({
      policy: withTags(examplePolicy().organisation.requiredTags, { createConfigRecorder: true }),
    });
    expect(nagFindings(app).filter((f) => f.includes('TagCompliance'))).toEqual([]);
  });
});

describe('TagComplianceStack: snapshot', () => {
  it('matches the reviewed template (asset hashes normalised)', () => {
    const json = JSON.stringify(template().toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '<asset>');
    expect(JSON.parse(json)).toMatchSnapshot();
  });
});
