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
  /**
   * Conditions on the publisher's use of the topic's KMS key. Only keys the service documents as
   * present in its KMS requests: a key the request lacks fails the condition, and the service
   * then drops every message silently.
   */
  keyConditions(scope: Construct): Record<string, Record<string, string>>;
}

/**
 * A publisher pinned to the scope's account by `aws:SourceAccount` and to its own resources by
 * `aws:SourceArn` (confused-deputy protection for service principals).
 */
function accountScoped(
  servicePrincipal: string,
  sourceArn: (env: { partition: string; region: string; account: string }) => string,
  keyScopedToAccount = true,
): ITopicPublisher {
  return {
    servicePrincipal,
    keyConditions: (scope): Record<string, Record<string, string>> =>
      keyScopedToAccount ? { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } } : {},
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
   * AWS Budgets. The topic policy is the one AWS documents ("Creating an Amazon SNS topic for
   * budget notifications", AWS Cost Management User Guide): `aws:SourceAccount` and an
   * `aws:SourceArn` with an empty region field (`arn:<partition>:budgets::<account>:*`). The key
   * policy statement is the one the Amazon SNS Developer Guide documents for AWS services that
   * publish to encrypted topics ("Enable compatibility between event sources from AWS services
   * and encrypted topics"): `kms:GenerateDataKey*` and `kms:Decrypt` for the service principal,
   * with no condition, since AWS documents no condition key that Budgets' KMS requests carry.
   * The key encrypts only this topic, and the topic policy already limits who may publish.
   */
  budgets: (): ITopicPublisher =>
    accountScoped(
      'budgets.amazonaws.com',
      (e) => `arn:${e.partition}:budgets::${e.account}:*`,
      false,
    ),

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
  /**
   * Deny `sns:Publish` to every principal that is not one of `publishers`, so no user or role of
   * the account can post a message that looks like theirs. @default false
   */
  readonly onlyPublishers?: boolean;
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
          conditions: publisher.keyConditions(this),
        }),
      );
    }

    if (props.onlyPublishers) {
      if (publishers.length === 0)
        throw new Error(
          `AlertTopic ${this.node.path}: onlyPublishers needs at least one publisher`,
        );
      // `aws:PrincipalServiceName` is in the request context only when an AWS service principal
      // makes the request (IAM User Guide, "AWS global condition context keys"); for any user or
      // role it is absent, and StringNotEquals on an absent key matches, so they are denied.
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyPublishExceptListedServices',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: {
            StringNotEquals: {
              'aws:PrincipalServiceName': publishers.map((p) => p.servicePrincipal),
            },
          },
        }),
      );
    }
  }
}
