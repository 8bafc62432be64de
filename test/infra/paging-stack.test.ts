import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { ALARMS_TOPIC_NAME, alarmsTopicArn } from '../../lib/stacks/paging-stack';
import { buildTestApp, examplePolicy } from '../helpers/app';
import { nagFindings } from '../helpers/nag';

const built = buildTestApp();
const template = Template.fromStack(built.paging);

describe('PagingStack: inputs', () => {
  it('creates the alarms topic with its fixed name, encrypted with a CMK and TLS-only', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: ALARMS_TOPIC_NAME,
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111122223333' },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':cloudwatch:eu-west-1:111122223333:alarm:*',
                    ],
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  it('lets CloudWatch use the topic key (the AWS-managed SNS key would not work)', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          }),
        ]),
      },
    });
  });

  it('exposes the topic ARN for other stacks without an export', () => {
    expect(built.paging.resolve(alarmsTopicArn(built.paging))).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':sns:eu-west-1:111122223333:ml-guardrails-alarms'],
      ],
    });
    // Operator outputs are fine; a cross-stack export would pin the topic.
    const outputs = Object.values(template.toJSON().Outputs ?? {}) as { Export?: unknown }[];
    expect(outputs.filter((o) => o.Export !== undefined)).toEqual([]);
  });

  it('subscribes the router with a dead-letter queue that SNS can encrypt into (topic CMK)', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      RedrivePolicy: {
        deadLetterTargetArn: {
          'Fn::GetAtt': [Match.stringLikeRegexp('SubscriptionDeadLetterQueue'), 'Arn'],
        },
      },
    });
    const queues = template.findResources('AWS::SQS::Queue');
    const dlq = Object.entries(queues).find(([id]) =>
      id.startsWith('SubscriptionDeadLetterQueue'),
    )?.[1];
    expect(dlq?.Properties.KmsMasterKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^AlarmsKey/), 'Arn'],
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowSnsDeadLetterQueue',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          }),
        ]),
      },
    });
  });

  it('routes CloudWatch Alarm State Change events, minus target-tracking alarms, with a DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ 'anything-but': { prefix: 'TargetTracking-' } }] },
      },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
  });

  it('omits the EventBridge rule when the policy turns it off', () => {
    const policy = examplePolicy();
    const off: GuardrailsPolicy = {
      ...policy,
      paging: { ...policy.paging, eventBridge: { enabled: false, excludeAlarmNamePrefix: 'x' } },
    };
    Template.fromStack(buildTestApp({ policy: off }).paging).resourceCountIs(
      'AWS::Events::Rule',
      0,
    );
  });
});

describe('PagingStack: router and hold', () => {
  it('runs the router with the house defaults, the hold queue and table in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Timeout: 60,
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'paging',
          HOLD_QUEUE_URL: Match.anyValue(),
          HOLD_TABLE_NAME: Match.anyValue(),
          ROUTING_KEY_CACHE_SECONDS: '300',
        }),
      },
    });
  });

  it('may read only the routing-key secrets the policy names', () => {
    const secretArn = (name: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:secretsmanager:eu-west-1:111122223333:secret:${name}-??????`,
        ],
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: examplePolicy().paging.services.map((s) => secretArn(s.routingKeySecret)),
          },
        ]),
      },
    });
  });

  it('consumes the hold queue with partial batch failures, the queue redriving to a DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
  });

  it('keeps held alarms in an encrypted table with TTL and point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'dedupKey', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('keeps failed asynchronous invocations in the function failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      MaximumRetryAttempts: 2,
    });
  });
});

describe('PagingStack: watching the watchers', () => {
  it.each([
    ['ml-guardrails-paging-router-errors', 'Errors', 'AWS/Lambda'],
    ['ml-guardrails-paging-router-throttles', 'Throttles', 'AWS/Lambda'],
    ['ml-guardrails-paging-router-failures-depth', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS'],
    ['ml-guardrails-paging-alarm-topic-dlq-depth', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS'],
    ['ml-guardrails-paging-alarm-rule-dlq-depth', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS'],
    ['ml-guardrails-paging-hold-dlq-depth', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS'],
    ['ml-guardrails-paging-pages-failed', 'pagesFailed', 'MlGuardrails'],
  ])(
    'alarm %s pages through the alarms topic on ALARM and OK',
    (alarmName, metricName, namespace) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: alarmName,
        MetricName: metricName,
        Namespace: namespace,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmsTopic') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('AlarmsTopic') }],
      });
    },
  );

  it('names every alarm so the policy rule "ml-guardrails-*" pages the platform team', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    for (const a of Object.values(alarms))
      expect(a.Properties.AlarmName).toMatch(/^ml-guardrails-/);
    expect(examplePolicy().paging.alarmRules[0]).toEqual({
      incidentType: 'guardrails-failure',
      match: { alarmName: 'ml-guardrails-*' },
    });
  });

  it('builds a dashboard with budget, stop, paging and queue metrics', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(1);
    const body = JSON.stringify(
      built.paging.resolve(Object.values(dashboards)[0]?.Properties.DashboardBody),
    );
    for (const text of [
      'Budget notifications received',
      'notificationsReceived',
      'resourcesStopped',
      'pagesSent',
      'pagesFailed',
      'ApproximateNumberOfMessagesVisible',
      'held pages',
      'paging',
    ])
      expect(body).toContain(text);
  });
});

describe('PagingStack: cdk-nag', () => {
  it('has no unacknowledged AwsSolutions findings', () => {
    const app = buildTestApp({ nag: false }).app;
    expect(nagFindings(app).filter((f) => f.includes('Paging'))).toEqual([]);
  });
});
