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
        // Only this account's alarms (issue: any alarm could page any team)
        account: ['111122223333'],
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
    const rules = Template.fromStack(buildTestApp({ policy: off }).paging).findResources(
      'AWS::Events::Rule',
      { Properties: { EventPattern: { source: ['aws.cloudwatch'] } } },
    );
    expect(Object.keys(rules)).toHaveLength(0);
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

describe('PagingStack: trust boundaries and out-of-band alarms', () => {
  it('reserves concurrency for the router', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ HOLD_QUEUE_URL: Match.anyValue() }) },
      ReservedConcurrentExecutions: 10,
    });
  });

  it('emails the guardrails alarms straight from the alarms topic, filtered to ml-guardrails-*, without the router', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform-oncall@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^AlarmsTopic') },
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { AlarmName: [{ prefix: 'ml-guardrails-' }] },
    });
  });

  it('falls back to the platform team email for the out-of-band channel', () => {
    const policy = examplePolicy();
    const p: GuardrailsPolicy = {
      ...policy,
      paging: { ...policy.paging, outOfBand: { emails: [] } },
    };
    Template.fromStack(buildTestApp({ policy: p }).paging).hasResourceProperties(
      'AWS::SNS::Subscription',
      {
        Protocol: 'email',
        Endpoint: 'platform@example.com',
        FilterPolicyScope: 'MessageBody',
      },
    );
  });

  it("alarms on each failure queue's oldest message age (1 hour), besides its depth", () => {
    for (const name of ['router-failures', 'alarm-topic-dlq', 'alarm-rule-dlq', 'hold-dlq'])
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `ml-guardrails-paging-${name}-oldest`,
        MetricName: 'ApproximateAgeOfOldestMessage',
        Namespace: 'AWS/SQS',
        Threshold: 3600,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [Match.anyValue()],
      });
  });

  it('sends a heartbeat change event on a schedule and alarms when heartbeats stop arriving', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({
          InputTransformer: {
            InputPathsMap: { time: '$.time' },
            InputTemplate: Match.stringLikeRegexp('"detail-type":"Heartbeat"'),
          },
        }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ml-guardrails-paging-heartbeat-missing',
      MetricName: 'heartbeatsDelivered',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 2,
      Period: 3600,
      TreatMissingData: 'breaching',
    });
  });

  it("routes this account's auto-stop actions to the router as change events", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['ml-guardrails.auto-stop'],
        'detail-type': ['Auto-stop action'],
        account: ['111122223333'],
      },
    });
  });

  it('gives each team a notification topic with its email, and the router their ARNs', () => {
    for (const email of [
      'platform@example.com',
      'ml-engineering@example.com',
      'data-science@example.com',
    ])
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: email,
        TopicArn: { Ref: Match.stringLikeRegexp('^Notify') },
      });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NOTIFY_TOPIC_ARNS: Match.anyValue() }) },
    });
  });

  it('may read alarms (DescribeAlarms, read-only) for the lookup', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: '*' }),
        ]),
      },
    });
  });

  it('has no mutating IAM action on "*" without a condition', () => {
    // Read-only prefixes, and X-Ray telemetry (no resource-level permissions, writes traces only).
    const readOnly = /^[a-z0-9-]+:(Describe|List|Get|BatchGet)[A-Za-z]*$/;
    const telemetry = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    const offending: string[] = [];
    for (const [id, res] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
      const statements = (res as { Properties: { PolicyDocument: { Statement: unknown[] } } })
        .Properties.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
        Condition?: unknown;
        Effect: string;
      }[];
      for (const st of statements) {
        const resources = Array.isArray(st.Resource) ? st.Resource : [st.Resource];
        if (st.Effect !== 'Allow' || st.Condition || !resources.includes('*')) continue;
        const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
        for (const a of actions)
          if (!readOnly.test(a) && !telemetry.has(a)) offending.push(`${id}: ${a}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
