import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportRecipients } from '../../lib/stacks/auto-stop-stack';
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
          AWS_RETRY_MODE: 'adaptive',
          GUARDRAILS_POLICY_FILE: '/var/task/guardrails-policy.yaml',
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

  it('emails each finance/owner address once, filtered to its projects', () => {
    // Prepare
    const recipients = reportRecipients(examplePolicy());
    // Assess
    template.resourceCountIs('AWS::SNS::Subscription', recipients.size + 1);
    expect(recipients.get('finops@example.com')?.length).toBeGreaterThan(1);
    for (const [address, projects] of recipients)
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: address,
        FilterPolicy: { project: projects },
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
      });
  });

  it('encrypts the report topic with a customer-managed key and lets the function publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'ml-guardrails auto-stop report',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('ReportTopic') },
          }),
        ]),
      },
    });
  });

  it('has no unacknowledged cdk-nag findings', () => {
    const { app } = buildTestApp();
    expect(nagFindings(app).filter((f) => f.includes('AutoStop'))).toEqual([]);
  });
});
