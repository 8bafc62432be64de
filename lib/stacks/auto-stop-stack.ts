import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { STOPPABLE_SPECS } from '../../lambdas/shared/sagemaker-kinds';
import { TAGGING_READ_ACTIONS } from '../../lambdas/shared/tagging';
import { deploymentNames, policyNames } from '../config/naming';
import type { GuardrailsPolicy } from '../config/schema';
import { AlertTopic, TopicPublisher } from '../constructs/alert-topic';
import {
  autoStopRegions,
  budgetReadStatement,
  describeStatement,
  discoveryStatement,
  enforcedProjectIds,
  stopStatement,
} from '../constructs/auto-stop-iam';
import { putChangeEventsStatement } from '../constructs/change-events';
import {
  acknowledgeEndpointWildcards,
  endpointAutoStopStatements,
  grantEndpointState,
  RestoreFunction,
} from '../constructs/endpoint-guardrails';
import { GuardrailFunction } from '../constructs/guardrail-function';
import { GuardrailsMonitoring } from '../constructs/guardrails-monitoring';
import { PeriodGuard } from '../constructs/period-guard';
import { alarmsTopicArn } from './paging-stack';

/** Physical name of the auto-stop topic (default prefix); budget stacks compute its ARN instead of importing it. */
export const AUTO_STOP_TOPIC_NAME = deploymentNames().autoStopTopic;

/** Concurrency reserved for the notification function (and the most it may use). */
export const AUTO_STOP_RESERVED_CONCURRENCY = 5;
/** Concurrency reserved for the worker, never below its queue's maxConcurrency (SQS would throttle it). */
export const WORKER_RESERVED_CONCURRENCY = 5;

export interface AutoStopStackProps extends StackProps {
  readonly policy: GuardrailsPolicy;
  /** Path of the policy file, bundled into the functions. */
  readonly policyFile: string;
  /** Stop calls in flight per invocation. @default 4 */
  readonly concurrency?: number;
  /**
   * Most stops one invocation does before fanning out to the worker. Discovery no longer grows
   * with history, so 1,000 stops (40 s at 25 per second) fit the 5-minute timeout. @default 1000
   */
  readonly inlineActionLimit?: number;
  /** Worker invocations at once (SQS event source `maxConcurrency`, at least 2). @default 2 */
  readonly workerConcurrency?: number;
}

/**
 * The auto-stop flow: the encrypted topic AWS Budgets publishes threshold notifications to, the
 * function that verifies the spend and stops the project's SageMaker work, the worker that takes
 * over large stop lists from a queue, the audit and idempotency tables, and the email report topic.
 */
export class AutoStopStack extends Stack {
  public readonly notificationTopic: AlertTopic;
  /** Audit records (`PROJECT#<id>` / `AUDIT#<time>#<arn>`) and saved endpoint state (`SAVED#<name>`). */
  public readonly auditTable: dynamodb.Table;
  /** Powertools idempotency records, keyed on the SNS MessageId. */
  public readonly idempotencyTable: dynamodb.Table;
  /** Plain-text reports, filtered per subscriber by the `project` message attribute. */
  public readonly reportTopic: AlertTopic;
  public readonly autoStopFunction: GuardrailFunction;
  public readonly workQueue: sqs.Queue;
  public readonly workerFunction: GuardrailFunction;
  /** Re-creates parked endpoints and puts saved scaling back (invoked by the platform team). */
  public readonly restoreFunction: RestoreFunction;
  /** Alarms on this stack's functions and queues, paging the platform team. */
  public readonly monitoring: GuardrailsMonitoring;
  /** Holds auto-stop for the rest of the budget period after the threshold (events, sweep, digest). */
  public readonly periodGuard: PeriodGuard;

  constructor(scope: Construct, id: string, props: AutoStopStackProps) {
    super(scope, id, props);
    const { policy } = props;
    const names = policyNames(policy);
    const workerConcurrency = props.workerConcurrency ?? 2;
    if (workerConcurrency < 2 || workerConcurrency > 1000)
      throw new Error(
        `AutoStopStack: workerConcurrency must be 2-1000 (SQS event source maxConcurrency), got ${workerConcurrency}`,
      );

    this.notificationTopic = new AlertTopic(this, 'BudgetNotifications', {
      // Named so budget stacks can reference it without a cross-stack export that pins it.
      topicName: names.autoStopTopic,
      displayName: 'ml-guardrails auto-stop',
      publishers: [TopicPublisher.budgets()],
      // Only Budgets starts a stop: no user or role of the account may publish here.
      onlyPublishers: true,
    });

    this.auditTable = new dynamodb.Table(this, 'AuditTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The audit trail and saved endpoint state outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      // Attribute names are the Powertools idempotency defaults (`id`, `expiration`).
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Named, like the notification topic: the budget stacks hold its email subscriptions (one per
    // address, placed by a hash of the address) so no stack outgrows CloudFormation's limits.
    this.reportTopic = new AlertTopic(this, 'ReportTopic', {
      topicName: names.reportTopic,
      displayName: 'ml-guardrails auto-stop report',
    });
    // Reports SNS could not deliver to an address wait here instead of being dropped.
    const reportDlq = new sqs.Queue(this, 'ReportDeadLetterQueue', {
      queueName: names.reportDeadLetterQueue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // The subscriptions live in other stacks, so the grant CDK would add there is made here.
    reportDlq.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [reportDlq.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.reportTopic.topic.topicArn } },
      }),
    );
    Validations.of(reportDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the report email subscriptions.',
    });

    const workDlq = new sqs.Queue(this, 'WorkDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(workDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the auto-stop work queue.',
    });
    const workerTimeout = Duration.minutes(2);
    this.workQueue = new sqs.Queue(this, 'WorkQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // AWS guidance for Lambda event sources: visibility timeout at least 6x the function timeout.
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: workDlq, maxReceiveCount: 5 },
    });

    const specs = STOPPABLE_SPECS;
    const regions = autoStopRegions(policy);
    const environment = {
      AUDIT_TABLE_NAME: this.auditTable.tableName,
      AUTO_STOP_CONCURRENCY: String(props.concurrency ?? 4),
      AUTO_STOP_INLINE_LIMIT: String(props.inlineActionLimit ?? 1000),
      AWS_RETRY_MODE: 'adaptive',
      AWS_MAX_ATTEMPTS: '10',
    };

    this.autoStopFunction = new GuardrailFunction(this, 'AutoStopFunction', {
      entry: 'lambdas/auto-stop/handler.ts',
      serviceName: 'auto-stop',
      description: 'Verifies a budget notification and stops the project SageMaker work',
      policyFile: props.policyFile,
      // Budgets sends a handful of notifications a month: a small reservation keeps a flood of
      // messages from taking the account's concurrency, and this function always has some.
      reservedConcurrentExecutions: AUTO_STOP_RESERVED_CONCURRENCY,
      timeout: Duration.minutes(5),
      environment: {
        ...environment,
        IDEMPOTENCY_TABLE_NAME: this.idempotencyTable.tableName,
        REPORT_TOPIC_ARN: this.reportTopic.topic.topicArn,
        WORK_QUEUE_URL: this.workQueue.queueUrl,
        // Records from any other topic are refused: only Budgets can publish to this one.
        AUTO_STOP_TOPIC_ARN: this.notificationTopic.topic.topicArn,
      },
    });
    this.workerFunction = new GuardrailFunction(this, 'AutoStopWorker', {
      entry: 'lambdas/auto-stop/worker.ts',
      serviceName: 'auto-stop-worker',
      description: 'Carries out auto-stop requests queued by the auto-stop function',
      policyFile: props.policyFile,
      reservedConcurrentExecutions: Math.max(WORKER_RESERVED_CONCURRENCY, workerConcurrency),
      timeout: workerTimeout,
      environment,
    });

    const stop = stopStatement(
      specs,
      policy.organisation.projectTagKey,
      enforcedProjectIds(policy),
      regions,
    );
    for (const fn of [this.autoStopFunction, this.workerFunction]) {
      if (stop) fn.addToRolePolicy(stop);
      this.auditTable.grantWriteData(fn);
      // The worker re-reads each resource and its tags; discovery describes tagged ARNs.
      fn.addToRolePolicy(describeStatement(specs, regions));
      fn.addToRolePolicy(putChangeEventsStatement(this));
    }
    // Endpoints: scale to zero or park, saving what is changed in the audit table first.
    const enforced = enforcedProjectIds(policy);
    if (enforced.length > 0)
      for (const fn of [this.autoStopFunction, this.workerFunction]) {
        for (const statement of endpointAutoStopStatements(this, {
          projectTagKey: policy.organisation.projectTagKey,
          projectIds: enforced,
        }))
          fn.addToRolePolicy(statement);
        grantEndpointState(this.auditTable, fn);
        acknowledgeEndpointWildcards(fn);
      }
    this.restoreFunction = new RestoreFunction(this, 'Restore', {
      policy,
      policyFile: props.policyFile,
      auditTable: this.auditTable,
    });
    this.autoStopFunction.addToRolePolicy(discoveryStatement(specs));
    this.workerFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadTagsOfQueuedWork',
        actions: [...TAGGING_READ_ACTIONS],
        resources: ['*'],
      }),
    );
    this.autoStopFunction.addToRolePolicy(
      budgetReadStatement(policy.projects.map((p) => p.budgetName)),
    );
    this.idempotencyTable.grantReadWriteData(this.autoStopFunction);
    this.reportTopic.topic.grantPublish(this.autoStopFunction);
    this.workQueue.grantSendMessages(this.autoStopFunction);
    // Only the auto-stop function may queue work: the worker acts on names and ARNs in messages.
    const senderRole = this.autoStopFunction.role;
    if (senderRole)
      this.workQueue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OnlyAutoStopFunctionSends',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['sqs:SendMessage'],
          resources: [this.workQueue.queueArn],
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': senderRole.roleArn } },
        }),
      );

    const subscriptionDlq = new sqs.Queue(this, 'NotificationDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(subscriptionDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the auto-stop topic subscription.',
    });
    this.notificationTopic.topic.addSubscription(
      new subscriptions.LambdaSubscription(this.autoStopFunction, {
        deadLetterQueue: subscriptionDlq,
      }),
    );
    this.workerFunction.addEventSource(
      new SqsEventSource(this.workQueue, {
        batchSize: 2,
        maxConcurrency: workerConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    const listReason =
      'SageMaker List* calls and tag:GetResources do not support resource-level permissions (Service Authorization Reference, Amazon SageMaker and Resource Groups Tagging API); they are read-only.';
    const stopReason =
      'Describe* is read-only; Stop* is limited to resources carrying the project tag of an enforce-mode project (aws:ResourceTag condition); the name part is a wildcard because jobs are created at run time.';
    for (const fn of [this.autoStopFunction, this.workerFunction])
      Validations.of(fn).acknowledge(
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: listReason },
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            'The standard Lambda logging permissions (CloudWatch Logs only), added by NodejsFunction.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
          reason:
            'Publishing to the report topic, which is encrypted with its own customer-managed key; the statement is scoped to that key.',
        },
        ...specs.flatMap((s) =>
          regions.map((r) => ({
            id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:${r === Aws.REGION ? '<AWS::Region>' : r}:<AWS::AccountId>:${s.taggingType.split(':')[1]}/*]`,
            reason: stopReason,
          })),
        ),
      );

    // Watching the watchers: the alarms topic is found by name, so no cross-stack export.
    this.monitoring = new GuardrailsMonitoring(this, 'Monitoring', {
      alarmTopic: sns.Topic.fromTopicArn(
        this,
        'AlarmsTopic',
        alarmsTopicArn(this, names.alarmsTopic),
      ),
      alarmNamePrefix: names.alarmNamePrefix,
      dashboard: false,
    });
    const watched: [Parameters<GuardrailsMonitoring['watch']>[0], string][] = [
      [this.autoStopFunction, 'auto-stop'],
      [this.autoStopFunction.failureQueue, 'auto-stop-failures'],
      [subscriptionDlq, 'notification-dlq'],
      [this.workerFunction, 'worker'],
      [this.workerFunction.failureQueue, 'worker-failures'],
      [workDlq, 'work-dlq'],
      [reportDlq, 'report-dlq'],
      [this.restoreFunction.fn, 'restore'],
      [this.restoreFunction.fn.failureQueue, 'restore-failures'],
    ];
    for (const [target, name] of watched) this.monitoring.watch(target, { name });
    // A stop that failed after retries is reported; it also pages the platform team.
    this.monitoring.watchMetric('stops-failed', {
      metricName: 'stopsFailed',
      service: 'auto-stop',
    });
    // A live budget limit that differs from the policy: someone changed the budget.
    this.monitoring.watchMetric('budget-limit-mismatch', {
      metricName: 'budgetLimitMismatch',
      service: 'auto-stop',
    });
    this.monitoring.watchMetric('worker-stops-failed', {
      metricName: 'stopsFailed',
      service: 'auto-stop-worker',
    });

    this.periodGuard = new PeriodGuard(this, 'PeriodGuard', {
      policy,
      policyFile: props.policyFile,
      auditTable: this.auditTable,
      reportTopic: this.reportTopic.topic,
      notificationFunction: this.autoStopFunction,
      monitoring: this.monitoring,
    });
  }
}
