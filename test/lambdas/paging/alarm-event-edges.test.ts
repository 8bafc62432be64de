/**
 * Edges of the alarm parser that the shape tests do not reach: ARNs of other partitions and
 * forged ones, fields a producer leaves out, envelopes that are not alarm notifications, events
 * from other sources, and what each refusal says. Every case is an input the router can receive.
 */
import { describe, expect, it } from 'vitest';
import {
  AlarmParseError,
  type ParsedRecord,
  parseAlarmInput,
  parseEventBridgeEvent,
  parseSnsAlarmMessage,
} from '../../../lambdas/paging/alarm-event';
import {
  arnOf,
  ebCompositeEvent,
  ebMetricEvent,
  one,
  snsEvent,
  snsMetricMathMessage,
  snsMetricMessage,
} from '../../helpers/paging';

const ACCOUNT = '111122223333';
const latencyMessage = () =>
  snsMetricMessage('churn-latency', 'AWS/SageMaker', 'ModelLatency', [
    { name: 'EndpointName', value: 'churn-prod' },
  ]);

/** The refusal of an input that must be refused, with its message. */
function refusal(records: ParsedRecord[]): string {
  const [r] = records;
  if (r?.kind !== 'invalid') throw new Error(`expected a refusal, got ${JSON.stringify(r)}`);
  expect(r.error).toBeInstanceOf(AlarmParseError);
  return r.error.message;
}

describe('AlarmParseError', () => {
  it('is named, so logs and the CLI can tell it from a crash', () => {
    expect(new AlarmParseError('x').name).toBe('AlarmParseError');
  });
});

describe('alarm ARNs', () => {
  it.each([
    ['the China partition', 'arn:aws-cn:cloudwatch:cn-north-1:111122223333:alarm:a', 'cn-north-1'],
    [
      'GovCloud (a two-part region name)',
      'arn:aws-us-gov:cloudwatch:us-gov-west-1:111122223333:alarm:a',
      'us-gov-west-1',
    ],
    [
      'a region numbered above 9',
      'arn:aws:cloudwatch:ap-southeast-10:111122223333:alarm:a',
      'ap-southeast-10',
    ],
  ])('accepts %s and takes the region from it', (_case, arn, region) => {
    const a = one(snsEvent({ ...latencyMessage(), AlarmName: 'a', AlarmArn: arn }));
    expect(a).toMatchObject({ alarmArn: arn, region, accountId: ACCOUNT });
  });

  it.each([
    ['with text before it', `x${arnOf('churn-latency')}`],
    ['with a line break in the name', `${arnOf('churn')}\nlatency`],
  ])('refuses an AlarmArn %s, saying which field is wrong', (_case, arn) => {
    const message = refusal(parseAlarmInput(snsEvent({ ...latencyMessage(), AlarmArn: arn })));
    expect(message).toBe('Records.0.Sns.Message.AlarmArn: is not a CloudWatch alarm ARN');
  });

  it.each([
    ['13 digits', '1111222233334'],
    ['a prefix', 'x111122223333'],
  ])('refuses an AWSAccountId with %s', (_case, account) => {
    const { AlarmArn: _arn, ...noArn } = latencyMessage();
    const message = refusal(parseAlarmInput(snsEvent({ ...noArn, AWSAccountId: account })));
    expect(message).toMatch(/^Records\.0\.Sns\.Message\.AWSAccountId: /);
  });

  it('refuses an EventBridge event whose account is not 12 digits', () => {
    const message = refusal([
      parseEventBridgeEvent(ebMetricEvent('a', 'AWS/SageMaker', 'M', {}, 'ALARM', '1111222233334')),
    ]);
    expect(message).toMatch(/^account: /);
  });

  it('ignores a resource that only contains an alarm ARN, and derives the ARN instead', () => {
    const event = ebMetricEvent('a', 'AWS/SageMaker', 'M', {});
    const a = one({ ...event, resources: [`forged-${arnOf('other')}`] });
    expect(a.alarmArn).toBe(arnOf('a'));
    expect(a.derived).toEqual(['alarm ARN derived from detail.alarmName, region and account']);
  });
});

describe('fields a producer leaves out', () => {
  it('reads a metric without dimensions as one without dimensions', () => {
    const { Trigger, ...rest } = latencyMessage();
    const { Dimensions: _d, ...trigger } = Trigger as Record<string, unknown>;
    const a = one(snsEvent({ ...rest, Trigger: trigger }));
    expect(Object.keys(a.metrics[0]?.dimensions ?? { x: 1 })).toEqual([]);
  });

  it('reads a metric-math metric without dimensions as one without dimensions', () => {
    const message = snsMetricMathMessage('churn-error-rate', 'churn-prod') as {
      Trigger: { Metrics: { MetricStat?: { Metric: Record<string, unknown> } }[] };
    };
    for (const m of message.Trigger.Metrics)
      if (m.MetricStat) delete m.MetricStat.Metric.Dimensions;
    const a = one(snsEvent(message));
    expect(a.metrics.length).toBeGreaterThan(0);
    for (const m of a.metrics) expect(Object.keys(m.dimensions)).toEqual([]);
  });

  it('keeps the state reason, and an empty one when the message has none', () => {
    expect(one(snsEvent(latencyMessage())).reason).toMatch(/^Threshold Crossed/);
    const { NewStateReason: _r, ...noReason } = latencyMessage();
    expect(one(snsEvent(noReason)).reason).toBe('');
  });

  it('gives an EventBridge state without a reason an empty reason', () => {
    const event = ebMetricEvent('a', 'AWS/SageMaker', 'M', {});
    const { reason: _r, ...state } = event.detail.state;
    expect(one({ ...event, detail: { ...event.detail, state } }).reason).toBe('');
  });

  it('derives the alarm ARN of an EventBridge event without resources', () => {
    const { resources: _r, ...event } = ebMetricEvent('a', 'AWS/SageMaker', 'M', {});
    expect(one(event)).toMatchObject({ alarmArn: arnOf('a'), region: 'eu-west-1' });
  });

  it('reads an EventBridge composite alarm (no metrics) as one without metrics', () => {
    expect(one(ebCompositeEvent('c', 'ALARM(a)')).metrics).toEqual([]);
  });
});

describe('inputs that are not alarm notifications', () => {
  it.each([
    ['null', 'null'],
    ['a string', '"hello"'],
    ['a number', '42'],
  ])('refuses a message that is JSON %s, naming the missing alarm name', (_case, text) => {
    expect(() => parseSnsAlarmMessage(text)).toThrow(AlarmParseError);
  });

  it('defaults to the SNS path and via when called with the message alone', () => {
    expect(parseSnsAlarmMessage(JSON.stringify(latencyMessage())).via).toBe('sns');
    expect(() => parseSnsAlarmMessage('{')).toThrow(
      'Sns.Message: not JSON (is this a CloudWatch alarm notification?)',
    );
  });

  it('does not unwrap an SNS subscription confirmation as if it were a notification', () => {
    const confirmation = {
      Type: 'SubscriptionConfirmation',
      Message: 'You have chosen to subscribe to the topic',
      TopicArn: 'arn:aws:sns:eu-west-1:111122223333:alarms',
    };
    expect(refusal(parseAlarmInput(snsEvent(confirmation)))).toMatch(
      /^Records\.0\.Sns\.Message\.AlarmName: /,
    );
    expect(refusal(parseAlarmInput(confirmation))).toBe(
      'event: neither an SNS event (Records), an EventBridge event (detail-type) nor an alarm message (AlarmName)',
    );
  });

  it('does not unwrap a notification envelope whose Message is not text', () => {
    const envelope = { Type: 'Notification', Message: latencyMessage() };
    expect(refusal(parseAlarmInput(snsEvent(envelope)))).toMatch(
      /^Records\.0\.Sns\.Message\.AlarmName: /,
    );
  });

  it('names the path inside a forwarded envelope', () => {
    const envelope = { Type: 'Notification', Message: JSON.stringify({ AlarmName: 'x' }) };
    expect(refusal(parseAlarmInput(snsEvent(envelope)))).toMatch(
      /^Records\.0\.Sns\.Message\.Message\.NewStateValue: /,
    );
  });

  it('unwraps at most three envelopes', () => {
    const wrap = (m: unknown) => ({ Type: 'Notification', Message: JSON.stringify(m) });
    const three = wrap(wrap(wrap(latencyMessage())));
    expect(one(snsEvent(three)).alarmName).toBe('churn-latency');
    expect(parseAlarmInput(snsEvent(wrap(three)))[0]?.kind).toBe('invalid');
  });

  it.each([
    ['null', null],
    ['text', 'ALARM'],
  ])('refuses an event that is %s', (_case, input) => {
    expect(refusal(parseAlarmInput(input))).toBe('event: not an object');
  });

  it('refuses an object with a Message but no Type, saying what it expected', () => {
    expect(refusal(parseAlarmInput({ Message: 'x' }))).toMatch(/^event: neither an SNS event/);
  });

  it('names the first field of a bare alarm message without a prefix', () => {
    expect(refusal(parseAlarmInput({ AlarmName: 'a' }))).toMatch(/^NewStateValue: /);
  });

  it('lists at most five problems, separated by semicolons', () => {
    const message = refusal(
      parseAlarmInput({
        AlarmName: 1,
        NewStateValue: 2,
        Region: 3,
        AlarmArn: 4,
        AlarmRule: 5,
        StateChangeTime: 6,
        AWSAccountId: 7,
      }),
    );
    expect(message.split('; ')).toHaveLength(5);
  });
});

describe('EventBridge events that are not CloudWatch alarm state changes', () => {
  it('refuses a state change from another source, quoting both (bounded)', () => {
    const event = { ...ebMetricEvent('a', 'AWS/SageMaker', 'M', {}), source: 'my.app' };
    expect(refusal([parseEventBridgeEvent(event)])).toBe(
      'detail-type: "CloudWatch Alarm State Change" from "my.app" is not a CloudWatch alarm state change',
    );
    const long = { ...event, 'detail-type': 'x'.repeat(300), source: 'y'.repeat(300) };
    expect(refusal([parseEventBridgeEvent(long)])).toBe(
      `detail-type: "${'x'.repeat(100)}" from "${'y'.repeat(100)}" is not a CloudWatch alarm state change`,
    );
  });

  it('refuses another detail-type from aws.cloudwatch', () => {
    const event = { ...ebMetricEvent('a', 'AWS/SageMaker', 'M', {}), 'detail-type': 'Other' };
    expect(parseEventBridgeEvent(event).kind).toBe('invalid');
  });

  it('names the bad detail field', () => {
    const event = ebMetricEvent('a', 'AWS/SageMaker', 'M', {});
    const { alarmName: _n, ...detail } = event.detail;
    expect(refusal([parseEventBridgeEvent({ ...event, detail })])).toMatch(/^detail\.alarmName: /);
  });

  it('refuses an event without an alarm ARN whose region is not a region', () => {
    const { resources: _r, ...event } = ebMetricEvent('a', 'AWS/SageMaker', 'M', {});
    expect(refusal([parseEventBridgeEvent({ ...event, region: 'nowhere' })])).toBe(
      'resources: no CloudWatch alarm ARN, and region "nowhere" is not a region',
    );
  });

  it('refuses an alarm name from which no ARN can be made, as a refusal, not a crash', () => {
    const { resources: _r, ...event } = ebMetricEvent('a', 'AWS/SageMaker', 'M', {});
    const broken = { ...event, detail: { ...event.detail, alarmName: 'churn\nlatency' } };
    expect(refusal([parseEventBridgeEvent(broken)])).toMatch(
      /^resources: "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:churn\nlatency" is not a CloudWatch alarm ARN$/,
    );
  });

  it('quotes at most 256 characters of an ARN it cannot read', () => {
    const { resources: _r, ...event } = ebMetricEvent('a', 'AWS/SageMaker', 'M', {});
    const broken = { ...event, detail: { ...event.detail, alarmName: `a\n${'b'.repeat(500)}` } };
    const message = refusal([parseEventBridgeEvent(broken)]);
    expect(message.length).toBeLessThan(256 + 60);
    expect(message).toMatch(
      /^resources: "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a\nb+" is not a CloudWatch alarm ARN$/,
    );
  });

  it('names the state timestamp when it is not a time', () => {
    const event = ebMetricEvent('a', 'AWS/SageMaker', 'M', {});
    const broken = {
      ...event,
      detail: { ...event.detail, state: { ...event.detail.state, timestamp: 'yesterday' } },
    };
    expect(refusal([parseEventBridgeEvent(broken)])).toBe(
      'detail.state.timestamp: "yesterday" is not a time',
    );
  });
});
