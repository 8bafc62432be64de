import { describe, expect, it } from 'vitest';
import {
  dedupKeyFor,
  globMatch,
  MAX_ALARM_TEXT,
  MAX_DEDUP_KEY,
  MAX_SUMMARY,
  route,
} from '../../../lambdas/paging/route';
import type { GuardrailsPolicy } from '../../../lib/config/schema';
import { examplePolicy } from '../../helpers/app';
import { alarm, sagemaker } from '../../helpers/paging';

const policy = examplePolicy();
// 2026-11-26 is a Thursday. In November Berlin is UTC+1 (CET) and New York UTC-5 (EST).
const THURSDAY_NOON_BERLIN = new Date('2026-11-26T11:00:00Z');
const THURSDAY_NOON_NEW_YORK = new Date('2026-11-26T17:00:00Z');

describe('route: incident types from the alarm rules and the RACI', () => {
  it.each([
    [
      'endpoint-latency (ModelLatency)',
      alarm('churn-latency', { metric: sagemaker('ModelLatency', 'churn-prod') }),
      'endpoint-latency',
      'ml-engineering',
      'critical',
    ],
    [
      "endpoint-latency (OverheadLatency is SageMaker's own time: Platform's cluster-control-plane)",
      alarm('churn-overhead', { metric: sagemaker('OverheadLatency', 'churn-prod') }),
      'endpoint-latency',
      'platform',
      'critical',
    ],
    [
      "endpoint-errors (Invocation5XXErrors are the container's: the ML team's inference-logic)",
      alarm('churn-5xx', { metric: sagemaker('Invocation5XXErrors', 'churn-prod') }),
      'endpoint-errors',
      'ml-engineering',
      'critical',
    ],
    [
      'model-drift (name *-drift*)',
      alarm('churn-prediction-drift'),
      'model-drift',
      'data-science',
      'error',
    ],
    [
      'model-bias (name *-bias*)',
      alarm('churn-prediction-bias-gender'),
      'model-bias',
      'data-science',
      'error',
    ],
    [
      'data-pipeline-failed (AWS/States ExecutionsFailed)',
      alarm('feature-pipeline', {
        metric: { namespace: 'AWS/States', metricName: 'ExecutionsFailed' },
      }),
      'data-pipeline-failed',
      'ml-engineering',
      'error',
    ],
    [
      'feature-store-down (name *feature-store*)',
      alarm('online-feature-store-unhealthy'),
      'feature-store-down',
      'platform',
      'critical',
    ],
    [
      'guardrails-failure (name ml-guardrails-*)',
      alarm('ml-guardrails-paging-router-errors'),
      'guardrails-failure',
      'platform',
      'error',
    ],
  ])('%s', (_name, input, incidentType, team, severity) => {
    // Prepare: inside both business-hours windows
    const at = new Date('2026-11-26T15:00:00Z'); // 16:00 Berlin, 10:00 New York
    // Act
    const d = route(input, policy, at);
    // Assess
    expect(d).toMatchObject({
      action: 'trigger',
      incidentType,
      team,
      severity,
      withinCoverage: true,
    });
    expect(d.service).toBe(policy.teams.find((t) => t.id === team)?.pagerdutyService);
  });

  it('uses the first matching rule (the name rule wins over a later metric rule)', () => {
    const d = route(
      alarm('ml-guardrails-latency', { metric: sagemaker('ModelLatency', 'churn-prod') }),
      policy,
      THURSDAY_NOON_BERLIN,
    );
    expect(d.incidentType).toBe('guardrails-failure');
  });

  it('uses defaultIncidentType when no rule matches and the policy sets one', () => {
    const p: GuardrailsPolicy = {
      ...policy,
      paging: { ...policy.paging, defaultIncidentType: 'cluster-down' },
    };
    const d = route(alarm('web-cpu-high'), p, THURSDAY_NOON_BERLIN);
    expect(d).toMatchObject({ incidentType: 'cluster-down', team: 'platform' });
  });

  it('matches dimension conditions against one metric of a metric-math alarm', () => {
    const p: GuardrailsPolicy = {
      ...policy,
      paging: {
        ...policy.paging,
        alarmRules: [
          {
            incidentType: 'model-drift',
            match: { namespace: 'Custom/*', dimensions: { Feature: 'tenure' } },
          },
          ...policy.paging.alarmRules,
        ],
      },
    };
    const a = alarm('churn-mm', {
      kind: 'metric-math',
      metrics: [
        { namespace: 'Custom/Drift', metricName: 'PSI', dimensions: { Feature: 'spend' } },
        { namespace: 'Custom/Drift', metricName: 'PSI', dimensions: { Feature: 'tenure' } },
      ],
    });
    expect(route(a, p, THURSDAY_NOON_NEW_YORK).incidentType).toBe('model-drift');
  });
});

describe('route: revenue-critical override', () => {
  it.each([
    [
      'fraud_detection endpoint latency at 03:00 on Saturday',
      alarm('fraud-latency', { metric: sagemaker('ModelLatency', 'fraud-detection-prod') }),
      new Date('2026-11-28T02:00:00Z'),
    ],
    [
      'real_time_bidding drift by alarm name during the day',
      alarm('real-time-bidding-drift'),
      THURSDAY_NOON_BERLIN,
    ],
    [
      'dynamic_pricing 5XX by endpoint glob pricing-*',
      alarm('p-5xx', { metric: sagemaker('Invocation5XXErrors', 'pricing-eu') }),
      new Date('2026-11-29T22:00:00Z'),
    ],
  ])('pages the 24x7 revenue team with full severity: %s', (_name, input, at) => {
    const d = route(input, policy, at);
    expect(d).toMatchObject({
      action: 'trigger',
      team: 'ml-revenue-oncall',
      service: 'revenue-models',
      withinCoverage: true,
    });
    expect(['critical', 'error']).toContain(d.severity);
    expect(d.reason).toContain('revenue-critical');
  });

  it('keeps the RACI team for a model that is not revenue-critical', () => {
    const d = route(
      alarm('churn-latency', { metric: sagemaker('ModelLatency', 'churn-prod') }),
      policy,
      THURSDAY_NOON_BERLIN,
    );
    expect(d).toMatchObject({
      team: 'ml-engineering',
      model: 'churn_prediction',
      project: 'churn-prediction',
    });
  });
});

describe('route: coverage windows in two time zones', () => {
  const latency = alarm('churn-latency', { metric: sagemaker('ModelLatency', 'churn-prod') }); // ml-engineering, Berlin, best-effort
  const drift = alarm('churn-prediction-drift'); // data-science, New York, hold
  it.each([
    [
      'Berlin business hours (Thu 12:00 CET)',
      latency,
      '2026-11-26T11:00:00Z',
      'trigger',
      'critical',
      true,
    ],
    [
      'Berlin window start is inclusive (Thu 09:00 CET)',
      latency,
      '2026-11-26T08:00:00Z',
      'trigger',
      'critical',
      true,
    ],
    [
      'Berlin window end is exclusive (Thu 18:00 CET)',
      latency,
      '2026-11-26T17:00:00Z',
      'trigger',
      'warning',
      false,
    ],
    [
      'Berlin night (Thu 03:00 CET): best effort',
      latency,
      '2026-11-26T02:00:00Z',
      'trigger',
      'warning',
      false,
    ],
    [
      'Berlin weekend (Sat 12:00 CET): best effort',
      latency,
      '2026-11-28T11:00:00Z',
      'trigger',
      'warning',
      false,
    ],
    [
      'New York business hours (Thu 12:00 EST)',
      drift,
      '2026-11-26T17:00:00Z',
      'trigger',
      'error',
      true,
    ],
    ['New York night (Thu 23:00 EST): held', drift, '2026-11-27T04:00:00Z', 'hold', 'error', false],
    [
      'New York weekend (Sun 10:00 EST): held',
      drift,
      '2026-11-29T15:00:00Z',
      'hold',
      'error',
      false,
    ],
    [
      'Berlin noon is 06:00 in New York: held',
      drift,
      '2026-11-26T11:00:00Z',
      'hold',
      'error',
      false,
    ],
  ])('%s', (_name, input, at, action, severity, withinCoverage) => {
    const d = route(input, policy, new Date(at));
    expect(d).toMatchObject({ action, severity, withinCoverage });
  });

  it.each([
    ['Thursday night -> Friday 09:00 EST', '2026-11-27T04:00:00Z', '2026-11-27T14:00:00.000Z'],
    ['Friday evening -> Monday 09:00 EST', '2026-11-27T23:30:00Z', '2026-11-30T14:00:00.000Z'],
    [
      'Saturday before the US fall-back -> Monday 09:00 EST (UTC-5)',
      '2026-10-31T16:00:00Z',
      '2026-11-02T14:00:00.000Z',
    ],
    [
      'Saturday before the US spring-forward -> Monday 09:00 EDT (UTC-4)',
      '2026-03-07T16:00:00Z',
      '2026-03-09T13:00:00.000Z',
    ],
  ])('holds until the next window opens: %s', (_name, at, until) => {
    expect(route(drift, policy, new Date(at)).holdUntil).toBe(until);
  });
});

describe('route: daylight-saving switch days', () => {
  // EU: summer time starts 2026-03-29 and ends 2026-10-25 (last Sundays). US: 2026-03-08 and 2026-11-01.
  const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  function withWindow(teamId: string, start: string, end: string): GuardrailsPolicy {
    return {
      ...policy,
      teams: policy.teams.map((t) =>
        t.id === teamId
          ? { ...t, onCall: { ...t.onCall, windows: [{ days: [...everyDay], start, end }] } }
          : t,
      ),
    };
  }
  const latency = alarm('churn-latency', { metric: sagemaker('ModelLatency', 'churn-prod') });
  const drift = alarm('churn-prediction-drift');
  it.each([
    [
      'Berlin spring-forward day, 06:30Z is 08:30 CEST: inside 08:00-20:00',
      'ml-engineering',
      latency,
      '2026-03-29T06:30:00Z',
      true,
    ],
    [
      'Berlin day before, 06:30Z is 07:30 CET: outside',
      'ml-engineering',
      latency,
      '2026-03-28T06:30:00Z',
      false,
    ],
    [
      'Berlin fall-back day, 07:30Z is 08:30 CET: inside',
      'ml-engineering',
      latency,
      '2026-10-25T07:30:00Z',
      true,
    ],
    [
      'Berlin fall-back day, 06:30Z is 07:30 CET: outside',
      'ml-engineering',
      latency,
      '2026-10-25T06:30:00Z',
      false,
    ],
    [
      'New York spring-forward day, 12:30Z is 08:30 EDT: inside',
      'data-science',
      drift,
      '2026-03-08T12:30:00Z',
      true,
    ],
    [
      'New York day before, 12:30Z is 07:30 EST: outside',
      'data-science',
      drift,
      '2026-03-07T12:30:00Z',
      false,
    ],
    [
      'New York fall-back day, 12:30Z is 07:30 EST: outside',
      'data-science',
      drift,
      '2026-11-01T12:30:00Z',
      false,
    ],
    [
      'New York fall-back day, 13:30Z is 08:30 EST: inside',
      'data-science',
      drift,
      '2026-11-01T13:30:00Z',
      true,
    ],
  ])('%s', (_name, team, input, at, inside) => {
    const d = route(input, withWindow(team, '08:00', '20:00'), new Date(at));
    expect(d.withinCoverage).toBe(inside);
  });

  it('treats a window whose end is before its start as overnight, across the Berlin spring-forward night', () => {
    const p = withWindow('ml-engineering', '22:00', '06:00');
    // Sat 28 March 23:30 CET, Sun 29 March 05:30 CEST (03:30Z), Sun 06:30 CEST (04:30Z)
    expect(route(latency, p, new Date('2026-03-28T22:30:00Z')).withinCoverage).toBe(true);
    expect(route(latency, p, new Date('2026-03-29T03:30:00Z')).withinCoverage).toBe(true);
    expect(route(latency, p, new Date('2026-03-29T04:30:00Z')).withinCoverage).toBe(false);
  });
});

describe('route: a trigger and its resolve always share the service and dedup key', () => {
  it.each([
    [
      'best effort: trigger at 17:59 CET, resolve at 18:01 CET',
      alarm('churn-latency', { metric: sagemaker('ModelLatency', 'churn-prod') }),
      '2026-11-26T16:59:00Z',
      '2026-11-26T17:01:00Z',
    ],
    [
      'best effort: trigger at night, resolve in the morning',
      alarm('churn-latency', { metric: sagemaker('ModelLatency', 'churn-prod') }),
      '2026-11-26T02:00:00Z',
      '2026-11-26T09:00:00Z',
    ],
    [
      'hold team: trigger at 17:59 EST, resolve at 18:01 EST',
      alarm('churn-prediction-drift'),
      '2026-11-26T22:59:00Z',
      '2026-11-26T23:01:00Z',
    ],
    [
      '24x7 revenue team across midnight',
      alarm('fraud-latency', { metric: sagemaker('ModelLatency', 'fraud-detection-prod') }),
      '2026-11-26T22:59:00Z',
      '2026-11-27T01:01:00Z',
    ],
  ])('%s', (_name, input, triggerAt, resolveAt) => {
    // Act
    const trigger = route(input, policy, new Date(triggerAt));
    const resolve = route(
      { ...input, state: 'OK', previousState: 'ALARM' },
      policy,
      new Date(resolveAt),
    );
    // Assess
    expect(trigger.action).toBe('trigger');
    expect(resolve.action).toBe('resolve');
    expect(resolve.service).toBe(trigger.service);
    expect(resolve.routingKeySecret).toBe(trigger.routingKeySecret);
    expect(resolve.dedupKey).toBe(trigger.dedupKey);
  });

  it('resolves even when the trigger was held (the hold store cancels the held page)', () => {
    const d = route(
      { ...alarm('churn-prediction-drift'), state: 'OK' },
      policy,
      new Date('2026-11-27T04:00:00Z'),
    );
    expect(d).toMatchObject({ action: 'resolve', service: 'data-science' });
  });
});

describe('route: states', () => {
  const latency = alarm('churn-latency', { metric: sagemaker('ModelLatency', 'churn-prod') });
  it('does not page INSUFFICIENT_DATA by default', () => {
    expect(
      route({ ...latency, state: 'INSUFFICIENT_DATA' }, policy, THURSDAY_NOON_BERLIN),
    ).toMatchObject({ action: 'none', severity: 'info' });
  });
  it('pages INSUFFICIENT_DATA when the incident type says trigger', () => {
    const p: GuardrailsPolicy = {
      ...policy,
      raci: {
        ...policy.raci,
        incidentTypes: policy.raci.incidentTypes.map((t) =>
          t.id === 'endpoint-latency' ? { ...t, onInsufficientData: 'trigger' as const } : t,
        ),
      },
    };
    expect(route({ ...latency, state: 'INSUFFICIENT_DATA' }, p, THURSDAY_NOON_BERLIN).action).toBe(
      'trigger',
    );
  });
  it('ignores OK when the incident type says onOk: ignore', () => {
    const p: GuardrailsPolicy = {
      ...policy,
      raci: {
        ...policy.raci,
        incidentTypes: policy.raci.incidentTypes.map((t) =>
          t.id === 'endpoint-latency' ? { ...t, onOk: 'ignore' as const } : t,
        ),
      },
    };
    expect(route({ ...latency, state: 'OK' }, p, THURSDAY_NOON_BERLIN).action).toBe('none');
  });
});

describe('route: payload limits and details', () => {
  it('keeps the dedup key at most 255 characters and stable for a long alarm name', () => {
    const a = alarm(`x${'y'.repeat(400)}`);
    const k = dedupKeyFor(a);
    expect(k.length).toBeLessThanOrEqual(MAX_DEDUP_KEY);
    expect(dedupKeyFor({ ...a, state: 'OK', stateChangeTime: '2027-01-01T00:00:00Z' })).toBe(k);
    expect(dedupKeyFor(alarm(`x${'y'.repeat(399)}z`))).not.toBe(k);
  });

  it('keeps alarm free text out of the summary: bounded, single-line and labelled in custom details', () => {
    // Prepare: a reason and description written to look like instructions, far too long
    const reason = `IGNORE THIS PAGE\n${'r'.repeat(5000)}`;
    // Act
    const d = route(
      alarm('churn-prediction-drift', { reason, description: 'd'.repeat(3000) }),
      policy,
      THURSDAY_NOON_NEW_YORK,
    );
    // Assess
    expect(d.summary.length).toBeLessThanOrEqual(MAX_SUMMARY);
    expect(d.summary).not.toContain('IGNORE');
    const fromAlarm = d.customDetails.fromAlarm as Record<string, string>;
    expect(fromAlarm.note).toMatch(/copied from the CloudWatch alarm/);
    expect(fromAlarm.reason?.length).toBe(MAX_ALARM_TEXT);
    expect(fromAlarm.reason).not.toContain('\n');
    expect(fromAlarm.description?.length).toBe(MAX_ALARM_TEXT);
  });

  it('bounds the summary even for the longest alarm name', () => {
    const d = route(
      alarm(`churn-prediction-drift-${'n'.repeat(1000)}`),
      policy,
      THURSDAY_NOON_NEW_YORK,
    );
    expect(d.summary.length).toBeLessThanOrEqual(MAX_SUMMARY);
  });

  it('carries the RACI, response time, escalation, runbook and console link in custom details', () => {
    const d = route(alarm('churn-prediction-drift'), policy, THURSDAY_NOON_NEW_YORK);
    expect(d.customDetails).toMatchObject({
      incidentType: 'model-drift',
      accountable: ['Data Scientist'],
      consulted: ['ML Engineer', 'Product Manager'],
      informed: ['Platform Engineer'],
      responseMinutes: 60,
      escalation: [
        '0 min: Model owner (data scientist on duty)',
        '60 min: Data science lead',
        '120 min: Data science director',
      ],
      runbook: 'https://runbooks.example.com/ml/model-drift',
      console: expect.stringContaining('eu-west-1.console.aws.amazon.com/cloudwatch'),
    });
  });

  it.each([
    ['*-drift*', 'churn-drift-x', true],
    ['*-drift*', 'churndrift', false],
    ['a.b', 'axb', false],
    ['AWS/SageMaker', 'AWS/SageMaker', true],
    ['*', '', true],
  ])('globMatch(%s, %s) is %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });
});
