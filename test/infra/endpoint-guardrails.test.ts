import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import {
  acknowledgeEndpointWildcards,
  endpointAutoStopStatements,
  grantEndpointState,
  RestoreFunction,
} from '../../lib/constructs/endpoint-guardrails';
import { EXAMPLE_POLICY_FILE, examplePolicy, TEST_ENV } from '../helpers/app';
import { nagFindings } from '../helpers/nag';

function build(env: typeof TEST_ENV | undefined = TEST_ENV) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'EndpointGuardrailsTest', { env });
  const table = new dynamodb.TableV2(stack, 'AuditTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const restore = new RestoreFunction(stack, 'Restore', {
    policy: examplePolicy(),
    policyFile: EXAMPLE_POLICY_FILE,
    auditTable: table,
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
            Sid: 'ApplicationAutoScaling',
            Action: [
              'application-autoscaling:DescribeScalableTargets',
              'application-autoscaling:DescribeScalingPolicies',
              'application-autoscaling:RegisterScalableTarget',
              'application-autoscaling:DeregisterScalableTarget',
              'application-autoscaling:PutScalingPolicy',
              'application-autoscaling:DeleteScalingPolicy',
              'application-autoscaling:DescribeScheduledActions',
              'application-autoscaling:PutScheduledAction',
            ],
            Resource: '*',
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
    // UpdateEndpoint on endpoint-config/* is the one exception: the same action on the endpoint
    // itself carries the tag condition.
    const mutating = /^sagemaker:(Delete|Update|Create|AddTags)/;
    for (const s of statementsOf(build().template)) {
      const actions = [s.Action].flat() as string[];
      if (s.Sid === 'UseEndpointConfigs') continue;
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
      Timeout: 300,
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
