/**
 * Paging test helpers: builders for normalised alarm changes, and real CloudWatch alarm message
 * shapes: the JSON CloudWatch publishes to SNS (single metric, metric math, anomaly detection,
 * composite) and the EventBridge `CloudWatch Alarm State Change` event (CloudWatch user guide,
 * "Alarm events and EventBridge").
 */
import {
  type AlarmChange,
  type AlarmMetric,
  parseAlarmInput,
} from '../../lambdas/paging/alarm-event';

/** A normalised alarm change, as the router sees it after parsing. */

export function alarm(
  name: string,
  overrides: Partial<AlarmChange> & { metric?: Partial<AlarmMetric> } = {},
): AlarmChange {
  const { metric, ...rest } = overrides;
  return {
    alarmName: name,
    alarmArn: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${name}`,
    accountId: '111122223333',
    region: 'eu-west-1',
    state: 'ALARM',
    previousState: 'OK',
    reason: 'Threshold Crossed: 3 datapoints were greater than the threshold',
    stateChangeTime: '2026-11-26T10:00:00.000Z',
    kind: metric ? 'metric' : 'composite',
    metrics: metric ? [{ dimensions: {}, ...metric }] : [],
    via: 'sns',
    ...rest,
  };
}

export const sagemaker = (metricName: string, endpoint: string): Partial<AlarmMetric> => ({
  namespace: 'AWS/SageMaker',
  metricName,
  dimensions: { EndpointName: endpoint, VariantName: 'AllTraffic' },
});

const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:ml-guardrails-alarms`;
export const arnOf = (name: string) => `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${name}`;

type Dim = { name: string; value: string };
type State = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** The message of a single-metric alarm, as CloudWatch publishes it to SNS. */
export function snsMetricMessage(
  name: string,
  namespace: string,
  metricName: string,
  dims: Dim[],
  state: State = 'ALARM',
): Record<string, unknown> {
  return {
    AlarmName: name,
    AlarmDescription: null,
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2026-11-20T10:00:00.000+0000',
    NewStateValue: state,
    NewStateReason:
      'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold.',
    StateChangeTime: '2026-11-26T03:12:45.123+0000',
    Region: 'EU (Ireland)',
    AlarmArn: arnOf(name),
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    OKActions: [TOPIC],
    AlarmActions: [TOPIC],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: metricName,
      Namespace: namespace,
      StatisticType: 'Statistic',
      Statistic: 'AVERAGE',
      Unit: null,
      Dimensions: dims,
      Period: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1,
      TreatMissingData: 'missing',
    },
  };
}

/** A metric-math alarm: the error rate of an endpoint (Trigger.Metrics with an expression). */
export function snsMetricMathMessage(name: string, endpoint: string): Record<string, unknown> {
  const dims = [
    { name: 'EndpointName', value: endpoint },
    { name: 'VariantName', value: 'AllTraffic' },
  ];
  const base = snsMetricMessage(name, '', '', []);
  return {
    ...base,
    Trigger: {
      Period: 60,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0.05,
      TreatMissingData: 'notBreaching',
      Metrics: [
        { Expression: 'm1 / m2', Id: 'e1', Label: 'error rate', ReturnData: true },
        {
          Id: 'm1',
          MetricStat: {
            Metric: {
              Dimensions: dims,
              MetricName: 'Invocation5XXErrors',
              Namespace: 'AWS/SageMaker',
            },
            Period: 60,
            Stat: 'Sum',
          },
          ReturnData: false,
        },
        {
          Id: 'm2',
          MetricStat: {
            Metric: { Dimensions: dims, MetricName: 'Invocations', Namespace: 'AWS/SageMaker' },
            Period: 60,
            Stat: 'Sum',
          },
          ReturnData: false,
        },
      ],
    },
  };
}

/** An anomaly detection alarm: a band expression plus the metric it watches. */
export function snsAnomalyMessage(name: string, endpoint: string): Record<string, unknown> {
  const base = snsMetricMessage(name, '', '', []);
  return {
    ...base,
    Trigger: {
      Period: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanUpperThreshold',
      ThresholdMetricId: 'ad1',
      TreatMissingData: 'missing',
      Metrics: [
        {
          Id: 'm1',
          MetricStat: {
            Metric: {
              Dimensions: [
                { name: 'EndpointName', value: endpoint },
                { name: 'VariantName', value: 'AllTraffic' },
              ],
              MetricName: 'ModelLatency',
              Namespace: 'AWS/SageMaker',
            },
            Period: 300,
            Stat: 'p99',
          },
          ReturnData: true,
        },
        { Expression: 'ANOMALY_DETECTION_BAND(m1, 2)', Id: 'ad1', Label: 'band', ReturnData: true },
      ],
    },
  };
}

/** A composite alarm message (AlarmRule, no Trigger). */
export function snsCompositeMessage(name: string, rule: string, state: State = 'ALARM') {
  const { Trigger: _t, ...base } = snsMetricMessage(name, '', '', [], state);
  return { ...base, AlarmRule: rule, NewStateReason: `arn:${name} child transitioned to ALARM` };
}

/** An SNS event (what Lambda receives) around one message. */
export function snsEvent(message: unknown) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC}:2f1c7a3e`,
        Sns: {
          Type: 'Notification',
          MessageId: '9d2e8f1a-3b4c-5d6e-7f80-91a2b3c4d5e0',
          TopicArn: TOPIC,
          Subject: 'ALARM',
          Message: typeof message === 'string' ? message : JSON.stringify(message),
          Timestamp: '2026-11-26T03:12:46.012Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** An EventBridge `CloudWatch Alarm State Change` for a metric alarm (dimensions as a map). */
export function ebMetricEvent(
  name: string,
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  state: State = 'ALARM',
  account = ACCOUNT,
) {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    time: '2026-11-26T03:12:46Z',
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:${account}:alarm:${name}`],
    detail: {
      alarmName: name,
      state: {
        value: state,
        reason: 'Threshold Crossed: 1 datapoint was greater than the threshold.',
        timestamp: '2026-11-26T03:12:45.123+0000',
      },
      previousState: {
        value: state === 'ALARM' ? 'OK' : 'ALARM',
        reason: '',
        timestamp: '2026-11-26T02:00:00.000+0000',
      },
      configuration: {
        description: null,
        metrics: [
          {
            id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
            metricStat: {
              metric: { dimensions, name: metricName, namespace },
              period: 300,
              stat: 'Average',
            },
            returnData: true,
          },
        ],
      },
    },
  };
}

/** An EventBridge state change of a composite alarm, optionally with its actions suppressed. */
export function ebCompositeEvent(
  name: string,
  rule: string,
  suppressedBy?: 'Alarm' | 'WaitPeriod' | 'ExtensionPeriod',
  state: State = 'ALARM',
) {
  return {
    version: '0',
    id: 'd7f2a1b3-0c4e-4b1f-8e2d-3a5b6c7d8e9f',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: '2026-11-26T02:55:01Z',
    region: 'eu-west-1',
    resources: [arnOf(name)],
    detail: {
      alarmName: name,
      configuration: {
        alarmRule: rule,
        actionsSuppressor: 'maintenance-window',
        actionsSuppressorWaitPeriod: 120,
        actionsSuppressorExtensionPeriod: 180,
      },
      previousState: { reason: '', timestamp: '2026-11-25T20:00:00.000+0000', value: 'OK' },
      state: {
        reason: 'a child transitioned to ALARM',
        reasonData: '{}',
        timestamp: '2026-11-26T02:55:00.441+0000',
        value: state,
        ...(suppressedBy
          ? {
              actionsSuppressedBy: suppressedBy,
              actionsSuppressedReason: `Actions suppressed by ${suppressedBy}`,
            }
          : {}),
      },
    },
  };
}

/** Parses an input that must hold exactly one alarm. */
export function one(input: unknown): AlarmChange {
  const [r, ...rest] = parseAlarmInput(input);
  if (r?.kind !== 'alarm' || rest.length > 0)
    throw new Error(`expected one alarm, got ${JSON.stringify(r)}`);
  return r.alarm;
}
