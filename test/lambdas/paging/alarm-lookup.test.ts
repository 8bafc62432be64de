import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AlarmLookupCache, describeAlarm } from '../../../lambdas/paging/alarm-lookup';
import { RoutingKeyCache } from '../../../lambdas/paging/pagerduty';

const cw = mockClient(CloudWatchClient);
const client = new CloudWatchClient({ region: 'eu-west-1' });
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'Throttling',
    $metadata: { httpStatusCode: 400 },
  });

afterEach(() => cw.reset());

describe('describeAlarm (DescribeAlarms)', () => {
  it('reads actions, ActionsEnabled and the parents, paging through empty pages with a NextToken', async () => {
    // Prepare
    cw.on(DescribeAlarmsCommand, { AlarmNames: ['child'] }).resolves({
      MetricAlarms: [{ AlarmName: 'child', ActionsEnabled: true, AlarmActions: [] }],
    });
    cw.on(DescribeAlarmsCommand, { ParentsOfAlarmName: 'child', NextToken: undefined }).resolves({
      CompositeAlarms: [],
      NextToken: 't1',
    });
    cw.on(DescribeAlarmsCommand, { ParentsOfAlarmName: 'child', NextToken: 't1' }).resolves({
      CompositeAlarms: [{ AlarmName: 'serving-composite' }],
    });
    // Act
    const out = await describeAlarm(client, 'child');
    // Assess
    expect(out).toEqual({
      status: 'found',
      actionsEnabled: true,
      alarmActions: [],
      parents: ['serving-composite'],
    });
  });

  it('reports actions disabled and a composite alarm found by name', async () => {
    cw.on(DescribeAlarmsCommand, { AlarmNames: ['c'] }).resolves({
      CompositeAlarms: [
        { AlarmName: 'c', ActionsEnabled: false, AlarmActions: ['arn:aws:sns:eu-west-1:1:x'] },
      ],
    });
    cw.on(DescribeAlarmsCommand, { ParentsOfAlarmName: 'c' }).resolves({});
    expect(await describeAlarm(client, 'c')).toMatchObject({
      status: 'found',
      actionsEnabled: false,
    });
  });

  it('says not-found for an alarm deleted since the event', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    expect(await describeAlarm(client, 'gone')).toEqual({ status: 'not-found' });
  });

  it('retries throttling, then succeeds', async () => {
    cw.on(DescribeAlarmsCommand, { AlarmNames: ['a'] })
      .rejectsOnce(throttled())
      .resolves({ MetricAlarms: [{ AlarmName: 'a' }] });
    cw.on(DescribeAlarmsCommand, { ParentsOfAlarmName: 'a' }).resolves({});
    expect(await describeAlarm(client, 'a')).toMatchObject({
      status: 'found',
      actionsEnabled: true,
    });
  });
});

describe('AlarmLookupCache', () => {
  it('reuses an answer within the TTL, asks again after it, and never caches a failure', async () => {
    // Prepare
    let calls = 0;
    let fail = true;
    let clock = 0;
    const cache = new AlarmLookupCache(
      async () => {
        calls++;
        if (fail) throw throttled();
        return { status: 'not-found' };
      },
      300_000,
      () => clock,
    );
    // Act / Assess: failure -> failed (fail open), not cached
    expect(await cache.get('a')).toEqual({ status: 'failed', error: 'Rate exceeded' });
    fail = false;
    expect(await cache.get('a')).toEqual({ status: 'not-found' });
    expect(await cache.get('a')).toEqual({ status: 'not-found' });
    expect(calls).toBe(2);
    clock = 300_001;
    await cache.get('a');
    expect(calls).toBe(3);
  });
});

describe('RoutingKeyCache', () => {
  const KEY = 'ROUTINGKEY0123456789abcdefABCDEF';
  it('keeps the last good routing key when a later read fails, and says so', async () => {
    // Prepare
    let clock = 0;
    let value: unknown = KEY;
    const warnings: string[] = [];
    const cache = new RoutingKeyCache(
      async () => {
        if (value instanceof Error) throw value;
        return value;
      },
      300_000,
      () => clock,
      { warn: (m) => warnings.push(m) },
    );
    expect(await cache.get('s')).toBe(KEY);
    // Act: Secrets Manager is down after the cache age
    value = new Error('Secrets Manager unavailable');
    clock = 600_000;
    // Assess
    expect(await cache.get('s')).toBe(KEY);
    expect(warnings).toEqual(['routing key could not be read: using the last good key']);
  });

  it('keeps the last good key when the secret is changed to something that is not a key', async () => {
    let clock = 0;
    let value: unknown = KEY;
    const cache = new RoutingKeyCache(
      async () => value,
      1000,
      () => clock,
    );
    await cache.get('s');
    value = 'oops';
    clock = 2000;
    expect(await cache.get('s')).toBe(KEY);
  });

  it('fails when there never was a good key', async () => {
    const cache = new RoutingKeyCache(async () => 'oops', 1000);
    await expect(cache.get('ml-guardrails/pagerduty/x')).rejects.toThrow(
      /does not hold a PagerDuty routing key/,
    );
  });
});
