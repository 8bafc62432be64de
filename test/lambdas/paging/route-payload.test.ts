/**
 * What a responder and PagerDuty receive from a routing decision: the Events API v2 payload fields
 * (PagerDuty developer docs, "Events API v2: Send an event": summary, source, component, group,
 * class, timestamp, custom_details, dedup_key), and the reasoning `guardrails route` prints.
 */
import { describe, expect, it } from 'vitest';
import {
  dedupKeyFor,
  MAX_ALARM_TEXT,
  MAX_DEDUP_KEY,
  route,
  scalingAlarmReason,
  truncate,
} from '../../../lambdas/paging/route';
import type { GuardrailsPolicy } from '../../../lib/config/schema';
import { examplePolicy } from '../../helpers/app';
import { alarm, sagemaker } from '../../helpers/paging';

const policy = examplePolicy();
// 2026-11-26 is a Thursday: 12:00 in New York (UTC-5), inside every business-hours window.
const THURSDAY_NOON_NEW_YORK = new Date('2026-11-26T17:00:00Z');
const drift = alarm('churn-prediction-drift', { description: 'PSI > 0.2' });

describe('route: the Events API payload of a triggered page', () => {
  it('names the account and region as source, the model as component, the project as group and the incident type as class', () => {
    // Act
    const d = route(drift, policy, THURSDAY_NOON_NEW_YORK);
    // Assess
    expect(d).toMatchObject({
      action: 'trigger',
      summary:
        'ALARM: Model drift > 10% (churn_prediction) — CloudWatch alarm "churn-prediction-drift"',
      source: '111122223333/eu-west-1',
      component: 'churn_prediction',
      group: 'churn-prediction',
      class: 'model-drift',
      timestamp: '2026-11-26T10:00:00.000Z',
      runbook: 'https://runbooks.example.com/ml/model-drift',
      routingKeySecret: 'ml-guardrails/pagerduty/data-science',
      dedupKey: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:churn-prediction-drift',
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/churn-prediction-drift',
    });
  });

  it('uses the metric namespace as component when no model is linked, and no group', () => {
    const d = route(
      alarm('ml-guardrails-paging-router-errors', {
        metric: { namespace: 'AWS/Lambda', metricName: 'Errors' },
      }),
      policy,
      THURSDAY_NOON_NEW_YORK,
    );
    expect(d).toMatchObject({ component: 'AWS/Lambda', group: undefined, model: undefined });
  });

  it('says RESOLVED, not OK, in the summary of a resolve', () => {
    const d = route({ ...drift, state: 'OK' }, policy, THURSDAY_NOON_NEW_YORK);
    expect(d.summary).toBe(
      'RESOLVED: Model drift > 10% (churn_prediction) — CloudWatch alarm "churn-prediction-drift"',
    );
  });

  it('escapes the alarm name in the console link', () => {
    const d = route(alarm('churn drift/eu #1'), policy, THURSDAY_NOON_NEW_YORK);
    expect(d.consoleUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/churn%20drift%2Feu%20%231',
    );
  });

  it('carries the alarm facts and the labelled alarm text in custom details', () => {
    const d = route(drift, policy, THURSDAY_NOON_NEW_YORK);
    expect(d.customDetails).toMatchObject({
      incidentTypeName: 'Model drift > 10%',
      team: 'data-science',
      model: 'churn_prediction',
      project: 'churn-prediction',
      withinCoverage: true,
      routing: d.reason,
      alarm: {
        name: 'churn-prediction-drift',
        arn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:churn-prediction-drift',
        state: 'ALARM',
        previousState: 'OK',
        kind: 'composite',
        stateChangeTime: '2026-11-26T10:00:00.000Z',
        metrics: [],
        account: '111122223333',
        region: 'eu-west-1',
      },
      fromAlarm: {
        reason: 'Threshold Crossed: 3 datapoints were greater than the threshold',
        description: 'PSI > 0.2',
      },
    });
  });

  it('leaves the description out when the alarm has none, and keeps a composite rule', () => {
    const d = route(
      alarm('churn-prediction-drift', { alarmRule: 'ALARM("a")\nOR ALARM("b")' }),
      policy,
      THURSDAY_NOON_NEW_YORK,
    );
    const fromAlarm = d.customDetails.fromAlarm as Record<string, unknown>;
    expect(fromAlarm.description).toBeUndefined();
    expect(fromAlarm.alarmRule).toBe('ALARM("a") OR ALARM("b")');
  });

  it('replaces control characters of alarm text with one space and trims it', () => {
    const d = route(
      alarm('churn-prediction-drift', { reason: '\tThreshold\u0007\u001b[31m crossed\r\n\u007f' }),
      policy,
      THURSDAY_NOON_NEW_YORK,
    );
    expect((d.customDetails.fromAlarm as Record<string, unknown>).reason).toBe(
      'Threshold [31m crossed',
    );
  });

  it('keeps at most 10 metrics of a metric-math alarm in custom details', () => {
    const metrics = Array.from({ length: 12 }, (_, i) => ({
      namespace: 'Custom/Drift',
      metricName: `PSI${i}`,
      dimensions: {},
    }));
    const d = route(
      alarm('churn-prediction-drift', { kind: 'metric-math', metrics }),
      policy,
      THURSDAY_NOON_NEW_YORK,
    );
    expect((d.customDetails.alarm as { metrics: unknown[] }).metrics).toEqual(metrics.slice(0, 10));
  });
});

describe('route: the reasoning guardrails route prints', () => {
  it('lists every step in order; the one-line reason keeps only the decisions', () => {
    // Act
    const d = route(
      alarm('churn-latency', {
        metric: sagemaker('ModelLatency', 'churn-prod'),
        derived: ['AlarmArn derived from the name, the region and AWSAccountId'],
      }),
      policy,
      new Date('2026-11-26T15:00:00Z'),
      { lookup: { status: 'not-found' } },
    );
    // Assess
    expect(d.steps).toEqual([
      'input: AlarmArn derived from the name, the region and AWSAccountId',
      'DescribeAlarms does not know the alarm (deleted since?): treated as enabled, no parents',
      'alarm rule 2 (namespace AWS/SageMaker, metricName ModelLatency) -> endpoint-latency',
      'model churn_prediction (project churn-prediction): dimension EndpointName=churn-prod matches the endpoints of churn_prediction',
      "responsibility inference-logic is on ml-engineering's on-call policy: ml-engineering is paged",
      "inside ml-engineering's coverage: critical (high urgency)",
      'Consulted and Informed: notify data-science, platform; Product Manager has no team to notify',
    ]);
    expect(d.reason).toBe(
      "alarm rule 2 (namespace AWS/SageMaker, metricName ModelLatency) -> endpoint-latency; responsibility inference-logic is on ml-engineering's on-call policy: ml-engineering is paged; inside ml-engineering's coverage: critical (high urgency)",
    );
  });

  it.each([
    [
      'failed',
      { status: 'failed', error: 'ThrottlingException' },
      'DescribeAlarms failed (ThrottlingException): actions and parents unknown, so paging anyway (fail open)',
    ],
    [
      'not needed',
      { status: 'not-needed', why: 'the SNS message names the alarm action' },
      'DescribeAlarms not needed: the SNS message names the alarm action',
    ],
  ] as const)('says when DescribeAlarms %s, and still pages', (_name, lookup, step) => {
    const d = route(drift, policy, THURSDAY_NOON_NEW_YORK, { lookup });
    expect(d.steps[0]).toBe(step);
    expect(d.action).toBe('trigger');
  });

  it('names a rule by its dimensions', () => {
    const p: GuardrailsPolicy = {
      ...policy,
      paging: {
        ...policy.paging,
        alarmRules: [
          {
            incidentType: 'model-drift',
            match: { dimensions: { Feature: 'tenure', Model: 'c*' } },
          },
        ],
      },
    };
    const d = route(
      alarm('psi', {
        metric: {
          namespace: 'Custom',
          metricName: 'PSI',
          dimensions: { Feature: 'tenure', Model: 'churn' },
        },
      }),
      p,
      THURSDAY_NOON_NEW_YORK,
    );
    expect(d.steps).toContain('alarm rule 1 (Feature=tenure, Model=c*) -> model-drift');
  });

  it('says so when no model is linked', () => {
    const d = route(alarm('ml-guardrails-paging-router-errors'), policy, THURSDAY_NOON_NEW_YORK);
    expect(d.steps).toContain(
      'no model: no endpoint, schedule or component dimension or name matches a model',
    );
  });

  it('names every role without a team, in the plural', () => {
    const p: GuardrailsPolicy = {
      ...policy,
      raci: {
        ...policy.raci,
        roles: [...policy.raci.roles, { id: 'legal', name: 'Legal' }],
        incidentTypes: policy.raci.incidentTypes.map((t) =>
          t.id === 'model-drift'
            ? { ...t, assignments: { ...t.assignments, legal: 'I' as const } }
            : t,
        ),
      },
    };
    const d = route(drift, p, THURSDAY_NOON_NEW_YORK);
    expect(d.steps).toContain(
      'Consulted and Informed: notify ml-engineering, platform; Product Manager, Legal have no team to notify',
    );
  });

  it('says when no Consulted or Informed role has a team topic', () => {
    const p: GuardrailsPolicy = {
      ...policy,
      raci: {
        ...policy.raci,
        incidentTypes: policy.raci.incidentTypes.map((t) =>
          t.id === 'model-drift'
            ? {
                ...t,
                assignments: { 'data-scientist': 'A' as const, 'product-manager': 'I' as const },
              }
            : t,
        ),
      },
    };
    const d = route(drift, p, THURSDAY_NOON_NEW_YORK);
    expect(d.steps).toContain(
      'Consulted and Informed: no team topic; Product Manager has no team to notify',
    );
    expect(d.notify).toEqual([{ role: 'Product Manager', letter: 'I', team: undefined }]);
  });
});

describe('route: payload limits', () => {
  it('keeps an alarm ARN of exactly 255 characters as the dedup key', () => {
    const base = alarm('x').alarmArn;
    const a = alarm(`x${'y'.repeat(MAX_DEDUP_KEY - base.length)}`);
    expect(a.alarmArn).toHaveLength(MAX_DEDUP_KEY);
    expect(dedupKeyFor(a)).toBe(a.alarmArn);
  });

  it('shortens a longer ARN to a readable prefix and its SHA-256, 255 characters in all', () => {
    const a = alarm(`x${'y'.repeat(400)}`);
    const key = dedupKeyFor(a);
    expect(key).toHaveLength(MAX_DEDUP_KEY);
    expect(key.startsWith(a.alarmArn.slice(0, 183))).toBe(true);
    expect(key).toMatch(
      /^arn:aws:cloudwatch:eu-west-1:111122223333:alarm:xy+…sha256:[0-9a-f]{64}$/,
    );
  });

  it.each([
    ['shorter than the limit', 'abc', 5, 'abc'],
    ['exactly the limit', 'abcde', 5, 'abcde'],
    ['one over the limit', 'abcdef', 5, 'abcd…'],
  ])('truncate keeps text %s', (_name, text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });

  it('bounds the suppression reason of a composite alarm to 200 characters in the reasoning', () => {
    const d = route(
      alarm('churn-prediction-drift', {
        actionsSuppressedBy: 'WaitPeriod',
        actionsSuppressedReason: 'w'.repeat(MAX_ALARM_TEXT),
      }),
      policy,
      THURSDAY_NOON_NEW_YORK,
    );
    expect(d.reason).toContain(`(actionsSuppressedBy WaitPeriod: ${'w'.repeat(199)}…)`);
  });
});

describe('scalingAlarmReason: alarms Application Auto Scaling owns', () => {
  it.each([
    [
      'a target tracking alarm',
      alarm('TargetTracking-endpoint/churn-prod/variant/AllTraffic-AlarmHigh-1a2b'),
      undefined,
      'a target tracking alarm (TargetTracking-…) that Application Auto Scaling manages',
    ],
    [
      "an async endpoint's scale-from-zero alarm",
      alarm('churn-async-backlog', {
        metric: { namespace: 'AWS/SageMaker', metricName: 'HasBacklogWithoutCapacity' },
      }),
      undefined,
      "an asynchronous endpoint's scale-from-zero alarm (HasBacklogWithoutCapacity)",
    ],
    [
      'a step scaling alarm (its action is a scaling policy, GovCloud partition too)',
      alarm('churn-step-high'),
      {
        status: 'found',
        actionsEnabled: true,
        parents: [],
        alarmActions: [
          'arn:aws:sns:eu-west-1:111122223333:ml-guardrails-alarms',
          'arn:aws-us-gov:autoscaling:us-gov-west-1:111122223333:scalingPolicy:1:resource/sagemaker/endpoint/churn:policyName/step',
        ],
      },
      'its action is a scaling policy (arn:aws-us-gov:autoscaling:us-gov-west-1:111122223333:scalingPolicy:1:resource/sagemaker/endpoint/churn:policyName/step)',
    ],
    [
      'an alarm whose actions are an SNS topic only',
      alarm('churn-prediction-drift'),
      {
        status: 'found',
        actionsEnabled: true,
        parents: [],
        alarmActions: ['arn:aws:sns:eu-west-1:111122223333:autoscaling-notes'],
      },
      undefined,
    ],
    [
      'an alarm DescribeAlarms could not read',
      alarm('churn-x'),
      { status: 'failed', error: 'x' },
      undefined,
    ],
  ] as const)('%s', (_name, input, lookup, expected) => {
    expect(scalingAlarmReason(input, lookup)).toBe(expected);
  });
});

describe('route: the model an alarm is about', () => {
  it('prefers the longest model name the alarm name mentions', () => {
    const p: GuardrailsPolicy = {
      ...policy,
      projects: policy.projects.map((pr) =>
        pr.id === 'churn-prediction'
          ? {
              ...pr,
              models: [
                ...pr.models,
                { ...pr.models[0], name: 'churn', endpoints: [] } as (typeof pr.models)[number],
              ],
            }
          : pr,
      ),
    };
    const d = route(alarm('churn-prediction-feature-x'), p, THURSDAY_NOON_NEW_YORK);
    expect(d.model).toBe('churn_prediction');
    const short = route(alarm('churn-feature-x'), p, THURSDAY_NOON_NEW_YORK);
    expect(short.model).toBe('churn');
  });

  it('links a Model Monitor schedule dimension that names the model', () => {
    const d = route(
      alarm('psi-high', {
        metric: {
          namespace: 'Custom/Drift',
          metricName: 'PSI',
          dimensions: { MonitoringSchedule: 'fraud_detection-hourly' },
        },
      }),
      policy,
      THURSDAY_NOON_NEW_YORK,
    );
    expect(d.model).toBe('fraud_detection');
    expect(d.steps).toContain(
      'model fraud_detection (project fraud-detection): dimension MonitoringSchedule=fraud_detection-hourly mentions fraud_detection',
    );
  });
});
