import { ArnFormat, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALARM_LOOKUP_ACTIONS } from '../../lambdas/paging/alarm-lookup';
import { HEARTBEAT_DETAIL_TYPE, HEARTBEAT_SOURCE } from '../../lambdas/paging/change-events';
import { HOLD_TABLE_ACTIONS } from '../../lambdas/paging/hold';
import { AUTO_STOP_DETAIL_TYPE, AUTO_STOP_SOURCE } from '../../lambdas/shared/change-events';
import { policyNames } from '../config/naming';
import type { GuardrailsPolicy } from '../config/schema';
import { AlertTopic, TopicPublisher } from '../constructs/alert-topic';
import { GuardrailFunction } from '../constructs/guardrail-function';
import { GuardrailsMonitoring } from '../constructs/guardrails-monitoring';

/** Physical name of the alarms topic; other stacks compute its ARN instead of importing it. */
export const ALARMS_TOPIC_NAME = 'ml-guardrails-alarms';

/** ARN of the alarms topic in the stack's account and region (no cross-stack export). */
export function alarmsTopicArn(stack: Stack, topicName: string = ALARMS_TOPIC_NAME): string {
  return stack.formatArn({ service: 'sns', resource: topicName });
}

/** IAM action the router needs on each routing-key secret. */
export const ROUTING_KEY_SECRET_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

export interface PagingStackProps extends StackProps {
  readonly policy: GuardrailsPolicy;
  /** Path of the policy file, bundled into the router. */
  readonly policyFile: string;
  /** Router timeout; PagerDuty retries stop 3 s before it. @default Duration.seconds(60) */
  readonly routerTimeout?: Duration;
  /**
   * Reserved concurrency of the router: bounds what a flood of alarms can take from the
   * account's Lambda concurrency and the load on PagerDuty. @default 10
   */
  readonly routerConcurrency?: number;
  /** Seconds a routing key stays cached in the function. @default 300 */
  readonly routingKeyCacheSeconds?: number;
}

/**
 * Paging: CloudWatch alarms (alarms topic and an EventBridge rule) to PagerDuty through the
 * router, by the policy's alarm rules, RACI and on-call coverage; a hold queue for teams that
 * are paged only inside their window; and the alarms and dashboard that watch the guardrails.
 */
export class PagingStack extends Stack {
  public readonly alarmsTopic: AlertTopic;
  public readonly router: GuardrailFunction;
  public readonly monitoring: GuardrailsMonitoring;
  /** Held pages waiting for a coverage window (re-checked at most every 15 minutes). */
  public readonly holdQueue: sqs.Queue;
  public readonly holdDeadLetterQueue: sqs.Queue;
  /** SNS deliveries to the router that failed. */
  public readonly subscriptionDeadLetterQueue: sqs.Queue;
  /** EventBridge deliveries to the router that failed. */
  public readonly ruleDeadLetterQueue?: sqs.Queue;
  public readonly heldAlarms: dynamodb.Table;
  /** One topic per team for the Consulted and Informed notifications (team id -> topic). */
  public readonly notifyTopics: Record<string, sns.Topic> = {};

  constructor(scope: Construct, id: string, props: PagingStackProps) {
    super(scope, id, props);
    const { policy } = props;
    const names = policyNames(policy);
    const timeout = props.routerTimeout ?? Duration.seconds(60);

    this.alarmsTopic = new AlertTopic(this, 'Alarms', {
      // Named so stacks and other tools reference it by ARN without a cross-stack export.
      topicName: names.alarmsTopic,
      displayName: 'ml-guardrails alarms',
      publishers: [TopicPublisher.cloudWatch()],
    });

    const deadLetterQueue = (queueId: string, key?: kms.IKey) => {
      const q = new sqs.Queue(this, queueId, {
        ...(key
          ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
          : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(q).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter queue; its depth is alarmed and redriven by hand.',
      });
      return q;
    };

    this.holdDeadLetterQueue = deadLetterQueue('HoldDeadLetterQueue');
    this.holdQueue = new sqs.Queue(this, 'HoldQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // AWS recommends a visibility timeout of six times the function timeout for SQS sources.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.holdDeadLetterQueue, maxReceiveCount: 5 },
    });

    this.heldAlarms = new dynamodb.Table(this, 'HeldAlarms', {
      partitionKey: { name: 'dedupKey', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    this.router = new GuardrailFunction(this, 'Router', {
      entry: 'lambdas/paging/handler.ts',
      serviceName: 'paging',
      description: 'Routes CloudWatch alarms to PagerDuty by the RACI and on-call policy',
      memorySize: 256,
      timeout,
      policyFile: props.policyFile,
      reservedConcurrentExecutions: props.routerConcurrency ?? 10,
      environment: {
        HOLD_QUEUE_URL: this.holdQueue.queueUrl,
        HOLD_TABLE_NAME: this.heldAlarms.tableName,
        ROUTING_KEY_CACHE_SECONDS: String(props.routingKeyCacheSeconds ?? 300),
      },
    });

    const role = this.router.role;
    if (role) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The Lambda basic execution policy only lets the function write its own CloudWatch Logs.',
      });
    }

    // Least privilege: the named secrets only. Secrets Manager appends "-" and 6 random
    // characters to a secret's ARN, hence the trailing wildcard.
    this.router.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...ROUTING_KEY_SECRET_ACTIONS],
        resources: policy.paging.services.map((s) =>
          this.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${s.routingKeySecret}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
    // DescribeAlarms has no resource-level permissions (CloudWatch: "Actions, resources, and
    // condition keys"); it only reads.
    this.router.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...ALARM_LOOKUP_ACTIONS], resources: ['*'] }),
    );
    if (role)
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch DescribeAlarms (read-only) do not support resource-level permissions.',
      });
    if (role)
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          "Publishing to the encrypted notification topics needs GenerateDataKey* on those topics' own keys only (CDK's topic publish grant).",
      });

    // Consulted and Informed: one topic per team, its email subscribed.
    const topicArns: Record<string, string> = {};
    for (const team of policy.teams) {
      const t = new AlertTopic(this, `Notify-${team.id}`, {
        displayName: `ml-guardrails: pages ${team.name} is consulted or informed about`,
        // One customer-managed key for the paging topics, not one per team.
        encryptionKey: this.alarmsTopic.key,
      });
      if (team.email) t.topic.addSubscription(new EmailSubscription(team.email));
      t.topic.grantPublish(this.router);
      this.notifyTopics[team.id] = t.topic;
      topicArns[team.id] = t.topic.topicArn;
    }
    this.router.addEnvironment('NOTIFY_TOPIC_ARNS', this.toJsonString(topicArns));
    this.holdQueue.grantSendMessages(this.router);
    this.heldAlarms.grant(this.router, ...HOLD_TABLE_ACTIONS);
    this.router.addEventSource(
      new SqsEventSource(this.holdQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    // SNS can write to an encrypted DLQ only with a customer-managed key whose policy lets SNS
    // use it (SNS developer guide, "Amazon SNS dead-letter queues"): reuse the topic's CMK.
    this.subscriptionDeadLetterQueue = deadLetterQueue(
      'SubscriptionDeadLetterQueue',
      this.alarmsTopic.key,
    );
    this.alarmsTopic.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSnsDeadLetterQueue',
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          // The ARN built from the fixed name: referencing the topic would be a key <-> topic cycle.
          ArnLike: { 'aws:SourceArn': alarmsTopicArn(this, names.alarmsTopic) },
        },
      }),
    );
    this.alarmsTopic.topic.addSubscription(
      new LambdaSubscription(this.router, { deadLetterQueue: this.subscriptionDeadLetterQueue }),
    );

    if (policy.paging.eventBridge.enabled) {
      this.ruleDeadLetterQueue = deadLetterQueue('RuleDeadLetterQueue');
      new events.Rule(this, 'AlarmStateChange', {
        description: "This account's CloudWatch alarm state changes in this region to the router",
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          // Only this account's alarms, also on a bus that receives other accounts' events.
          account: [this.account],
          detail: {
            alarmName: events.Match.anythingButPrefix(
              policy.paging.eventBridge.excludeAlarmNamePrefix,
            ),
          },
        },
        targets: [
          new targets.LambdaFunction(this.router, {
            deadLetterQueue: this.ruleDeadLetterQueue,
            retryAttempts: 8,
            maxEventAge: Duration.hours(2),
          }),
        ],
      });
    }

    this.monitoring = new GuardrailsMonitoring(this, 'Monitoring', {
      alarmTopic: this.alarmsTopic.topic,
      alarmNamePrefix: names.alarmNamePrefix,
      dashboardName: names.dashboard,
    });
    this.monitoring.watch(this.router, { name: 'router' });
    this.monitoring.watch(this.router.failureQueue, { name: 'router-failures' });
    this.monitoring.watch(this.subscriptionDeadLetterQueue, { name: 'alarm-topic-dlq' });
    if (this.ruleDeadLetterQueue)
      this.monitoring.watch(this.ruleDeadLetterQueue, { name: 'alarm-rule-dlq' });
    this.monitoring.watch(this.holdDeadLetterQueue, { name: 'hold-dlq' });
    this.monitoring.showQueue(this.holdQueue, 'held pages');
    this.monitoring.watchMetric('pages-failed', {
      metricName: 'pagesFailed',
      service: 'paging',
    });

    // Out of band: the guardrails' own alarms also reach people by email straight from the
    // alarms topic, without the router (a failing router, Secrets Manager or PagerDuty would
    // otherwise silence the alarm about itself). SNS filters on the JSON message body, so only
    // alarms named ml-guardrails-* are emailed ("Amazon SNS message filtering": payload-based).
    const platform = policy.teams.find((t) => t.id === policy.paging.platformTeam);
    const emails =
      policy.paging.outOfBand.emails.length > 0
        ? policy.paging.outOfBand.emails
        : platform?.email
          ? [platform.email]
          : [];
    for (const email of emails)
      this.alarmsTopic.topic.addSubscription(
        new EmailSubscription(email, {
          filterPolicyWithMessageBody: {
            AlarmName: sns.FilterOrPolicy.filter(
              sns.SubscriptionFilter.stringFilter({ matchPrefixes: [`${names.alarmNamePrefix}-`] }),
            ),
          },
        }),
      );

    // Change events: auto-stop actions on the owning team's service timeline.
    new events.Rule(this, 'AutoStopChangeEvents', {
      description: 'Auto-stop actions to PagerDuty as change events',
      eventPattern: {
        source: [AUTO_STOP_SOURCE],
        detailType: [AUTO_STOP_DETAIL_TYPE],
        account: [this.account],
      },
      targets: [
        new targets.LambdaFunction(this.router, {
          deadLetterQueue: this.ruleDeadLetterQueue ?? this.holdDeadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    // Heartbeat: a change event to the platform team's service on a schedule; an alarm (also
    // emailed out of band) fires when heartbeats stop being delivered.
    if (policy.paging.heartbeat.enabled) {
      const every = Duration.minutes(policy.paging.heartbeat.everyMinutes);
      new events.Rule(this, 'Heartbeat', {
        description: 'Heartbeat of the paging router: a PagerDuty change event',
        schedule: events.Schedule.rate(every),
        targets: [
          new targets.LambdaFunction(this.router, {
            event: events.RuleTargetInput.fromObject({
              source: HEARTBEAT_SOURCE,
              'detail-type': HEARTBEAT_DETAIL_TYPE,
              time: events.EventField.time,
              detail: {},
            }),
            retryAttempts: 2,
          }),
        ],
      });
      this.monitoring.watchHeartbeat(
        'heartbeat-missing',
        { metricName: 'heartbeatsDelivered', service: 'paging' },
        every,
      );
    }
  }
}
