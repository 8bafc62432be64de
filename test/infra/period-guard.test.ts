import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATE_CHANGE_TYPES } from '../../lambdas/auto-stop/period-guard/event';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { buildTestApp, examplePolicy } from '../helpers/app';
import { nagFindings } from '../helpers/nag';

let template: Template;

beforeAll(() => {
  const { autoStop } = buildTestApp();
  template = Template.fromStack(autoStop);
});

function rulesWithPattern(): { EventPattern?: Record<string, unknown>; Targets: unknown[] }[] {
  return Object.values(template.findResources('AWS::Events::Rule')).map(
    (r) => r.Properties as { EventPattern?: Record<string, unknown>; Targets: unknown[] },
  );
}

function guardPolicyStatements(t: Template = template): Record<string, unknown>[] {
  const policies = Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) =>
    id.startsWith('PeriodGuardFunction'),
  );
  return policies.flatMap(
    ([, p]) =>
      (p.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } }).PolicyDocument
        .Statement,
  );
}

describe('PeriodGuard', () => {
  it.each(STATE_CHANGE_TYPES.map((t) => [t.detailType, t.statusField, t.running] as const))(
    'routes "%s" events of this account, only when %s enters a running state, to the guard function',
    (detailType, statusField, running) => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.sagemaker'],
          'detail-type': [detailType],
          account: [{ Ref: 'AWS::AccountId' }],
          detail: { [statusField]: [...running] },
        },
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('PeriodGuardFunction'), 'Arn'] },
            DeadLetterConfig: {
              Arn: {
                'Fn::GetAtt': [Match.stringLikeRegexp('PeriodGuardEventsDeadLetterQueue'), 'Arn'],
              },
            },
            RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
          }),
        ],
      });
    },
  );

  it('has exactly the six state-change rules plus the sweep and digest schedules', () => {
    const rules = rulesWithPattern();
    expect(rules.filter((r) => r.EventPattern)).toHaveLength(6);
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(8);
  });

  it('sweeps every hour by default and sends the digest at 07:00 UTC, each with its task as input', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ task: 'sweep' }) })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 7 * * ? *)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ task: 'digest' }) })],
    });
  });

  it('lets EventBridge invoke the function, and only from its rules', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (p) => JSON.stringify(p.Properties).includes('PeriodGuardFunction'),
    );
    expect(permissions).toHaveLength(8);
    for (const p of permissions)
      expect(p.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [expect.stringMatching(/Rule|Schedule/), 'Arn'] },
      });
  });

  it('keeps holds in a table with a TTL attribute, keyed like the audit table', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('tells the notification function and the guard function where the guard table is', () => {
    const guardTable = { Ref: Match.stringLikeRegexp('PeriodGuardTable') };
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('budget notification'),
      Environment: { Variables: Match.objectLike({ GUARD_TABLE_NAME: guardTable }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('after its budget threshold'),
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({
          GUARD_TABLE_NAME: guardTable,
          AUDIT_TABLE_NAME: { Ref: Match.stringLikeRegexp('AuditTable') },
          REPORT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('ReportTopic') },
          POWERTOOLS_SERVICE_NAME: 'auto-stop-guard',
        }),
      },
    });
  });

  it('grants the new reads: ListTags, the listings and tagging API, the policy budgets, the guard table', () => {
    const statements = guardPolicyStatements();
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: 'ReadSageMakerTags', Action: 'sagemaker:ListTags' }),
        expect.objectContaining({
          Sid: 'DiscoverSageMakerWork',
          Action: expect.arrayContaining([
            'sagemaker:ListTrainingJobs',
            'sagemaker:ListNotebookInstances',
            'tag:GetResources',
          ]),
          Resource: '*',
        }),
        expect.objectContaining({ Sid: 'ReadProjectBudgets', Action: 'budgets:ViewBudget' }),
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
        }),
      ]),
    );
  });

  it('stops only work tagged with an enforce-mode project, never with sagemaker:*', () => {
    const enforced = examplePolicy()
      .projects.filter((p) => p.autoStop.mode === 'enforce')
      .map((p) => p.id);
    const stop = guardPolicyStatements().find((s) => s.Sid === 'StopProjectTaggedSageMakerWork');
    expect(stop).toMatchObject({
      Action: [
        'sagemaker:StopTrainingJob',
        'sagemaker:StopProcessingJob',
        'sagemaker:StopTransformJob',
        'sagemaker:StopHyperParameterTuningJob',
        'sagemaker:StopNotebookInstance',
      ],
      Condition: { StringEquals: { 'aws:ResourceTag/Project': enforced } },
    });
    expect(JSON.stringify(guardPolicyStatements())).not.toContain('"sagemaker:*"');
  });

  it('allows stops in every region a project runs in', () => {
    // Prepare: one project runs in two regions.
    const base = examplePolicy();
    const policy: GuardrailsPolicy = {
      ...base,
      projects: base.projects.map((p) =>
        p.id === 'fraud-detection' ? { ...p, regions: ['eu-west-1', 'us-east-1'] } : p,
      ),
    };
    // Act
    const t = Template.fromStack(buildTestApp({ policy }).autoStop);
    // Assess
    const stop = guardPolicyStatements(t).find((s) => s.Sid === 'StopProjectTaggedSageMakerWork');
    const resources = JSON.stringify(stop?.Resource);
    expect(resources).toContain(':sagemaker:us-east-1:');
    expect(resources).toContain(':sagemaker:eu-west-1:');
  });

  it('takes the sweep and digest schedule from defaults.autoStop.guard', () => {
    const base = examplePolicy();
    const policy: GuardrailsPolicy = {
      ...base,
      defaults: {
        ...base.defaults,
        autoStop: { ...base.defaults.autoStop, guard: { sweepMinutes: 15, digestHourUtc: 18 } },
      },
    };
    const t = Template.fromStack(buildTestApp({ policy }).autoStop);
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 18 * * ? *)' });
  });

  it('alarms on the guard function, its failure queue and its event dead-letter queue', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) =>
      JSON.stringify(a.Properties),
    );
    expect(alarms.some((a) => a.includes('period-guard-events-dlq'))).toBe(true);
    expect(alarms.some((a) => a.includes('guard-stops-failed'))).toBe(true);
  });

  it('has no unacknowledged cdk-nag findings', () => {
    const { app } = buildTestApp();
    expect(nagFindings(app).filter((f) => f.includes('PeriodGuard'))).toEqual([]);
  });
});
