import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import {
  acknowledgeEndpointWildcards,
  endpointAutoStopStatements,
  grantEndpointState,
  RestoreFunction,
} from '../../lib/constructs/endpoint-guardrails';
import { EXAMPLE_POLICY_FILE, examplePolicy, TEST_ENV } from '../helpers/app';
import { nagFindings } from '../helpers/nag';

function build(
  env: typeof TEST_ENV | undefined = TEST_ENV,
  guardrails = examplePolicy(),
  reportTopic?: (stack: Stack) => sns.ITopic,
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'EndpointGuardrailsTest', { env });
  const table = new dynamodb.TableV2(stack, 'AuditTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const restore = new RestoreFunction(stack, 'Restore', {
    policy: guardrails,
    policyFile: EXAMPLE_POLICY_FILE,
    auditTable: table,
    ...(reportTopic ? { reportTopic: reportTopic(stack) } : {}),
  });
  // Stand-in for the auto-stop function's role.
  const autoStopRole = new iam.Role(stack, 'AutoStopRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  const policy = new iam.Policy(stack, 'AutoStopEndpoints', {
    statements: endpointAutoStopStatements(stack, {
      projectTagKey: 'Project',
      projectIds: ['fraud-detection', 'churn-prediction'],
    }),
  });
  policy.attachToRole(autoStopRole);
  acknowledgeEndpointWildcards(policy);
  grantEndpointState(table, autoStopRole);
  return { app, stack, restore, template: Template.fromStack(stack) };
}

const statementsOf = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
        .PolicyDocument.Statement,
  );

describe('endpointAutoStopStatements', () => {
  it('allows DeleteEndpoint only on endpoints tagged with a project id', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('AutoStopEndpoints'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ParkTaggedEndpoints',
            Action: 'sagemaker:DeleteEndpoint',
            Condition: {
              StringEquals: { 'aws:ResourceTag/Project': ['fraud-detection', 'churn-prediction'] },
            },
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([
                  Match.stringLikeRegexp(':sagemaker:eu-west-1:111122223333:endpoint/\\*'),
                ]),
              ],
            },
          }),
        ]),
      },
    });
  });

  it('puts a tag condition on every capacity update', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('AutoStopEndpoints'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ScaleTaggedEndpoints',
            Action: [
              'sagemaker:UpdateEndpointWeightsAndCapacities',
              'sagemaker:UpdateInferenceComponentRuntimeConfig',
            ],
            Condition: {
              StringEquals: { 'aws:ResourceTag/Project': ['fraud-detection', 'churn-prediction'] },
            },
          }),
        ]),
      },
    });
  });

  it('grants the Application Auto Scaling actions needed to hold, deregister and restore scaling', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('AutoStopEndpoints'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadScaling',
            Action: [
              'application-autoscaling:DescribeScalableTargets',
              'application-autoscaling:DescribeScalingPolicies',
              'application-autoscaling:DescribeScheduledActions',
            ],
            Resource: '*',
          }),
          // Service Authorization Reference (Application Auto Scaling): mutations are authorised
          // on scalable-target/* and accept the service-namespace and scalable-dimension keys.
          Match.objectLike({
            Sid: 'ScaleSageMakerTargetsOnly',
            Action: [
              'application-autoscaling:RegisterScalableTarget',
              'application-autoscaling:DeregisterScalableTarget',
              'application-autoscaling:PutScalingPolicy',
              'application-autoscaling:DeleteScalingPolicy',
              'application-autoscaling:PutScheduledAction',
            ],
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([
                  Match.stringLikeRegexp(
                    ':application-autoscaling:eu-west-1:111122223333:scalable-target/\\*',
                  ),
                ]),
              ],
            },
            Condition: {
              StringEquals: {
                'application-autoscaling:service-namespace': 'sagemaker',
                'application-autoscaling:scalable-dimension': [
                  'sagemaker:variant:DesiredInstanceCount',
                  'sagemaker:inference-component:DesiredCopyCount',
                ],
              },
            },
          }),
          Match.objectLike({
            Sid: 'TagOwnScalableTargets',
            Action: 'application-autoscaling:TagResource',
            Condition: {
              StringEquals: { 'aws:RequestTag/ml-guardrails:created-by': 'auto-stop' },
              'ForAllValues:StringEquals': { 'aws:TagKeys': ['ml-guardrails:created-by'] },
            },
          }),
          Match.objectLike({
            Sid: 'ScalingServiceLinkedRole',
            Action: 'iam:CreateServiceLinkedRole',
            Condition: {
              StringEquals: {
                'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com',
              },
            },
          }),
        ]),
      },
    });
  });

  it('switches endpoint configs only on tagged endpoints and creates config copies only with the tag', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('AutoStopEndpoints'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'SwitchTaggedEndpointConfig',
            Action: 'sagemaker:UpdateEndpoint',
            Condition: {
              StringEquals: { 'aws:ResourceTag/Project': ['fraud-detection', 'churn-prediction'] },
            },
          }),
          Match.objectLike({
            Sid: 'CopyConfigWithMinimumZero',
            Action: ['sagemaker:CreateEndpointConfig', 'sagemaker:AddTags'],
            Condition: {
              StringEquals: { 'aws:RequestTag/Project': ['fraud-detection', 'churn-prediction'] },
            },
          }),
        ]),
      },
    });
  });

  it('never grants sagemaker:* nor deletes endpoint configs or models', () => {
    const actions = statementsOf(build().template).flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('sagemaker:*');
    expect(actions).not.toContain('sagemaker:DeleteEndpointConfig');
    expect(actions).not.toContain('sagemaker:DeleteModel');
  });

  it('every mutating SageMaker action carries a tag condition', () => {
    // UpdateEndpoint on the config it moves to is the one exception: the same action on the
    // endpoint itself carries the tag condition.
    const mutating = /^sagemaker:(Delete|Update|Create|AddTags)/;
    for (const s of statementsOf(build().template)) {
      const actions = [s.Action].flat() as string[];
      if (s.Sid === 'SwitchBackToOriginalConfig' || s.Sid === 'SwitchToMinimumZeroCopy') continue;
      if (actions.some((a) => mutating.test(a))) expect(s.Condition, String(s.Sid)).toBeDefined();
    }
  });

  it.each([
    [{ projectTagKey: '', projectIds: ['a'] }, /projectTagKey/],
    [{ projectTagKey: 'Project', projectIds: [] }, /projectIds/],
  ])('rejects %j naming the prop', (props, message) => {
    const stack = new Stack(new App());
    expect(() => endpointAutoStopStatements(stack, props)).toThrow(message);
  });
});

describe('least privilege over every endpoint statement (both functions)', () => {
  // X-Ray writes (Lambda active tracing) support neither resources nor conditions.
  const READ = /^[a-z-]+:(Describe|List|Get)|^xray:Put(TraceSegments|TelemetryRecords)$/;
  const resourcesOf = (s: Record<string, unknown>) => [s.Resource].flat();

  it('has no mutating action on "*" without a condition', () => {
    const offenders = statementsOf(build().template).filter(
      (s) =>
        s.Effect === 'Allow' &&
        resourcesOf(s).includes('*') &&
        ([s.Action].flat() as string[]).some((a) => !READ.test(a)) &&
        s.Condition === undefined,
    );
    expect(offenders.map((s) => s.Sid)).toEqual([]);
  });

  it('grants every mutating Application Auto Scaling action only with SageMaker namespace and dimension conditions', () => {
    const scaling = statementsOf(build().template).filter((s) =>
      ([s.Action].flat() as string[]).some(
        (a) => a.startsWith('application-autoscaling:') && !READ.test(a),
      ),
    );
    expect(scaling.length).toBeGreaterThan(0);
    for (const s of scaling) {
      expect(resourcesOf(s), String(s.Sid)).not.toContain('*');
      expect(s.Condition, String(s.Sid)).toBeDefined();
    }
  });

  it('passes roles only to SageMaker (iam:PassRole only with iam:PassedToService)', () => {
    const passRole = statementsOf(build().template).filter((s) =>
      ([s.Action].flat() as string[]).some((a) => a === 'iam:PassRole' || a === 'iam:*'),
    );
    expect(passRole.map((s) => s.Sid)).toEqual(['PassExecutionRoleToSageMaker']);
    for (const s of passRole)
      expect(s.Condition).toEqual({
        StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
      });
  });

  it('creates and tags only the min-0 config copies auto-stop makes', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('AutoStopEndpoints'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CopyConfigWithMinimumZero',
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([Match.stringLikeRegexp('endpoint-config/\\*-gr-min0$')]),
              ],
            },
          }),
        ]),
      },
    });
  });

  it('uses config KMS keys only through SageMaker', () => {
    const kms = statementsOf(build().template).filter((s) =>
      ([s.Action].flat() as string[]).some((a) => a.startsWith('kms:CreateGrant')),
    );
    expect(kms.length).toBe(2); // auto-stop and restore
    for (const s of kms)
      expect(s.Condition).toMatchObject({
        StringEquals: { 'kms:ViaService': 'sagemaker.eu-west-1.amazonaws.com' },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      });
  });
});

describe('RestoreFunction', () => {
  it('re-creates endpoints only with a project tag in the request', () => {
    const { template } = build();
    const ids = examplePolicy().projects.map((p) => p.id);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'RecreateTaggedEndpoints',
            Action: ['sagemaker:CreateEndpoint', 'sagemaker:AddTags'],
            Condition: { StringEquals: { 'aws:RequestTag/Project': ids } },
          }),
        ]),
      },
    });
  });

  it('runs the restore handler with the audit table name', () => {
    const { template, stack } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('re-create parked SageMaker endpoints'),
      Timeout: 900,
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          AUDIT_TABLE_NAME: {
            Ref: stack.getLogicalId(stack.node.findChild('AuditTable').node.defaultChild as never),
          },
          POWERTOOLS_SERVICE_NAME: 'restore',
        }),
      },
    });
  });

  it('grants only the table actions the state adapter uses', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: [
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
              'dynamodb:Query',
            ],
          }),
        ]),
      },
    });
  });

  it('has no unacknowledged cdk-nag findings', () => {
    const { app } = build();
    expect(nagFindings(app)).toEqual([]);
  });

  it('has no unacknowledged cdk-nag findings in an environment-agnostic stack either', () => {
    const { app } = build(undefined);
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('RestoreFunction: restore at the next period', () => {
  const nextPeriod = () => {
    const policy = examplePolicy();
    const [first, ...rest] = policy.projects;
    if (!first) throw new Error('example policy has no project');
    return {
      ...policy,
      projects: [
        {
          ...first,
          autoStop: {
            ...first.autoStop,
            endpoints: { ...first.autoStop.endpoints, restore: 'next-period' as const },
          },
        },
        ...rest,
      ],
    };
  };

  it('schedules no restore when no project asks for next-period', () => {
    build().template.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('invokes restore for each next-period project on the first day of each month (UTC)', () => {
    // Prepare
    const policy = nextPeriod();
    const id = policy.projects[0]?.id;
    // Act
    const { template } = build(TEST_ENV, policy);
    // Assess
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(5 0 1 * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RestoreFunction'), 'Arn'] },
        Input: JSON.stringify({ projectId: id, trigger: 'next-period' }),
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('NextPeriodScheduleRole'), 'Arn'] },
      }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: Match.arrayWith([
              { 'Fn::GetAtt': [Match.stringLikeRegexp('RestoreFunction'), 'Arn'] },
            ]),
          }),
        ]),
      },
    });
  });

  it('sends the report to the report topic when one is given', () => {
    // Act
    const { template } = build(TEST_ENV, nextPeriod(), (stack) => new sns.Topic(stack, 'Reports'));
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          REPORT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('Reports') },
        }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('Reports') },
          }),
        ]),
      },
    });
  });
});
