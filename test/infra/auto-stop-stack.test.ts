import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, examplePolicy } from '../helpers/app';
import { nagFindings } from '../helpers/nag';

let template: Template;

beforeAll(() => {
  const { autoStop } = buildTestApp();
  template = Template.fromStack(autoStop);
});

const STOP_ACTIONS = [
  'sagemaker:StopTrainingJob',
  'sagemaker:StopProcessingJob',
  'sagemaker:StopTransformJob',
  'sagemaker:StopHyperParameterTuningJob',
  'sagemaker:StopNotebookInstance',
];

describe('AutoStopStack', () => {
  it('subscribes the auto-stop function to the budget topic with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('BudgetNotificationsTopic') },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });

  it('creates the audit table: pk/sk strings, on-demand, PITR, encrypted, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('creates the idempotency table with the Powertools key and TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('passes the documented settings to the function', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('budget notification'),
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({
          AUDIT_TABLE_NAME: { Ref: Match.stringLikeRegexp('AuditTable') },
          IDEMPOTENCY_TABLE_NAME: { Ref: Match.stringLikeRegexp('IdempotencyTable') },
          REPORT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('ReportTopic') },
          WORK_QUEUE_URL: { Ref: Match.stringLikeRegexp('WorkQueue') },
          AUTO_STOP_TOPIC_ARN: { Ref: Match.stringLikeRegexp('BudgetNotificationsTopic') },
          AWS_RETRY_MODE: 'adaptive',
          GUARDRAILS_POLICY_FILE: '/var/task/guardrails-policy.json',
        }),
      },
    });
  });

  it('allows Stop* only on resources tagged with an enforce-mode project, never sagemaker:*', () => {
    // Prepare: in the example policy real-time-bidding is dry-run, the others enforce.
    const enforced = examplePolicy()
      .projects.filter((p) => p.autoStop.mode === 'enforce')
      .map((p) => p.id);
    // Assess
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'StopProjectTaggedSageMakerWork',
            Action: STOP_ACTIONS,
            Condition: { StringEquals: { 'aws:ResourceTag/Project': enforced } },
          }),
        ]),
      },
    });
    expect(enforced).not.toContain('real-time-bidding');
    expect(JSON.stringify(template.toJSON())).not.toContain('"sagemaker:*"');
  });

  it('reads listings and tags on *, and only the policy budgets', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DiscoverSageMakerWork',
            Action: Match.arrayWith(['sagemaker:ListTrainingJobs', 'tag:GetResources']),
            Resource: '*',
          }),
          Match.objectLike({ Sid: 'ReadProjectBudgets', Action: 'budgets:ViewBudget' }),
        ]),
      },
    });
  });

  it('lets both functions describe the stoppable kinds on their ARNs, for the re-check and discovery', () => {
    for (const description of ['budget notification', 'queued by the auto-stop function'])
      expect(
        Object.values(template.findResources('AWS::IAM::Policy')).some((p) =>
          JSON.stringify(p).includes('DescribeSageMakerWork'),
        ),
        description,
      ).toBe(true);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DescribeSageMakerWork',
            Action: [
              'sagemaker:DescribeTrainingJob',
              'sagemaker:DescribeProcessingJob',
              'sagemaker:DescribeTransformJob',
              'sagemaker:DescribeHyperParameterTuningJob',
              'sagemaker:DescribeNotebookInstance',
            ],
            Resource: Match.arrayWith([
              {
                'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':training-job/\\*$')])],
              },
            ]),
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadTagsOfQueuedWork',
            Action: 'tag:GetResources',
            Resource: '*',
          }),
        ]),
      },
    });
  });

  it('allows Stop* and Describe* in every region a project lists, besides the deployment region', () => {
    // Prepare: fraud-detection also runs in us-east-1.
    const policy = examplePolicy();
    const multi = {
      ...policy,
      projects: policy.projects.map((p) =>
        p.id === 'fraud-detection' ? { ...p, regions: ['eu-west-1', 'us-east-1'] } : p,
      ),
    };
    // Act
    const json = JSON.stringify(
      Template.fromStack(buildTestApp({ policy: multi }).autoStop).toJSON(),
    );
    // Assess
    expect(json).toContain(':sagemaker:us-east-1:');
    expect(json).toContain('"Ref":"AWS::Region"');
  });

  it('accepts work messages only from the auto-stop function role (queue policy)', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: Match.stringLikeRegexp('^WorkQueue') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'OnlyAutoStopFunctionSends',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:SendMessage',
            Condition: {
              ArnNotEquals: {
                'aws:PrincipalArn': {
                  'Fn::GetAtt': [Match.stringLikeRegexp('AutoStopFunctionServiceRole'), 'Arn'],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  it('alarms when the live budget limit differs from the policy', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'budgetLimitMismatch',
      Dimensions: Match.arrayWith([{ Name: 'service', Value: 'auto-stop' }]),
    });
  });

  it('fans out through an encrypted, TLS-only work queue with its own dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 2,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('keeps undeliverable reports in a named dead-letter queue that only the report topic may fill', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'ml-guardrails-auto-stop-reports-dlq',
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: {
              ArnEquals: { 'aws:SourceArn': { Ref: Match.stringLikeRegexp('ReportTopic') } },
            },
          }),
        ]),
      },
    });
    // The email subscriptions themselves live in the budget stacks (see budgets.test.ts).
    template.resourceCountIs('AWS::SNS::Subscription', 1);
  });

  it('encrypts the report topic with a customer-managed key and lets the function publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'ml-guardrails auto-stop report',
      KmsMasterKeyId: Match.anyValue(),
    });
    // A large role policy overflows into managed policies (CDK splits at IAM's size limit).
    const statements = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
      Object.values(template.findResources(type)).flatMap(
        (r) => r.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
      ),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'sns:Publish',
        Resource: { Ref: expect.stringMatching(/ReportTopic/) },
      }),
    );
  });

  it('has no unacknowledged cdk-nag findings', () => {
    const { app } = buildTestApp();
    expect(nagFindings(app).filter((f) => f.includes('AutoStop'))).toEqual([]);
  });
});

describe('AutoStopStack: endpoints, restore and alarms', () => {
  it('lets both stop functions delete only endpoints tagged with an enforce-mode project', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((r) =>
      JSON.stringify(r.Properties.PolicyDocument),
    );
    const withDelete = policies.filter((p) => p.includes('"sagemaker:DeleteEndpoint"'));
    // the auto-stop function, the worker and the period guard; restore never deletes
    expect(withDelete).toHaveLength(3);
    for (const p of withDelete)
      expect(p).toContain('"aws:ResourceTag/Project":["fraud-detection","churn-prediction"]');
  });

  it('deploys the restore function with the audit table in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          AUDIT_TABLE_NAME: { Ref: Match.stringLikeRegexp('AuditTable') },
        }),
      },
      Description: Match.stringLikeRegexp('re-create parked SageMaker endpoints'),
    });
  });

  it('alarms on every function and dead-letter queue, notifying the alarms topic', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (r) => r.Properties.AlarmName as string,
    );
    for (const name of [
      'auto-stop-errors',
      'auto-stop-failures-depth',
      'notification-dlq-depth',
      'worker-errors',
      'work-dlq-depth',
      'report-dlq-depth',
      'restore-errors',
      'stops-failed',
    ])
      expect(names).toContain(`ml-guardrails-auto-stop-${name}`);
  });
});
