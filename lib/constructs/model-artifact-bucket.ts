import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ModelArtifactBucketProps {
  /** Object tags every upload must carry (sent as the `x-amz-tagging` header). @default ['CostCenter', 'Project'] */
  readonly requiredObjectTags?: readonly string[];
  /** Bucket that receives the server access logs. @default - a new, SSE-S3 encrypted log bucket */
  readonly accessLogsBucket?: s3.IBucket;
  /** Key that encrypts the artifacts. @default - a new rotating KMS key */
  readonly encryptionKey?: kms.IKey;
  /** Days before noncurrent versions expire. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
}

/**
 * The bucket for model artifacts: KMS-encrypted, TLS-only, versioned, public access blocked,
 * server access logs on, and a policy that denies `s3:PutObject` unless the upload carries every
 * required object tag, so each artifact's storage is attributable to a cost center and project.
 *
 * @example
 * const artifacts = new ModelArtifactBucket(this, 'ModelArtifacts', { requiredObjectTags: ['CostCenter', 'Project'] });
 */
export class ModelArtifactBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly key: kms.IKey;
  public readonly accessLogsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: ModelArtifactBucketProps = {}) {
    super(scope, id);
    const requiredObjectTags = props.requiredObjectTags ?? ['CostCenter', 'Project'];
    const expiryDays = props.noncurrentVersionExpirationDays ?? 90;
    const problems: string[] = [];
    if (requiredObjectTags.length === 0)
      problems.push('requiredObjectTags must list at least one tag key');
    if (requiredObjectTags.some((k) => k.trim() === ''))
      problems.push('requiredObjectTags has an empty key');
    if (!Number.isInteger(expiryDays) || expiryDays < 1)
      problems.push(
        `noncurrentVersionExpirationDays must be a positive integer, got ${expiryDays}`,
      );
    if (problems.length > 0)
      throw new Error(`ModelArtifactBucket ${this.node.path}: ${problems.join('; ')}`);

    this.key =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts model artifacts (ml-guardrails)',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    if (props.accessLogsBucket) {
      this.accessLogsBucket = props.accessLogsBucket;
    } else {
      const logs = new s3.Bucket(this, 'AccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
        versioned: true,
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [
          { expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) },
        ],
      });
      Validations.of(logs).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'This bucket is the server access log destination of the model-artifact bucket; logging it into itself would loop.',
      });
      this.accessLogsBucket = logs;
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket rather than per object: far fewer KMS calls for large uploads.
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'model-artifacts/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(expiryDays),
          // Multipart uploads are refused by the tag policy; clean up any that were started.
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // One statement per tag: keys under one condition operator are ANDed (IAM User Guide, "Condition
    // element"), so a single statement with
    // all keys would only deny uploads that lack every tag, not uploads that lack any one.
    for (const key of requiredObjectTags) {
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `DenyPutObjectWithout${key.replace(/[^A-Za-z0-9]/g, '')}Tag`,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects('*')],
          conditions: { Null: { [`s3:RequestObjectTag/${key}`]: 'true' } },
        }),
      );
    }
  }
}
