import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AlarmParseError,
  normaliseTimestamp,
  parseAlarmInput,
} from '../../../lambdas/paging/alarm-event';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'paging');
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

function snsEvent(message: unknown): unknown {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: { Message: typeof message === 'string' ? message : JSON.stringify(message) },
      },
    ],
  };
}
const snsMessage = (): Record<string, unknown> =>
  JSON.parse(
    (fixture('sns-single-metric-alarm.json') as { Records: { Sns: { Message: string } }[] })
      .Records[0]?.Sns.Message ?? '{}',
  );

describe('parseAlarmInput: every input shape', () => {
  it('parses a single-metric alarm from SNS, region code from the ARN', () => {
    // Act
    const [r] = parseAlarmInput(fixture('sns-single-metric-alarm.json'));
    // Assess
    expect(r?.kind).toBe('alarm');
    if (r?.kind !== 'alarm') return;
    expect(r.alarm).toMatchObject({
      alarmName: 'fraud-detection-prod-model-latency',
      region: 'eu-west-1',
      accountId: '111122223333',
      state: 'ALARM',
      previousState: 'OK',
      kind: 'metric',
      stateChangeTime: '2026-11-26T03:12:45.123Z',
      via: 'sns',
    });
    expect(r.alarm.metrics).toEqual([
      {
        namespace: 'AWS/SageMaker',
        metricName: 'ModelLatency',
        dimensions: { EndpointName: 'fraud-detection-prod', VariantName: 'AllTraffic' },
      },
    ]);
  });

  it('parses a metric-math alarm: every MetricStat of Trigger.Metrics, expressions skipped', () => {
    const [r] = parseAlarmInput(fixture('sns-metric-math-alarm.json'));
    expect(r?.kind === 'alarm' && r.alarm.kind).toBe('metric-math');
    expect(r?.kind === 'alarm' && r.alarm.metrics.map((m) => m.metricName)).toEqual([
      'Invocation5XXErrors',
      'Invocations',
    ]);
  });

  it('parses a composite alarm from SNS (AlarmRule, no Trigger)', () => {
    const [r] = parseAlarmInput(fixture('sns-composite-alarm.json'));
    expect(r?.kind === 'alarm' && r.alarm).toMatchObject({
      kind: 'composite',
      metrics: [],
      alarmRule: expect.stringContaining('ALARM("churn-feature-tenure-drift")'),
    });
  });

  it('handles every SNS record, not only Records[0]', () => {
    const rs = parseAlarmInput(fixture('sns-two-records.json'));
    expect(rs.map((r) => r.kind === 'alarm' && [r.alarm.alarmName, r.alarm.state])).toEqual([
      ['ml-feature-pipeline-failed', 'ALARM'],
      ['fraud-detection-prod-model-latency', 'OK'],
    ]);
  });

  it('parses an EventBridge state change (dimensions as a map)', () => {
    const [r] = parseAlarmInput(fixture('eventbridge-state-change.json'));
    expect(r?.kind === 'alarm' && r.alarm).toMatchObject({
      alarmName: 'rtb-bidder-prod-overhead-latency',
      state: 'ALARM',
      previousState: 'OK',
      kind: 'metric',
      via: 'eventbridge',
      region: 'eu-west-1',
      stateChangeTime: '2026-11-26T10:04:40.989Z',
      metrics: [
        {
          namespace: 'AWS/SageMaker',
          metricName: 'OverheadLatency',
          dimensions: { EndpointName: 'rtb-bidder-prod', VariantName: 'AllTraffic' },
        },
      ],
    });
  });

  it('parses an EventBridge composite alarm', () => {
    const [r] = parseAlarmInput(fixture('eventbridge-composite.json'));
    expect(r?.kind === 'alarm' && r.alarm.kind).toBe('composite');
  });

  it('ignores (does not fail on) an alarm configuration change', () => {
    const [r] = parseAlarmInput(fixture('eventbridge-configuration-change.json'));
    expect(r).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('configuration') });
  });

  it('accepts a bare alarm message (what the CLI is often given)', () => {
    const [r] = parseAlarmInput(snsMessage());
    expect(r?.kind === 'alarm' && r.alarm.via).toBe('direct');
  });
});

describe('parseAlarmInput: hostile and broken input is reported with the bad field', () => {
  it.each([
    ['null event', null, /event: not an object/],
    ['unknown shape', { hello: 'world' }, /neither an SNS event/],
    ['Records not a list', { Records: 'x' }, /Records: not a list/],
    [
      'SNS message not JSON',
      snsEvent('ALARM: something broke'),
      /Records\.0\.Sns\.Message: not JSON/,
    ],
    [
      'budget text on the alarms topic',
      snsEvent('AWS Budget Notification November 26, 2026'),
      /not JSON/,
    ],
    [
      'missing AlarmName',
      snsEvent({ ...snsMessage(), AlarmName: undefined }),
      /Records\.0\.Sns\.Message\.AlarmName/,
    ],
    ['unknown state', snsEvent({ ...snsMessage(), NewStateValue: 'PANIC' }), /NewStateValue/],
    [
      'forged ARN',
      snsEvent({ ...snsMessage(), AlarmArn: 'arn:aws:sns:eu-west-1:111122223333:x' }),
      /AlarmArn/,
    ],
    ['bad time', snsEvent({ ...snsMessage(), StateChangeTime: 'yesterday' }), /StateChangeTime/],
    [
      'neither Trigger nor AlarmRule',
      snsEvent({ ...snsMessage(), Trigger: undefined }),
      /neither Trigger nor AlarmRule/,
    ],
    [
      'oversized alarm name',
      snsEvent({ ...snsMessage(), AlarmName: 'a'.repeat(5000) }),
      /AlarmName/,
    ],
    [
      'dimensions not a list',
      snsEvent({ ...snsMessage(), Trigger: { Dimensions: { a: 1 } } }),
      /Trigger\.Dimensions/,
    ],
    ['not an SNS record', { Records: [{ EventSource: 'aws:s3' }] }, /Records\.0\.EventSource/],
    [
      'EventBridge event from another service',
      {
        ...(fixture('eventbridge-state-change.json') as object),
        'detail-type': 'EC2 Instance State-change Notification',
        source: 'aws.ec2',
      },
      /not a CloudWatch alarm state change/,
    ],
    [
      'EventBridge without alarm ARN and without a usable region',
      { ...(fixture('eventbridge-state-change.json') as object), resources: [], region: 'moon' },
      /resources: no CloudWatch alarm ARN, and region "moon"/,
    ],
    [
      'SNS message without AlarmArn and without AWSAccountId',
      snsEvent({ ...snsMessage(), AlarmArn: undefined, AWSAccountId: undefined }),
      /neither AlarmArn nor AWSAccountId/,
    ],
    [
      'SNS message without AlarmArn whose region cannot be told',
      snsEvent({ ...snsMessage(), AlarmArn: undefined, Region: 'Atlantis' }),
      /Region: "Atlantis" is not a region name or code/,
    ],
    [
      'EventBridge with bad detail',
      { ...(fixture('eventbridge-state-change.json') as object), detail: { alarmName: 'x' } },
      /detail\.state/,
    ],
  ])('%s', (_name, input, message) => {
    const [r] = parseAlarmInput(input);
    expect(r?.kind).toBe('invalid');
    if (r?.kind !== 'invalid') return;
    expect(r.error).toBeInstanceOf(AlarmParseError);
    expect(r.error.message).toMatch(message);
  });

  it('keeps good records when one record of a batch is bad', () => {
    const good = (fixture('sns-two-records.json') as { Records: unknown[] }).Records;
    const rs = parseAlarmInput({
      Records: [good[0], { EventSource: 'aws:sns', Sns: { Message: '{' } }, good[1]],
    });
    expect(rs.map((r) => r.kind)).toEqual(['alarm', 'invalid', 'alarm']);
    expect(rs[1]?.index).toBe(1);
  });

  it('treats a dimension named __proto__ as data, not a prototype', () => {
    const msg = snsMessage();
    const trigger = msg.Trigger as Record<string, unknown>;
    const [r] = parseAlarmInput(
      snsEvent({
        ...msg,
        Trigger: { ...trigger, Dimensions: [{ name: '__proto__', value: 'polluted' }] },
      }),
    );
    const dims = r?.kind === 'alarm' ? r.alarm.metrics[0]?.dimensions : undefined;
    expect(dims && Object.getOwnPropertyDescriptor(dims, '__proto__')?.value).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('normaliseTimestamp', () => {
  it.each([
    ['2026-11-26T03:12:45.123+0000', '2026-11-26T03:12:45.123Z'],
    ['2026-11-26T04:12:45.123+0100', '2026-11-26T03:12:45.123Z'],
    ['2026-11-26T03:12:45Z', '2026-11-26T03:12:45.000Z'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseTimestamp(input, 'x')).toBe(expected);
  });
});
