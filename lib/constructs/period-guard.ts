/**
 * The auto-stop period guard: its table (holds, claims, digest lines; TTL `expiresAt`), its
 * function, the EventBridge rules that send SageMaker state-change events to it, the sweep and
 * digest schedules, and the IAM for what it reads and stops. The notification function gets
 * `GUARD_TABLE_NAME` and write access, so it can record holds.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STATE_CHANGE_TYPES } from '../../lambdas/auto-stop/period-guard/event';
import { GUARD_TABLE_ACTIONS } from '../../lambdas/auto-stop/period-guard/store';
import { TAG_READ_ACTIONS } from '../../lambdas/auto-stop/period-guard/tags';
import { STOPPABLE_SPECS } from '../../lambdas/shared/sagemaker-kinds';
import { projectRegions } from '../config/naming';
import { AutoStopGuardSchema, type GuardrailsPolicy } from '../config/schema';
import {
  budgetReadStatement,
  describeStatement,
  discoveryStatement,
  enforcedProjectIds,
  stopStatement,
} from './auto-stop-iam';
import { putChangeEventsStatement } from './change-events';
import {
  acknowledgeEndpointWildcards,
  endpointAutoStopStatements,
  grantEndpointState,
} from './endpoint-guardrails';
import { GuardrailFunction } from './guardrail-function';
import type { GuardrailsMonitoring } from './guardrails-monitoring';

export interface PeriodGuardProps {
  readonly policy: GuardrailsPolicy;
  /** Policy file bundled into the function. */
  readonly policyFile: string;
  /** The auto-stop audit table (resource and hold audit items, saved endpoint state). */
  readonly auditTable: dynamodb.ITable;
  /** The report topic the daily digests go to. */
  readonly reportTopic: sns.ITopic;
  /** The notification function, which records holds. */
  readonly notificationFunction: GuardrailFunction;
  /** Alarms for the guard's function and queues. @default - none */
  readonly monitoring?: GuardrailsMonitoring;
  /** Stop calls in flight during a sweep. @default 4 */
  readonly concurrency?: number;
}

export class PeriodGuard extends Construct {
  public readonly table: dynamodb.Table;
  public readonly fn: GuardrailFunction;
  /** One rule per watched state-change detail type. */
  public readonly stateChangeRules: events.Rule[] = [];
  public readonly sweepRule: events.Rule;
  public readonly digestRule: events.Rule;
  /** Events EventBridge could not deliver to the function after its retries. */
  public readonly eventsDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: PeriodGuardProps) {
    super(scope, id);
    const { policy } = props;
    const guard = AutoStopGuardSchema.parse(policy.defaults.autoStop.guard ?? {});

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Holds and claims only matter within a budget period; the audit trail is in the audit table.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.fn = new GuardrailFunction(this, 'Function', {
      entry: 'lambdas/auto-stop/period-guard/handler.ts',
      serviceName: 'auto-stop-guard',
      description:
        'Stops work a held project starts after its budget threshold, sweeps, and sends the daily digest',
      policyFile: props.policyFile,
      timeout: Duration.minutes(5),
      environment: {
        AUDIT_TABLE_NAME: props.auditTable.tableName,
        GUARD_TABLE_NAME: this.table.tableName,
        REPORT_TOPIC_ARN: props.reportTopic.topicArn,
        AUTO_STOP_CONCURRENCY: String(props.concurrency ?? 4),
        AWS_RETRY_MODE: 'adaptive',
        AWS_MAX_ATTEMPTS: '10',
      },
    });

    this.eventsDeadLetterQueue = new sqs.Queue(this, 'EventsDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.eventsDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the period guard event rules.',
    });
    const target = (input?: events.RuleTargetInput) =>
      new targets.LambdaFunction(this.fn, {
        deadLetterQueue: this.eventsDeadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.hours(2),
        ...(input ? { event: input } : {}),
      });

    // Detail types and status fields: "Events that Amazon SageMaker AI sends to Amazon
    // EventBridge" (SageMaker Developer Guide); only this account's events, only running states.
    for (const t of STATE_CHANGE_TYPES)
      this.stateChangeRules.push(
        new events.Rule(this, `${t.detailType.replace(/[^A-Za-z]/g, '')}Rule`, {
          description: `Period guard: ${t.detailType} entering ${t.running.join(' / ')}`,
          eventPattern: {
            source: ['aws.sagemaker'],
            detailType: [t.detailType],
            account: [Aws.ACCOUNT_ID],
            detail: { [t.statusField]: [...t.running] },
          },
          targets: [target()],
        }),
      );
    this.sweepRule = new events.Rule(this, 'SweepSchedule', {
      description: `Period guard sweep every ${guard.sweepMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(guard.sweepMinutes)),
      targets: [target(events.RuleTargetInput.fromObject({ task: 'sweep' }))],
    });
    this.digestRule = new events.Rule(this, 'DigestSchedule', {
      description: `Period guard daily digest at ${guard.digestHourUtc}:00 UTC`,
      schedule: events.Schedule.cron({ minute: '0', hour: String(guard.digestHourUtc) }),
      targets: [target(events.RuleTargetInput.fromObject({ task: 'digest' }))],
    });

    // IAM: the guard stops in every region a project runs in (the sweep), so the Stop* ARNs list
    // those regions; Stop* still requires the project tag of an enforce-mode project.
    const deployment = Aws.REGION;
    const regions = [...new Set(policy.projects.flatMap((p) => projectRegions(p, deployment)))];
    const specs = STOPPABLE_SPECS;
    const enforced = enforcedProjectIds(policy);
    const stop = stopStatement(specs, policy.organisation.projectTagKey, enforced, regions);
    if (stop) {
      this.fn.addToRolePolicy(stop);
      for (const statement of endpointAutoStopStatements(this, {
        projectTagKey: policy.organisation.projectTagKey,
        projectIds: enforced,
      }))
        this.fn.addToRolePolicy(statement);
      grantEndpointState(props.auditTable, this.fn);
      acknowledgeEndpointWildcards(this.fn);
    }
    this.fn.addToRolePolicy(discoveryStatement(specs));
    this.fn.addToRolePolicy(putChangeEventsStatement(this));
    // The sweep's discovery describes candidates where that is cheaper than listing.
    this.fn.addToRolePolicy(describeStatement(specs, regions));
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadSageMakerTags',
        actions: [...TAG_READ_ACTIONS],
        resources: regions.map((r) => `arn:${Aws.PARTITION}:sagemaker:${r}:${Aws.ACCOUNT_ID}:*`),
      }),
    );
    this.fn.addToRolePolicy(budgetReadStatement(policy.projects.map((p) => p.budgetName)));
    this.table.grant(this.fn, ...GUARD_TABLE_ACTIONS);
    props.auditTable.grantWriteData(this.fn);
    props.reportTopic.grantPublish(this.fn);

    // The notification function records holds.
    this.table.grant(props.notificationFunction, 'dynamodb:PutItem');
    props.notificationFunction.addEnvironment('GUARD_TABLE_NAME', this.table.tableName);

    const regionToken = (r: string) => (r === deployment ? '<AWS::Region>' : r);
    Validations.of(this.fn).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'SageMaker List* calls and tag:GetResources do not support resource-level permissions; they are read-only.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The standard Lambda logging permissions (CloudWatch Logs only), added by NodejsFunction.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'Publishing digests to the report topic, encrypted with its own key; scoped to that key.',
      },
      ...regions.flatMap((r) => [
        {
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:${regionToken(r)}:<AWS::AccountId>:*]`,
          reason: 'ListTags reads the tags of the resource an event names; read-only.',
        },
        ...specs.map((s) => ({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:${regionToken(r)}:<AWS::AccountId>:${s.taggingType.split(':')[1]}/*]`,
          reason:
            'Stop* is limited to resources carrying the project tag of an enforce-mode project (aws:ResourceTag condition); names are only known at run time.',
        })),
      ]),
    );

    if (props.monitoring) {
      props.monitoring.watch(this.fn, { name: 'period-guard' });
      props.monitoring.watch(this.fn.failureQueue, { name: 'period-guard-failures' });
      props.monitoring.watch(this.eventsDeadLetterQueue, { name: 'period-guard-events-dlq' });
      props.monitoring.watchMetric('guard-stops-failed', {
        metricName: 'stopsFailed',
        service: 'auto-stop-guard',
      });
    }
  }
}
