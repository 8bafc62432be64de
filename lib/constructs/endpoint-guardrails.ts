/**
 * IAM for taking SageMaker endpoints to zero cost and bringing them back, and the restore
 * function. The auto-stop stack adds `endpointAutoStopStatements(...)` to its function; the
 * `RestoreFunction` is its own function, invoked directly by the platform team.
 *
 * Sources: SageMaker Stop/Delete/Update actions take `aws:ResourceTag/<key>` conditions, List*
 * needs `Resource: *` (DOMAIN-NOTES.md); Application Auto Scaling's policy examples grant its
 * actions on `*` and callers also need the target service's and CloudWatch's actions
 * (Application Auto Scaling User Guide, "identity-based policy examples"); the first
 * RegisterScalableTarget for SageMaker creates the service-linked role for
 * `sagemaker.application-autoscaling.amazonaws.com`, which needs `iam:CreateServiceLinkedRole`
 * (Application Auto Scaling User Guide, "Service-linked roles", "SageMaker AI and Application
 * Auto Scaling"); target tracking alarms are named `TargetTracking*` (AWS managed policy
 * AWSApplicationAutoscalingSageMakerEndpointPolicy scopes them so).
 */
import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENDPOINT_STATE_TABLE_ACTIONS } from '../../lambdas/endpoints';
import type { GuardrailsPolicy } from '../config/schema';
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
  return {
    endpoint: sm('endpoint'),
    endpointConfig: sm('endpoint-config'),
    component: sm('inference-component'),
    model: sm('model'),
    trackingAlarms: stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: 'TargetTracking*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  };
}

function validate(props: EndpointPermissionsProps): void {
  const problems: string[] = [];
  if (!props.projectTagKey) problems.push('projectTagKey must not be empty');
  if (props.projectIds.length === 0) problems.push('projectIds must list at least one project');
  if (problems.length)
    throw new Error(`EndpointPermissions: ${problems.join('; ')} (got ${JSON.stringify(props)})`);
}

/** Statements both functions share: reads, and Application Auto Scaling on the endpoints. */
function scalingStatements(
  scope: Construct,
  props: EndpointPermissionsProps,
): iam.PolicyStatement[] {
  const a = arns(scope);
  const tagged = {
    StringEquals: { [`aws:ResourceTag/${props.projectTagKey}`]: [...props.projectIds] },
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
      // The tag condition is on the endpoint; the config it moves to is allowed below.
      actions: ['sagemaker:UpdateEndpoint'],
      resources: [a.endpoint],
      conditions: tagged,
    }),
    new iam.PolicyStatement({
      // In case UpdateEndpoint is also authorised on the config it names (not verified live).
      sid: 'UseEndpointConfigs',
      actions: ['sagemaker:UpdateEndpoint'],
      resources: [a.endpointConfig],
    }),
    new iam.PolicyStatement({
      sid: 'ApplicationAutoScaling',
      actions: [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:DeregisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
        'application-autoscaling:DeleteScalingPolicy',
        'application-autoscaling:DescribeScheduledActions',
        'application-autoscaling:PutScheduledAction',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'TargetTrackingAlarms',
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
      resources: [a.trackingAlarms],
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
      // The min-0 copy of an inference-component endpoint's config, created with the project tag.
      actions: ['sagemaker:CreateEndpointConfig', 'sagemaker:AddTags'],
      resources: [a.endpointConfig],
      conditions: {
        StringEquals: { [`aws:RequestTag/${props.projectTagKey}`]: [...props.projectIds] },
      },
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
function nagArn(scope: Construct, service: string, resource: string): string {
  const stack = Stack.of(scope);
  // A known region also fixes the partition (`cdk synth` without AWS config uses us-east-1).
  const part = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
  return `arn:${part(stack.partition, '<AWS::Partition>')}:${service}:${part(stack.region, '<AWS::Region>')}:${part(stack.account, '<AWS::AccountId>')}:${resource}`;
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
      'ListEndpoints, ListInferenceComponents, Application Auto Scaling actions and cloudwatch:DescribeAlarms do not support resource-level permissions (Application Auto Scaling policy examples use "*"); iam:CreateServiceLinkedRole is limited by iam:AWSServiceName to the SageMaker scaling role.',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'endpoint/*')),
      'Endpoints are discovered at run time; every mutating action on them carries an aws:ResourceTag or aws:RequestTag condition on the project tag.',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'endpoint-config/*')),
      'Endpoint configs are only read, and used by CreateEndpoint, which requires the project tag in the request; they are never changed or deleted.',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'inference-component/*')),
      'Inference components are discovered at run time; copy-count changes carry an aws:ResourceTag condition.',
    ],
    [
      iam5(nagArn(scope, 'sagemaker', 'model/*')),
      'Restore only describes models, to report those deleted since parking.',
    ],
    [
      iam5(nagArn(scope, 'cloudwatch', 'alarm:TargetTracking*')),
      'Putting back a target tracking policy manages its TargetTracking* alarms, the prefix AWS uses for them.',
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
  /** Timeout; restore of many endpoints is sequential. @default Duration.minutes(5) */
  readonly timeout?: Duration;
}

/**
 * The restore function: re-creates parked endpoints (CreateEndpoint only with the project tag in
 * the request) and puts back saved scaling; invoked directly with `{ projectId, endpointName? }`.
 *
 * @example
 * new RestoreFunction(this, 'Restore', { policy, policyFile, auditTable: table });
 */
export class RestoreFunction extends Construct {
  public readonly fn: GuardrailFunction;

  constructor(scope: Construct, id: string, props: RestoreFunctionProps) {
    super(scope, id);
    const projectTagKey = props.policy.organisation.projectTagKey;
    const projectIds = props.policy.projects.map((p) => p.id);
    validate({ projectTagKey, projectIds });

    this.fn = new GuardrailFunction(this, 'Function', {
      entry: 'lambdas/endpoints/handler.ts',
      serviceName: 'restore',
      description: 'ml-guardrails: re-create parked SageMaker endpoints and put back their scaling',
      timeout: props.timeout ?? Duration.minutes(5),
      policyFile: props.policyFile,
      environment: { AUDIT_TABLE_NAME: props.auditTable.tableName },
    });
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
        sid: 'RecreateTaggedEndpoints',
        // Only endpoints created with one of the projects' tags; tags are set in the same call.
        actions: ['sagemaker:CreateEndpoint', 'sagemaker:AddTags'],
        resources: [a.endpoint, a.endpointConfig],
        conditions: requestTagged,
      }),
    );
    grantEndpointState(props.auditTable, this.fn);
    acknowledgeEndpointWildcards(this.fn);
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The managed policy only lets the function write its own CloudWatch Logs.',
    });
  }
}
