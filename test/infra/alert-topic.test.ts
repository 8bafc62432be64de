import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AlertTopic, TopicPublisher } from '../../lib/constructs/alert-topic';
import { buildTestApp, TEST_ENV } from '../helpers/app';

function topicTemplate(publishers = [TopicPublisher.budgets()]) {
  const stack = new Stack(new App(), 'Test', { env: TEST_ENV });
  new AlertTopic(stack, 'Alerts', { topicName: 'alerts', publishers });
  return Template.fromStack(stack);
}

describe('AlertTopic', () => {
  it('encrypts the topic with a new rotating customer-managed key', () => {
    const t = topicTemplate();
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertsKey'), 'Arn'] },
    });
  });

  it('lets only budgets.amazonaws.com from this account publish, and denies publishing without TLS', () => {
    const statements = Object.values(topicTemplate().findResources('AWS::SNS::TopicPolicy'))[0]
      ?.Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Sid: 'AllowPublishThroughSSLOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: { Ref: expect.stringMatching(/^AlertsTopic/) },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AllowbudgetsPublish',
        Effect: 'Allow',
        Principal: { Service: 'budgets.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: expect.stringMatching(/^AlertsTopic/) },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          // Budgets' source ARN has an empty region field.
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':budgets::111122223333:*']],
            },
          },
        },
      },
    ]);
  });

  it('lets Budgets use the key exactly as the SNS guide documents for AWS services: GenerateDataKey* and Decrypt, no condition Budgets might not send', () => {
    // Act
    const statements = Object.values(topicTemplate().findResources('AWS::KMS::Key'))[0]?.Properties
      .KeyPolicy.Statement as unknown[];
    // Assess
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Principal: { Service: 'budgets.amazonaws.com' },
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: '*',
    });
  });

  it('scopes CloudWatch key use to this account', () => {
    // Act
    const statements = Object.values(
      topicTemplate([TopicPublisher.cloudWatch()]).findResources('AWS::KMS::Key'),
    )[0]?.Properties.KeyPolicy.Statement as unknown[];
    // Assess
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    });
  });

  it('with onlyPublishers, denies sns:Publish to every principal that is not Budgets, and still allows Budgets', () => {
    // Prepare
    const stack = new Stack(new App(), 'Test', { env: TEST_ENV });
    new AlertTopic(stack, 'Alerts', {
      publishers: [TopicPublisher.budgets()],
      onlyPublishers: true,
    });
    // Act
    const statements = Object.values(
      Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'),
    )[0]?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    // Assess
    expect(statements).toContainEqual({
      Sid: 'DenyPublishExceptListedServices',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sns:Publish',
      Resource: { Ref: expect.stringMatching(/^AlertsTopic/) },
      Condition: { StringNotEquals: { 'aws:PrincipalServiceName': ['budgets.amazonaws.com'] } },
    });
    expect(statements.find((s) => s.Sid === 'AllowbudgetsPublish')).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'budgets.amazonaws.com' },
    });
  });

  it('refuses onlyPublishers without a publisher (the topic would accept nothing)', () => {
    // Prepare
    const stack = new Stack(new App(), 'Test', { env: TEST_ENV });
    // Act / Assess
    expect(() => new AlertTopic(stack, 'Alerts', { onlyPublishers: true })).toThrow(
      /onlyPublishers needs at least one publisher/,
    );
  });

  it('grants CloudWatch alarms of this account and region when asked', () => {
    const statements = Object.values(
      topicTemplate([TopicPublisher.cloudWatch()]).findResources('AWS::SNS::TopicPolicy'),
    )[0]?.Properties.PolicyDocument.Statement as { Principal?: unknown; Condition?: unknown }[];
    expect(statements[1]).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Condition: {
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:111122223333:alarm:*'],
            ],
          },
        },
      },
    });
  });

  it('has no publish grant at all without publishers (only the TLS deny)', () => {
    const statements = Object.values(topicTemplate([]).findResources('AWS::SNS::TopicPolicy'))[0]
      ?.Properties.PolicyDocument.Statement as { Effect: string }[];
    expect(statements.map((s) => s.Effect)).toEqual(['Deny']);
  });
});

describe('the auto-stop notification topic', () => {
  it('is named so budget stacks compute its ARN, and Budgets may publish to it', () => {
    const t = Template.fromStack(buildTestApp().autoStop);
    t.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'ml-guardrails-auto-stop',
      KmsMasterKeyId: Match.anyValue(),
    });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('is deployed before the budget stacks that point at it', () => {
    const { autoStop, budgets } = buildTestApp();
    for (const b of budgets) expect(b.dependencies).toContain(autoStop);
  });
});
