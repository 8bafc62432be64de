import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A business metric a guardrails function emits with Powertools (dimension `service`). */
export interface GuardrailsMetric {
  /** Metric name, e.g. `pagesSent`. */
  readonly metricName: string;
  /** Powertools service name of the emitting function (the `service` dimension). */
  readonly service: string;
  /** Legend label. @default - the metric name */
  readonly label?: string;
}

export interface GuardrailsMonitoringProps {
  /** Topic every alarm notifies (ALARM and OK), normally the paging stack's alarms topic. */
  readonly alarmTopic: sns.ITopic;

  /**
   * Start of every alarm name; the policy's alarm rule `ml-guardrails-*` pages the platform team.
   * @default 'ml-guardrails'
   */
  readonly alarmNamePrefix?: string;
  /** CloudWatch dashboard name. @default 'ml-guardrails' */
  readonly dashboardName?: string;
  /**
   * Create the dashboard. Only one stack (paging) does; other stacks watch their own functions
   * and queues with alarms only, so no construct is shared across stacks. @default true
   */
  readonly dashboard?: boolean;
  /** Namespace of the guardrails' business metrics. @default 'MlGuardrails' */
  readonly namespace?: string;
  /** @default { metricName: 'notificationsReceived', service: 'auto-stop' } */
  readonly notificationsReceived?: GuardrailsMetric;
  /** @default { metricName: 'resourcesStopped', service: 'auto-stop' } */
  readonly resourcesStopped?: GuardrailsMetric;
  /** @default { metricName: 'pagesSent', service: 'paging' } */
  readonly pagesSent?: GuardrailsMetric;
  /** @default { metricName: 'pagesFailed', service: 'paging' } */
  readonly pagesFailed?: GuardrailsMetric;
}

export interface WatchOptions {
  /** Readable part of the alarm names. @default - the construct id in kebab case */
  readonly name?: string;
  /**
   * Queues only: also alarm when the oldest message is older than this (a failure nobody
   * redrove). @default Duration.hours(1)
   */
  readonly maxMessageAge?: Duration;
}

const FIVE_MINUTES = Duration.minutes(5);

function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .toLowerCase();
}

/**
 * "Watching the watchers": alarms on the guardrails' own functions (errors, throttles) and
 * queues (any message in a dead-letter queue), all notifying one topic on ALARM and OK so the
 * platform team is paged and the page resolves, plus a dashboard of the business metrics.
 *
 * @example
 * const monitoring = new GuardrailsMonitoring(this, 'Monitoring', { alarmTopic: alarms.topic });
 * monitoring.watch(autoStopFunction);
 * monitoring.watch(autoStopFunction.failureQueue);
 */
export class GuardrailsMonitoring extends Construct {
  /** The dashboard, unless `dashboard: false`. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** Every alarm created so far. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly actions: SnsAction[];
  private readonly prefix: string;
  private readonly stackName: string;
  private readonly functionsWidget: cloudwatch.GraphWidget;
  private readonly queuesWidget: cloudwatch.GraphWidget;
  private readonly names = new Set<string>();

  constructor(scope: Construct, id: string, props: GuardrailsMonitoringProps) {
    super(scope, id);
    this.prefix = props.alarmNamePrefix ?? 'ml-guardrails';
    if (!/^[A-Za-z0-9-]{1,40}$/.test(this.prefix))
      throw new Error(
        `GuardrailsMonitoring: alarmNamePrefix "${this.prefix}" must be 1-40 letters, digits or "-"`,
      );
    this.stackName = kebab(Stack.of(this).stackName.replace(/^MlGuardrails-?/, '')) || 'app';
    this.actions = [new SnsAction(props.alarmTopic)];
    const namespace = props.namespace ?? 'MlGuardrails';
    const metric = (m: GuardrailsMetric) =>
      new cloudwatch.Metric({
        namespace,
        metricName: m.metricName,
        dimensionsMap: { service: m.service },
        statistic: cloudwatch.Stats.SUM,
        period: FIVE_MINUTES,
        label: m.label ?? m.metricName,
      });
    const received = props.notificationsReceived ?? {
      metricName: 'notificationsReceived',
      service: 'auto-stop',
    };
    const stopped = props.resourcesStopped ?? {
      metricName: 'resourcesStopped',
      service: 'auto-stop',
    };
    const sent = props.pagesSent ?? { metricName: 'pagesSent', service: 'paging' };
    const failed = props.pagesFailed ?? {
      metricName: 'pagesFailed',
      service: 'paging',
    };

    this.functionsWidget = new cloudwatch.GraphWidget({
      title: 'Guardrails functions: errors and throttles',
      width: 12,
    });
    this.queuesWidget = new cloudwatch.GraphWidget({
      title: 'Queue depths (dead-letter and hold queues)',
      width: 12,
    });
    if (props.dashboard === false) return;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? 'ml-guardrails',
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Budget notifications received',
            left: [metric(received)],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Resources stopped',
            left: [metric(stopped)],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Pages sent and failed',
            left: [metric(sent), metric(failed)],
            width: 8,
          }),
        ],
        [this.queuesWidget, this.functionsWidget],
        [
          new cloudwatch.GraphWidget({
            title: 'All ml-guardrails queues: messages waiting (every stack)',
            width: 12,
            left: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('{AWS/SQS,QueueName} MetricName="ApproximateNumberOfMessagesVisible" "MlGuardrails-"', 'Maximum', 300)`,
                label: '',
                usingMetrics: {},
              }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'All ml-guardrails functions: errors (every stack)',
            width: 12,
            // Functions of the other stacks, found by name without cross-stack references.
            left: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('{AWS/Lambda,FunctionName} MetricName="Errors" "MlGuardrails-"', 'Sum', 300)`,
                label: '',
                usingMetrics: {},
              }),
            ],
          }),
        ],
      ],
    });
  }

  /** Alarms for a function (errors, throttles) or a queue (depth > 0), and dashboard lines. */
  watch(target: lambda.IFunction | sqs.IQueue, options: WatchOptions = {}): cloudwatch.Alarm[] {
    const name = options.name ?? kebab(target.node.id);
    if (target instanceof sqs.Queue || 'queueArn' in target) {
      const queue = target as sqs.IQueue;
      // No label on alarm metrics: a label turns the alarm into a metric-math alarm.
      const depth = queue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FIVE_MINUTES,
      });
      this.queuesWidget.addLeftMetric(depth.with({ label: name }));
      const maxAge = options.maxMessageAge ?? Duration.hours(1);
      const age = queue.metricApproximateAgeOfOldestMessage({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FIVE_MINUTES,
      });
      return [
        this.alarm(
          `${name}-depth`,
          depth,
          `Messages are waiting in ${name}: something failed and was kept for redrive.`,
        ),
        this.alarm(
          `${name}-oldest`,
          age,
          `The oldest message in ${name} is over ${maxAge.toHumanString()} old: a failure is waiting for a human.`,
          maxAge.toSeconds(),
        ),
      ];
    }
    const fn = target as lambda.IFunction;
    const errors = fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES });
    const throttles = fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES });
    this.functionsWidget.addLeftMetric(errors.with({ label: `${name} errors` }));
    this.functionsWidget.addLeftMetric(throttles.with({ label: `${name} throttles` }));
    return [
      this.alarm(
        `${name}-errors`,
        errors,
        `The ${name} function failed; its events are retried, then kept in its failure queue.`,
      ),
      this.alarm(
        `${name}-throttles`,
        throttles,
        `The ${name} function was throttled (concurrency limit).`,
      ),
    ];
  }

  /** Shows a queue on the dashboard without an alarm (e.g. a hold queue, where messages are normal). */
  showQueue(queue: sqs.IQueue, label?: string): void {
    this.queuesWidget.addLeftMetric(
      queue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FIVE_MINUTES,
        label: label ?? kebab(queue.node.id),
      }),
    );
  }

  /** An alarm when a business metric (e.g. `pagesFailed`, auto-stop failures) is above zero. */
  watchMetric(name: string, m: GuardrailsMetric, namespace = 'MlGuardrails'): cloudwatch.Alarm {
    return this.alarm(
      name,
      new cloudwatch.Metric({
        namespace,
        metricName: m.metricName,
        dimensionsMap: { service: m.service },
        statistic: cloudwatch.Stats.SUM,
        period: FIVE_MINUTES,
      }),
      `${m.service} reported ${m.metricName}.`,
    );
  }

  /**
   * A heartbeat: alarms when `metric` (a count of delivered heartbeats) stays below 1 for `every`
   * twice over; missing data counts as missing heartbeats.
   */
  watchHeartbeat(name: string, m: GuardrailsMetric, every: Duration, namespace = 'MlGuardrails') {
    return this.alarm(
      name,
      new cloudwatch.Metric({
        namespace,
        metricName: m.metricName,
        dimensionsMap: { service: m.service },
        statistic: cloudwatch.Stats.SUM,
        period: every,
      }),
      `No ${m.metricName} from ${m.service}: the pager may be silent (PagerDuty, the routing key or the router).`,
      1,
      {
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
  }

  private alarm(
    name: string,
    metric: cloudwatch.IMetric,
    description: string,
    threshold = 1,
    overrides: Partial<cloudwatch.AlarmProps> = {},
  ): cloudwatch.Alarm {
    const alarmName = `${this.prefix}-${this.stackName}-${name}`;
    if (this.names.has(alarmName))
      throw new Error(
        `GuardrailsMonitoring: alarm ${alarmName} exists; pass a distinct options.name`,
      );
    this.names.add(alarmName);
    const alarm = new cloudwatch.Alarm(this, `Alarm-${name}`, {
      // Named so the policy's alarm rule (alarmName: "ml-guardrails-*") pages the platform team.
      alarmName,
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...overrides,
    });
    alarm.addAlarmAction(...this.actions);
    // OK resolves the page: the router sends a resolve with the same dedup key.
    alarm.addOkAction(...this.actions);
    this.alarms.push(alarm);
    return alarm;
  }
}
