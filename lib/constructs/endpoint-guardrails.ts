/**
 * IAM for taking SageMaker endpoints to zero cost and bringing them back, and the restore
 * function. The auto-stop stack adds `endpointAutoStopStatements(...)` to its function; the
 * `RestoreFunction` is its own function, invoked by the platform team or, per project with
 * `autoStop.endpoints.restore: next-period`, by an EventBridge Scheduler schedule.
 *
 * Sources: SageMaker Stop/Delete/Update actions take `aws:ResourceTag/<key>` conditions, List*
 * needs `Resource: *` (Service Authorization Reference, "Actions, resources, and condition keys
 * for Amazon SageMaker"); Application Auto Scaling's mutating actions are authorised on
 * `scalable-target` resources with the `application-autoscaling:service-namespace` and
 * `application-autoscaling:scalable-dimension` condition keys, its Describe* only on `*`
 * (Service Authorization Reference, "Actions, resources, and condition keys for Application Auto
 * Scaling"), and callers also need the target service's and CloudWatch's actions
 * (Application Auto Scaling User Guide, "identity-based policy examples"); the first
 * RegisterScalableTarget for SageMaker creates the service-linked role for
 * `sagemaker.application-autoscaling.amazonaws.com`, which needs `iam:CreateServiceLinkedRole`
 * (Application Auto Scaling User Guide, "Service-linked roles", "SageMaker AI and Application
 * Auto Scaling"); target tracking alarms are named `TargetTracking-<resource id>-...` (AWS managed
 * policy AWSApplicationAutoscalingSageMakerEndpointPolicy scopes them by the `TargetTracking`
 * prefix).
 */
import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  COPY_COUNT_DIMENSION,
  ENDPOINT_STATE_TABLE_ACTIONS,
  GUARDRAILS_TARGET_TAG,
  MIN_ZERO_SUFFIX,
  VARIANT_DIMENSION,
} from '../../lambdas/endpoints';
import type { GuardrailsPolicy } from '../config/schema';
import { putChangeEventsStatement } from './change-events';
import { GuardrailFunction } from './guardrail-function';

/** Which resources the statements cover: the project tag and the projects' ids. */
export interface EndpointPermissionsProps {
  /** Cost-allocation tag whose value is the project id (`organisation.projectTagKey`). */
  readonly projectTagKey: string;
  /** Project ids whose endpoints may be changed; resources tagged otherwise are out of reach. */
  readonly projectIds: readonly string[];
}

const SAGEMAKER_SLR_SERVICE = 'sagemaker.application-autoscaling.amazonaws.com';

function arns(scope: Construct) {
  const stack = Stack.of(scope);
  const sm = (resource: string) =>
    stack.formatArn({ service: 'sagemaker', resource, resourceName: '*' });
  const alarm = (resourceName: string) =>
    stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  return {
    endpoint: sm('endpoint'),
    endpointConfig: sm('endpoint-config'),
    minZeroConfigs: stack.formatArn({
      service: 'sagemaker',
      resource: 'endpoint-config',
      resourceName: `*${MIN_ZERO_SUFFIX}`,
    }),
    component: sm('inference-component'),
    model: sm('model'),
    scalableTargets: stack.formatArn({
      service: 'application-autoscaling',
      resource: 'scalable-target',
      resourceName: '*',
    }),
    trackingAlarms: [
      alarm('TargetTracking-endpoint/*'),
      alarm('TargetTracking-inference-component/*'),
    ],
    stepAlarms: alarm('*'),
    topics: `arn:${stack.partition}:sns:${stack.region}:${stack.account}:*`,
    scalingPolicies: `arn:${stack.partition}:autoscaling:${stack.region}:${stack.account}:scalingPolicy:*:resource/sagemaker/*`,
    roles: stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' }),
    keys: stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' }),
    sageMakerViaService: `sagemaker.${stack.region}.amazonaws.com`,
  };
}

function validate(props: EndpointPermissionsProps): void {
  const problems: string[] = [];
  if (!props.projectTagKey) problems.push('projectTagKey must not be empty');
  if (props.projectIds.length === 0) problems.push('projectIds must list at least one project');
  if (problems.length)
    throw new Error(`EndpointPermissions: ${problems.join('; ')} (got ${JSON.stringify(props)})`);
}

/**
 * Application Auto Scaling actions that change scaling. They are authorised on the scalable
 * target (`arn:...:application-autoscaling:<region>:<account>:scalable-target/*`) and accept the
 * condition keys `application-autoscaling:service-namespace` and
 * `application-autoscaling:scalable-dimension` (Service Authorization Reference, "Actions,
 * resources, and condition keys for Application Auto Scaling"), so the grant reaches SageMaker
 * variants and inference components only: never an ECS service or a DynamoDB table.
 */
export const SCALING_MUTATIONS = [
  'application-autoscaling:RegisterScalableTarget',
  'application-autoscaling:DeregisterScalableTarget',
  'application-autoscaling:PutScalingPolicy',
  'application-autoscaling:DeleteScalingPolicy',
  'application-autoscaling:PutScheduledAction',
] as const;

/** Statements both functions share: reads, and Application Auto Scaling on the endpoints. */
function scalingStatements(
  scope: Construct,
  props: EndpointPermissionsProps,
): iam.PolicyStatement[] {
  const a = arns(scope);
  const tagged = {
    StringEquals: { [`aws:ResourceTag/${props.projectTagKey}`]: [...props.projectIds] },
  };
  const sageMakerTargets = {
    StringEquals: {
      'application-autoscaling:service-namespace': 'sagemaker',
      'application-autoscaling:scalable-dimension': [VARIANT_DIMENSION, COPY_COUNT_DIMENSION],
    },
  };
  return [
    new iam.PolicyStatement({
      sid: 'ReadEndpoints',
      actions: [
        'sagemaker:DescribeEndpoint',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DescribeInferenceComponent',
      ],
      resources: [a.endpoint, a.endpointConfig, a.component],
    }),
    new iam.PolicyStatement({
      sid: 'ListEndpointsAndComponents',
      // ListEndpoints resolves names whose ARN (lower case) does not match DescribeEndpoint.
      actions: ['sagemaker:ListEndpoints', 'sagemaker:ListInferenceComponents'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ScaleTaggedEndpoints',
      // Capacity and copy-count changes only on the projects' tagged endpoints and components.
      actions: [
        'sagemaker:UpdateEndpointWeightsAndCapacities',
        'sagemaker:UpdateInferenceComponentRuntimeConfig',
      ],
      resources: [a.endpoint, a.component],
      conditions: tagged,
    }),
    new iam.PolicyStatement({
      sid: 'SwitchTaggedEndpointConfig',
      // The tag condition is on the endpoint; the config it moves to is allowed separately.
      actions: ['sagemaker:UpdateEndpoint'],
      resources: [a.endpoint],
      conditions: tagged,
    }),
    new iam.PolicyStatement({
      sid: 'ReadScaling',
      // Describe* of Application Auto Scaling has no resource-level permissions: "*" is required.
      actions: [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:DescribeScheduledActions',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ScaleSageMakerTargetsOnly',
      // Application Auto Scaling also checks that the caller may change the SageMaker resource
      // itself (UpdateEndpointWeightsAndCapacities / UpdateInferenceComponentRuntimeConfig above,
      // tag-conditioned), so only the projects' endpoints and components can be scaled.
      actions: [...SCALING_MUTATIONS],
      resources: [a.scalableTargets],
      conditions: sageMakerTargets,
    }),
    new iam.PolicyStatement({
      sid: 'TagOwnScalableTargets',
      // Targets auto-stop registers itself carry this tag, set in RegisterScalableTarget.
      actions: ['application-autoscaling:TagResource'],
      resources: [a.scalableTargets],
      conditions: {
        StringEquals: {
          [`aws:RequestTag/${GUARDRAILS_TARGET_TAG.key}`]: GUARDRAILS_TARGET_TAG.value,
        },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [GUARDRAILS_TARGET_TAG.key] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'SageMakerTargetTrackingAlarms',
      // Putting back a target-tracking policy manages its alarms, which Application Auto Scaling
      // names TargetTracking-<resource id>-...: only SageMaker variants' and components' alarms.
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
      resources: a.trackingAlarms,
    }),
    new iam.PolicyStatement({
      sid: 'DescribeAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ScalingServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: ['*'],
      conditions: { StringEquals: { 'iam:AWSServiceName': SAGEMAKER_SLR_SERVICE } },
    }),
    new iam.PolicyStatement({
      sid: 'UseConfigKeysThroughSageMaker',
      // CreateEndpoint / UpdateEndpoint with a config whose KmsKeyId is set: "The KMS key policy
      // must grant permission to the IAM role that you specify in your CreateEndpoint,
      // UpdateEndpoint requests" (API Reference, CreateEndpointConfig, KmsKeyId). Only through
      // SageMaker, and grants only for AWS resources; the key policy must also allow this role.
      actions: ['kms:CreateGrant'],
      resources: [a.keys],
      conditions: {
        StringEquals: { 'kms:ViaService': a.sageMakerViaService },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'DescribeConfigKeysThroughSageMaker',
      actions: ['kms:DescribeKey'],
      resources: [a.keys],
      conditions: { StringEquals: { 'kms:ViaService': a.sageMakerViaService } },
    }),
  ];
}

/**
 * The IAM statements the auto-stop function needs for endpoints: reads, Application Auto Scaling,
 * and DeleteEndpoint / capacity updates only on resources tagged with one of the project ids.
 */
export function endpointAutoStopStatements(
  scope: Construct,
  props: EndpointPermissionsProps,
): iam.PolicyStatement[] {
  validate(props);
  const a = arns(scope);
  return [
    ...scalingStatements(scope, props),
    new iam.PolicyStatement({
      sid: 'CopyConfigWithMinimumZero',
      // Only the min-0 copy auto-stop creates (named *-gr-min0), with the project tag in the
      // request; AddTags is the tag-on-create authorisation of that same call.
      actions: ['sagemaker:CreateEndpointConfig', 'sagemaker:AddTags'],
      resources: [a.minZeroConfigs],
      conditions: {
        StringEquals: { [`aws:RequestTag/${props.projectTagKey}`]: [...props.projectIds] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'SwitchToMinimumZeroCopy',
      // UpdateEndpoint moves an endpoint only onto a copy auto-stop made.
      actions: ['sagemaker:UpdateEndpoint'],
      resources: [a.minZeroConfigs],
    }),
    new iam.PolicyStatement({
      sid: 'PassExecutionRoleToSageMaker',
      // CreateEndpointConfig with the original config's ExecutionRoleArn passes that role; only
      // to SageMaker (IAM User Guide, "iam:PassedToService").
      actions: ['iam:PassRole'],
      resources: [a.roles],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'ParkTaggedEndpoints',
      // Park deletes only the endpoint; its config and model are kept (no Delete* on them).
      actions: ['sagemaker:DeleteEndpoint'],
      resources: [a.endpoint],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${props.projectTagKey}`]: [...props.projectIds] },
      },
    }),
  ];
}

/** Grant the saved-state and audit table actions, and its key when it has one. */
export function grantEndpointState(table: dynamodb.ITable, grantee: iam.IGrantable): void {
  table.grant(grantee, ...ENDPOINT_STATE_TABLE_ACTIONS);
  table.encryptionKey?.grantEncryptDecrypt(grantee);
}

/** How cdk-nag prints an ARN of this stack: tokens as `<AWS::Region>`, literals as they are. */
function nagArn(scope: Construct, service: string, resource: string, regional = true): string {
  const stack = Stack.of(scope);
  // A known region also fixes the partition (`cdk synth` without AWS config uses us-east-1).
  const part = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
  const region = regional ? part(stack.region, '<AWS::Region>') : '';
  return `arn:${part(stack.partition, '<AWS::Partition>')}:${service}:${region}:${part(stack.account, '<AWS::AccountId>')}:${resource}`;
}

/**
 * Acknowledge, with reasons, the cdk-nag wildcard findings of the statements above; call it on
 * the construct whose policy holds them (the auto-stop function or its role).
 */
export function acknowledgeEndpointWildcards(scope: Construct): void {
  const iam5 = (arn: string) => `AwsSolutions-IAM5[Resource::${arn}]`;
  const reasons: [string, string][] = [
    [
      'AwsSolutions-IAM5[Resource::*]',
      'ListEndpoints, ListInferenceComponents, Application Auto Scaling Describe* and cloudwatch:DescribeAlarms do not support resource-level permissions (Service Authorization Reference); iam:CreateServiceLinkedRole is limited by iam:AWSServiceName to the SageMaker scaling role.',
    ],
    [
      iam5(nagArn(scope, 'application-autoscaling', 'scalable-target/*')),
      'Scalable target ids are generated by Application Auto Scaling; every mutating action carries application-autoscaling:service-namespace = sagemaker and a SageMaker scalable-dimension condition, and Application Auto Scaling also requires the tag-conditioned SageMaker update permission on the endpoint or component.',
    ],
    [
      iam5(nagArn(scope, 'cloudwatch', 'alarm:TargetTracking-endpoint/*')),
      'Target-tracking alarms of SageMaker variants, named by Application Auto Scaling after the resource id.',
    ],
    [
      iam5(nagArn(scope, 'cloudwatch', 'alarm:TargetTracking-inference-component/*')),
      'Target-tracking alarms of SageMaker inference components, named by Application Auto Scaling after the resource id.',
    ],
    [
      iam5(nagArn(scope, 'cloudwatch', 'alarm:*')),
      'Step-scaling alarms have user-chosen names; PutMetricAlarm is allowed only when every alarm action stays a SageMaker scaling policy or an SNS topic of this account (cloudwatch:AlarmActions).',
    ],
    [
      iam5(nagArn(scope, 'kms', 'key/*')),
      'Endpoint config keys are chosen by the teams; kms:CreateGrant and kms:DescribeKey only via SageMaker (kms:ViaService), grants only for AWS resources, and the key policy must also allow the role.',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'endpoint-config/*-gr-min0')),
      'Only the min-0 copies auto-stop creates, with the project tag required in the request.',
    ],
    [
      iam5(nagArn(scope, 'iam', 'role/*', false)),
      'The execution role of a team endpoint config is passed on only to sagemaker.amazonaws.com (iam:PassedToService).',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'endpoint/*')),
      'Endpoints are discovered at run time; every mutating action on them carries an aws:ResourceTag or aws:RequestTag condition on the project tag.',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'endpoint-config/*')),
      'Endpoint configs are only read, used by CreateEndpoint (project tag required in the request) and by UpdateEndpoint on a tag-conditioned endpoint; they are never changed or deleted.',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'inference-component/*')),
      'Inference components are discovered at run time; copy-count changes carry an aws:ResourceTag condition.',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'model/*')),
      'Restore only describes models, to report those deleted since parking.',
    ],
  ];
  for (const [id, reason] of reasons) Validations.of(scope).acknowledge({ id, reason });
}

export interface RestoreFunctionProps {
  /** The validated policy: project tag key and project ids scope the permissions. */
  readonly policy: GuardrailsPolicy;
  /** Policy file bundled next to the handler. */
  readonly policyFile: string;
  /** The auto-stop audit table holding saved endpoint state (pk/sk strings). */
  readonly auditTable: dynamodb.ITable;
  /**
   * Timeout; restore waits for re-created endpoints to be InService, until a minute before it, so
   * their scaling comes back in the same run. @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /** Topic that receives the report of each scheduled restore. @default - the report is only logged */
  readonly reportTopic?: sns.ITopic;
}

/** First minute of each month (UTC), when AWS Budgets starts a monthly period. */
export const NEXT_PERIOD_SCHEDULE = 'cron(5 0 1 * ? *)';

/**
 * The restore function: re-creates parked endpoints (CreateEndpoint only with the project tag in
 * the request) and puts back saved scaling; invoked directly with `{ projectId, endpointName? }`.
 *
 * @example
 * new RestoreFunction(this, 'Restore', { policy, policyFile, auditTable: table });
 */
export class RestoreFunction extends Construct {
  public readonly fn: GuardrailFunction;
  /** One EventBridge Scheduler schedule per project with `autoStop.endpoints.restore: next-period`. */
  public readonly schedules: readonly scheduler.CfnSchedule[];

  constructor(scope: Construct, id: string, props: RestoreFunctionProps) {
    super(scope, id);
    const projectTagKey = props.policy.organisation.projectTagKey;
    const projectIds = props.policy.projects.map((p) => p.id);
    validate({ projectTagKey, projectIds });

    this.fn = new GuardrailFunction(this, 'Function', {
      entry: 'lambdas/endpoints/handler.ts',
      serviceName: 'restore',
      description: 'ml-guardrails: re-create parked SageMaker endpoints and put back their scaling',
      timeout: props.timeout ?? Duration.minutes(15),
      policyFile: props.policyFile,
      environment: {
        AUDIT_TABLE_NAME: props.auditTable.tableName,
        ...(props.reportTopic ? { REPORT_TOPIC_ARN: props.reportTopic.topicArn } : {}),
      },
    });
    props.reportTopic?.grantPublish(this.fn);
    const a = arns(this);
    const requestTagged = {
      StringEquals: { [`aws:RequestTag/${projectTagKey}`]: projectIds },
    };
    for (const s of scalingStatements(this, { projectTagKey, projectIds }))
      this.fn.addToRolePolicy(s);
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DescribeModels',
        actions: ['sagemaker:DescribeModel'],
        resources: [a.model],
      }),
    );
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SwitchBackToOriginalConfig',
        // The original config of a project endpoint has any name; the endpoint side of the same
        // UpdateEndpoint call carries the project-tag condition (SwitchTaggedEndpointConfig).
        actions: ['sagemaker:UpdateEndpoint'],
        resources: [a.endpointConfig],
      }),
    );
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RepointStepScalingAlarms',
        // Rewrites an alarm only when every action stays a SageMaker scaling policy or an SNS
        // topic of this account ("Using condition keys to limit alarm actions", CloudWatch User
        // Guide: cloudwatch:AlarmActions).
        actions: ['cloudwatch:PutMetricAlarm'],
        resources: [a.stepAlarms],
        conditions: {
          'ForAllValues:StringLike': {
            'cloudwatch:AlarmActions': [a.scalingPolicies, a.topics],
          },
        },
      }),
    );
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RecreateTaggedEndpoints',
        // Only endpoints created with one of the projects' tags; tags are set in the same call.
        actions: ['sagemaker:CreateEndpoint', 'sagemaker:AddTags'],
        resources: [a.endpoint, a.endpointConfig],
        conditions: requestTagged,
      }),
    );
    grantEndpointState(props.auditTable, this.fn);
    this.fn.addToRolePolicy(putChangeEventsStatement(this));
    this.schedules = nextPeriodSchedules(this, this.fn, props.policy);
    acknowledgeEndpointWildcards(this.fn);
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The managed policy only lets the function write its own CloudWatch Logs.',
    });
  }
}

/**
 * Restore at the next period: for each project whose policy says
 * `autoStop.endpoints.restore: next-period`, an EventBridge Scheduler schedule invokes the restore
 * function on the first day of each month with `{ projectId, trigger: "next-period" }`. With
 * nothing saved the run changes nothing, so a monthly schedule needs no clean-up.
 */
function nextPeriodSchedules(
  scope: Construct,
  fn: GuardrailFunction,
  policy: GuardrailsPolicy,
): scheduler.CfnSchedule[] {
  const projects = policy.projects.filter((p) => p.autoStop.endpoints.restore === 'next-period');
  if (projects.length === 0) return [];
  const role = new iam.Role(scope, 'NextPeriodScheduleRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description:
      'EventBridge Scheduler: invoke the endpoint restore function at the next budget period',
  });
  fn.grantInvoke(role);
  return projects.map(
    (p) =>
      new scheduler.CfnSchedule(scope, `NextPeriod-${p.id}`, {
        description: `ml-guardrails: restore ${p.id}'s endpoints when a new budget period starts`,
        scheduleExpression: NEXT_PERIOD_SCHEDULE,
        scheduleExpressionTimezone: 'UTC',
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: fn.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify({ projectId: p.id, trigger: 'next-period' }),
          retryPolicy: { maximumRetryAttempts: 2 },
        },
      }),
  );
}
