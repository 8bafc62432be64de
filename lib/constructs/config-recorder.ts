import { Aws, CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RECORDER_READ_ACTIONS } from '../../lambdas/tag-compliance/config';
import { GuardrailFunction } from './guardrail-function';
import { GuardrailProvider } from './guardrail-provider';

export interface ConfigRecorderProps {
  /** Days AWS Config snapshots and history stay in the delivery bucket. @default 365 */
  readonly retentionDays?: number;
}

/**
 * An AWS Config configuration recorder (all supported resource types) with its delivery channel
 * and bucket. Opt-in: most accounts already have one (Control Tower creates it), and CDK's
 * aws-config module has no L2 construct for recorders, only CfnConfigurationRecorder.
 */
export class ConfigRecorder extends Construct {
  public readonly recorder: config.CfnConfigurationRecorder;
  public readonly deliveryChannel: config.CfnDeliveryChannel;
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps = {}) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(retentionDays) }],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Written only by the AWS Config service principal; its access is recorded in CloudTrail.',
    });
    // The Config delivery bucket policy: Config checks the ACL, lists, and writes under AWSLogs/.
    const sourceAccount = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
    const configPrincipal = new iam.ServicePrincipal('config.amazonaws.com');
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSConfigBucketPermissionsCheck',
        principals: [configPrincipal],
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: sourceAccount,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSConfigBucketDelivery',
        principals: [configPrincipal],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/Config/*`)],
        conditions: {
          StringEquals: {
            's3:x-amz-acl': 'bucket-owner-full-control',
            'aws:SourceAccount': Aws.ACCOUNT_ID,
          },
        },
      }),
    );

    const role = new iam.Role(this, 'Role', {
      assumedBy: configPrincipal,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]',
      reason:
        'AWS_ConfigRole is the AWS-maintained read-only policy the recorder needs to describe every supported resource type.',
    });

    this.recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: role.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: false },
    });
    this.deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      s3BucketName: this.bucket.bucketName,
      configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
    });
    this.deliveryChannel.node.addDependency(this.bucket.policy ?? this.bucket);
    // Recorder first, then its delivery channel.
    this.deliveryChannel.addDependency(this.recorder);
  }
}

export interface ConfigRecorderPreconditionProps {
  /** Whether this stack creates the recorder (`tagCompliance.createConfigRecorder`). */
  readonly createConfigRecorder: boolean;
}

/**
 * Fails the deploy before any Config rule is created, with one message naming the fix, when the
 * region has no configuration recorder (and the stack creates none), or already has one (and the
 * stack would create a second). Make the rules and the recorder depend on it.
 */
export class ConfigRecorderPrecondition extends Construct {
  public readonly resource: CustomResource;
  public readonly fn: GuardrailFunction;

  constructor(scope: Construct, id: string, props: ConfigRecorderPreconditionProps) {
    super(scope, id);
    this.fn = new GuardrailFunction(this, 'Function', {
      entry: 'lambdas/tag-compliance/recorder-check-handler.ts',
      serviceName: 'tag-compliance',
      description: 'ml-guardrails: checks the AWS Config recorder before Config rules are created',
      memorySize: 256,
      timeout: Duration.minutes(1),
    });
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...RECORDER_READ_ACTIONS], resources: ['*'] }),
    );
    Validations.of(this.fn).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'Lets the function write its own log group; AWS-maintained and minimal.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Describe of configuration recorders and X-Ray tracing have no resource-level permissions; read-only.',
      },
    );
    this.resource = new CustomResource(this, 'Check', {
      serviceToken: new GuardrailProvider(this, 'Provider', { onEventHandler: this.fn })
        .serviceToken,
      resourceType: 'Custom::ConfigRecorderPrecondition',
      properties: { CreateConfigRecorder: props.createConfigRecorder },
    });
  }
}
