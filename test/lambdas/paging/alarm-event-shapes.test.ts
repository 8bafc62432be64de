/**
 * Shapes of alarm input beyond the fixtures: what the parser derives when a producer leaves a
 * field out, forwarded envelopes, and EventBridge details (CloudWatch user guide, "Alarm events
 * and EventBridge"; SNS developer guide, "Amazon SNS message and JSON formats").
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AlarmChange,
  alarmArnFor,
  normaliseTimestamp,
  type ParsedRecord,
  parseAlarmInput,
} from '../../../lambdas/paging/alarm-event';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'paging');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
const snsMessage = (): Record<string, unknown> =>
  JSON.parse(
    (fixture('sns-single-metric-alarm.json') as { Records: { Sns: { Message: string } }[] })
      .Records[0]?.Sns.Message ?? '{}',
  );
const eventBridge = () => fixture('eventbridge-state-change.json');
const detail = () => eventBridge().detail as Record<string, unknown>;
const snsRecord = (message: unknown, extra: Record<string, unknown> = {}) => ({
  Records: [
    {
      EventSource: 'aws:sns',
      Sns: { Message: typeof message === 'string' ? message : JSON.stringify(message), ...extra },
    },
  ],
});
function only(records: ParsedRecord[]): AlarmChange {
  const [r] = records;
  if (r?.kind !== 'alarm') throw new Error(`expected an alarm, got ${JSON.stringify(r)}`);
  return r.alarm;
}
function error(records: ParsedRecord[]): string {
  const [r] = records;
  if (r?.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(r)}`);
  return r.error.message;
}

describe('alarm messages without an AlarmArn: the ARN is derived and said so', () => {
  it.each([
    [
      'region display name',
      { Region: 'EU (Ireland)' },
      {},
      'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:fraud-detection-prod-model-latency',
      'AlarmArn derived from the name, the region (Region "EU (Ireland)") and AWSAccountId',
    ],
    [
      'region from the topic ARN',
      { Region: undefined },
      { TopicArn: 'arn:aws:sns:us-east-2:111122223333:ml-guardrails-alarms' },
      'arn:aws:cloudwatch:us-east-2:111122223333:alarm:fraud-detection-prod-model-latency',
      'AlarmArn derived from the name, the region (the topic ARN) and AWSAccountId',
    ],
    [
      'a China region (aws-cn partition)',
      { Region: 'cn-north-1' },
      {},
      'arn:aws-cn:cloudwatch:cn-north-1:111122223333:alarm:fraud-detection-prod-model-latency',
      'AlarmArn derived from the name, the region (Region "cn-north-1") and AWSAccountId',
    ],
  ])('%s', (_name, over, sns, arn, derived) => {
    // Prepare
    const input = snsRecord({ ...snsMessage(), AlarmArn: undefined, ...over }, sns);
    // Act
    const a = only(parseAlarmInput(input));
    // Assess
    expect(a.alarmArn).toBe(arn);
    expect(a.region).toBe(arn.split(':')[3]);
    expect(a.accountId).toBe('111122223333');
    expect(a.derived).toEqual([derived]);
  });

  it('refuses a topic ARN whose region field is not a region', () => {
    const input = snsRecord(
      { ...snsMessage(), AlarmArn: undefined, Region: undefined },
      { TopicArn: 'arn:aws:sns:moon:111122223333:t' },
    );
    expect(error(parseAlarmInput(input))).toBe(
      'Records.0.Sns.Message.Region: "" is not a region name or code, and there is no AlarmArn or topic ARN to take it from',
    );
  });

  it('prefers the AlarmArn over AWSAccountId and Region, and derives nothing', () => {
    const a = only(
      parseAlarmInput(
        snsRecord({ ...snsMessage(), AWSAccountId: '444455556666', Region: 'US East (Ohio)' }),
      ),
    );
    expect(a).toMatchObject({ accountId: '111122223333', region: 'eu-west-1' });
    expect(a.derived).toBeUndefined();
  });

  it.each([
    ['arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a', 'eu-west-1'],
    ['arn:aws-us-gov:cloudwatch:us-gov-west-1:111122223333:alarm:a', 'us-gov-west-1'],
  ])('alarmArnFor matches the ARN CloudWatch gives (%s)', (arn, region) => {
    expect(alarmArnFor('a', region, '111122223333')).toBe(arn);
  });
});

describe('the state change time', () => {
  it('takes the SNS Timestamp when the message has no StateChangeTime, and says so', () => {
    const a = only(
      parseAlarmInput(
        snsRecord(
          { ...snsMessage(), StateChangeTime: undefined },
          { Timestamp: '2026-11-26T03:13:00.000Z' },
        ),
      ),
    );
    expect(a.stateChangeTime).toBe('2026-11-26T03:13:00.000Z');
    expect(a.derived).toEqual(['StateChangeTime taken from the SNS Timestamp']);
  });

  it('refuses a message with neither StateChangeTime nor SNS Timestamp', () => {
    expect(error(parseAlarmInput(snsRecord({ ...snsMessage(), StateChangeTime: undefined })))).toBe(
      'Records.0.Sns.Message.StateChangeTime: missing, and no SNS Timestamp',
    );
  });

  it.each([
    ['2026-11-25T22:12:45.123-0500', '2026-11-26T03:12:45.123Z'],
    ['2026-11-26T03:12:45.123+00:00', '2026-11-26T03:12:45.123Z'],
  ])('normaliseTimestamp(%s) is %s', (input, expected) => {
    expect(normaliseTimestamp(input, 'x')).toBe(expected);
  });

  it('names the field and quotes the value of a time it cannot read', () => {
    expect(() => normaliseTimestamp('soon', 'detail.state.timestamp')).toThrow(
      'detail.state.timestamp: "soon" is not a time',
    );
  });
});

describe('forwarded envelopes', () => {
  it('reads an SNS notification inside the SNS message, with its Timestamp and TopicArn', () => {
    // Prepare: SNS -> SQS -> forwarder -> SNS, the inner message lacking AlarmArn and time
    const inner = {
      Type: 'Notification',
      Message: JSON.stringify({
        ...snsMessage(),
        AlarmArn: undefined,
        Region: undefined,
        StateChangeTime: undefined,
      }),
      Timestamp: '2026-11-26T03:14:00.000Z',
      TopicArn: 'arn:aws:sns:eu-central-1:111122223333:alarms',
    };
    // Act
    const a = only(parseAlarmInput(snsRecord(inner)));
    // Assess
    expect(a).toMatchObject({
      region: 'eu-central-1',
      stateChangeTime: '2026-11-26T03:14:00.000Z',
      via: 'sns',
    });
  });

  it('keeps the outer SNS Timestamp and TopicArn when the inner envelope has none', () => {
    const inner = {
      Type: 'Notification',
      Message: JSON.stringify({
        ...snsMessage(),
        AlarmArn: undefined,
        Region: undefined,
        StateChangeTime: undefined,
      }),
    };
    const a = only(
      parseAlarmInput(
        snsRecord(inner, {
          Timestamp: '2026-11-26T03:15:00.000Z',
          TopicArn: 'arn:aws:sns:eu-north-1:111122223333:alarms',
        }),
      ),
    );
    expect(a).toMatchObject({ region: 'eu-north-1', stateChangeTime: '2026-11-26T03:15:00.000Z' });
  });

  it('reads a bare SNS notification envelope given directly (the CLI)', () => {
    const a = only(
      parseAlarmInput({ Type: 'Notification', Message: JSON.stringify(snsMessage()) }),
    );
    expect(a).toMatchObject({ alarmName: 'fraud-detection-prod-model-latency', via: 'direct' });
  });

  it('stops unwrapping after three envelopes', () => {
    let message: unknown = snsMessage();
    for (let i = 0; i < 4; i++)
      message = { Type: 'Notification', Message: JSON.stringify(message) };
    expect(parseAlarmInput(snsRecord(message))[0]?.kind).toBe('invalid');
    let three: unknown = snsMessage();
    for (let i = 0; i < 3; i++) three = { Type: 'Notification', Message: JSON.stringify(three) };
    expect(only(parseAlarmInput(snsRecord(three))).alarmName).toBe(
      'fraud-detection-prod-model-latency',
    );
  });

  it('reads an EventBridge alarm event published to SNS, as arriving by SNS', () => {
    const a = only(parseAlarmInput(snsRecord(eventBridge())));
    expect(a).toMatchObject({ alarmName: 'rtb-bidder-prod-overhead-latency', via: 'sns' });
  });

  it.each([
    [
      'a configuration change',
      { ...eventBridge(), 'detail-type': 'CloudWatch Alarm Configuration Change' },
      'Records.0.Sns.Message: alarm configuration change (not a state change)',
    ],
    [
      'an event of another service',
      {
        ...eventBridge(),
        'detail-type': 'EC2 Instance State-change Notification',
        source: 'aws.ec2',
      },
      'Records.0.Sns.Message.detail-type: "EC2 Instance State-change Notification" from "aws.ec2" is not a CloudWatch alarm state change',
    ],
  ])('refuses %s published to SNS, naming the field', (_name, event, message) => {
    expect(error(parseAlarmInput(snsRecord(event)))).toBe(message);
  });
});

describe('EventBridge state changes', () => {
  it('derives the alarm ARN from name, region and account when resources has none, and says so', () => {
    const a = only(
      parseAlarmInput({
        ...eventBridge(),
        resources: ['arn:aws:sns:eu-west-1:111122223333:not-an-alarm'],
        region: 'us-west-2',
      }),
    );
    expect(a).toMatchObject({
      alarmArn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:rtb-bidder-prod-overhead-latency',
      region: 'us-west-2',
      derived: ['alarm ARN derived from detail.alarmName, region and account'],
    });
  });

  it('takes region and account from the alarm ARN among the resources', () => {
    const a = only(
      parseAlarmInput({
        ...eventBridge(),
        account: '999999999999',
        resources: [
          'arn:aws:sns:eu-west-1:111122223333:x',
          'arn:aws:cloudwatch:ap-south-1:444455556666:alarm:rtb-bidder-prod-overhead-latency',
        ],
      }),
    );
    expect(a).toMatchObject({ region: 'ap-south-1', accountId: '444455556666' });
    expect(a.derived).toBeUndefined();
  });

  it('uses the event time when the state has no timestamp, and the description of the configuration', () => {
    const d = detail();
    const state = { ...(d.state as Record<string, unknown>), timestamp: undefined };
    const a = only(parseAlarmInput({ ...eventBridge(), detail: { ...d, state } }));
    expect(a).toMatchObject({
      stateChangeTime: '2026-11-26T10:04:40.000Z',
      description: 'OverheadLatency p99 above 20 ms',
      reason: expect.stringContaining('5 out of the last 5 datapoints'),
    });
  });

  it('calls an alarm with several metrics metric math, and keeps only the metrics (not expressions)', () => {
    const d = detail();
    const configuration = d.configuration as { metrics: unknown[] };
    const metrics = [...configuration.metrics, { id: 'e1', expression: 'm1 * 2' }];
    const a = only(
      parseAlarmInput({
        ...eventBridge(),
        detail: { ...d, configuration: { ...configuration, metrics } },
      }),
    );
    expect(a.kind).toBe('metric-math');
    expect(a.metrics.map((m) => m.metricName)).toEqual(['OverheadLatency']);
  });

  it('carries why CloudWatch suppressed the actions of a composite alarm', () => {
    const d = detail();
    const state = {
      ...(d.state as Record<string, unknown>),
      actionsSuppressedBy: 'WaitPeriod',
      actionsSuppressedReason: 'Alarm is in wait period',
    };
    const a = only(
      parseAlarmInput({
        ...eventBridge(),
        detail: { ...d, state, configuration: { alarmRule: 'ALARM("x")' } },
      }),
    );
    expect(a).toMatchObject({
      kind: 'composite',
      alarmRule: 'ALARM("x")',
      metrics: [],
      actionsSuppressedBy: 'WaitPeriod',
      actionsSuppressedReason: 'Alarm is in wait period',
    });
  });

  it('has no suppression fields and no previous state when the event has none', () => {
    const { previousState: _p, ...d } = detail();
    const a = only(parseAlarmInput({ ...eventBridge(), detail: d }));
    expect(a.previousState).toBeUndefined();
    expect('actionsSuppressedBy' in a).toBe(false);
  });

  it('names at most five problems, each with its path under detail', () => {
    const message = error(
      parseAlarmInput({
        ...eventBridge(),
        detail: {
          alarmName: '',
          state: { value: 'PANIC', reason: 1 },
          configuration: 'x',
          previousState: 1,
        },
      }),
    );
    expect(message.split('; ').length).toBeLessThanOrEqual(5);
    expect(message).toMatch(/^detail\.alarmName: /);
    expect(message).toContain('detail.state.value: ');
  });

  it('names the envelope field of a broken EventBridge event without a leading dot', () => {
    const { account: _a, ...event } = eventBridge();
    expect(error(parseAlarmInput(event))).toMatch(/^account: /);
  });
});

describe('SNS alarm messages: metric shapes', () => {
  it('reads dimensions written Name/Value (forwarders) like CloudWatch name/value', () => {
    const msg = snsMessage();
    const trigger = msg.Trigger as Record<string, unknown>;
    const a = only(
      parseAlarmInput(
        snsRecord({
          ...msg,
          Trigger: {
            ...trigger,
            Dimensions: [{ Name: 'EndpointName', Value: 'fraud-detection-prod' }],
          },
        }),
      ),
    );
    expect(a.metrics[0]?.dimensions).toEqual({ EndpointName: 'fraud-detection-prod' });
  });

  it('reads a metric trigger without dimensions as no dimensions', () => {
    const a = only(
      parseAlarmInput(
        snsRecord({ ...snsMessage(), Trigger: { MetricName: 'Errors', Namespace: 'AWS/Lambda' } }),
      ),
    );
    expect(a).toMatchObject({
      kind: 'metric',
      metrics: [{ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: {} }],
    });
  });

  it('reads an empty Trigger.Metrics as a single-metric alarm', () => {
    const a = only(
      parseAlarmInput(
        snsRecord({ ...snsMessage(), Trigger: { MetricName: 'Errors', Metrics: [] } }),
      ),
    );
    expect(a.kind).toBe('metric');
  });

  it('names the record index of a bad record in a batch', () => {
    const rs = parseAlarmInput({
      Records: [
        snsRecord(snsMessage()).Records[0],
        { EventSource: 'aws:sns', Sns: { Message: '{}' } },
      ],
    });
    expect(rs[1]).toMatchObject({ kind: 'invalid', index: 1 });
    expect(rs[1]?.kind === 'invalid' && rs[1].error.message).toMatch(
      /^Records\.1\.Sns\.Message\.AlarmName: /,
    );
  });
});
