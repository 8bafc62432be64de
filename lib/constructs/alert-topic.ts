import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * An AWS service allowed to publish to an {@link AlertTopic}. A strategy rather than flags, so a
 * new publisher (EventBridge, S3) is one more factory, not one more boolean.
 */
export interface ITopicPublisher {
  /** Service principal, e.g. `budgets.amazonaws.com`. */
  readonly servicePrincipal: string;
  /** Conditions on the publish grant that pin the publisher to the scope's account (and region). */
  conditions(scope: Construct): Record<string, Record<string, string>>;
}

/**
 * A publisher pinned to the scope's account by `aws:SourceAccount` and to its own resources by
 * `aws:SourceArn` (confused-deputy protection for service principals).
 */
function accountScoped(
  servicePrincipal: string,
  sourceArn: (env: { partition: string; region: string; account: string }) => string,
): ITopicPublisher {
  return {
    servicePrincipal,
    conditions: (scope) => {
      const { account, partition, region } = Stack.of(scope);
      return {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': sourceArn({ partition, region, account }) },
      };
    },
  };
}

/** Factories for the publishers this project uses. */
export const TopicPublisher = {
  /**
   * AWS Budgets. Its source ARN has an empty region field (`arn:<partition>:budgets::<account>:*`),
   * as the AWS Budgets user guide's SNS topic policy example shows.
   */
  budgets: (): ITopicPublisher =>
    accountScoped('budgets.amazonaws.com', (e) => `arn:${e.partition}:budgets::${e.account}:*`),

  /** CloudWatch alarms in this account and region. */
  cloudWatch: (): ITopicPublisher =>
    accountScoped(
      'cloudwatch.amazonaws.com',
      (e) => `arn:${e.partition}:cloudwatch:${e.region}:${e.account}:alarm:*`,
    ),

  /** EventBridge rules in this account and region. */
  eventBridge: (): ITopicPublisher =>
    accountScoped(
      'events.amazonaws.com',
      (e) => `arn:${e.partition}:events:${e.region}:${e.account}:rule/*`,
    ),
};

export interface AlertTopicProps {
  /** Physical topic name; set it only when something outside this app must know the ARN. @default - generated */
  readonly topicName?: string;
  /** Display name shown in email notifications. @default - none */
  readonly displayName?: string;
  /** AWS services allowed to publish (each gets key use and a scoped topic-policy grant). @default [] */
  readonly publishers?: ITopicPublisher[];
  /** Customer-managed key; the AWS-managed `alias/aws/sns` key cannot be used by Budgets or CloudWatch. @default - a new rotating key */
  readonly encryptionKey?: kms.IKey;
}

/**
 * An SNS topic that is secure by default: encrypted with a customer-managed KMS key, TLS-only,
 * and publishable only by the listed AWS services from this account.
 *
 * @example
 * const topic = new AlertTopic(this, 'AutoStopTopic', { publishers: [TopicPublisher.budgets()] });
 */
export class AlertTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    const publishers = props.publishers ?? [];

    this.key =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the ${id} SNS topic (ml-guardrails)`,
        enableKeyRotation: true,
        // Keep the key if the stack goes: messages and subscriptions may still reference it.
        removalPolicy: RemovalPolicy.RETAIN,
        pendingWindow: Duration.days(30),
      });

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });

    for (const publisher of publishers) {
      const principal = new iam.ServicePrincipal(publisher.servicePrincipal);
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Allow${publisher.servicePrincipal.split('.')[0]}Publish`,
          principals: [principal],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: publisher.conditions(this),
        }),
      );
      // Services publishing to an encrypted topic must be able to use the CMK.
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [principal],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
    }
  }
}
