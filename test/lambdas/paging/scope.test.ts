import { describe, expect, it } from 'vitest';
import { type AlarmLookup, route } from '../../../lambdas/paging/route';
import type { GuardrailsPolicy } from '../../../lib/config/schema';
import { examplePolicy } from '../../helpers/app';
import {
  arnOf,
  ebCompositeEvent,
  ebMetricEvent,
  one,
  snsAnomalyMessage,
  snsCompositeMessage,
  snsEvent,
  snsMetricMathMessage,
  snsMetricMessage,
} from '../../helpers/paging';

const policy = examplePolicy();
const withUnclassified = (mode: GuardrailsPolicy['paging']['unclassified']): GuardrailsPolicy => ({
  ...policy,
  paging: { ...policy.paging, unclassified: mode },
});
// Thursday 16:00 Berlin, 10:00 New York: every team inside its window.
const DAY = new Date('2026-11-26T15:00:00Z');
// Saturday 03:00 Berlin, Friday 21:00 New York: every business-hours team outside.
const SATURDAY_NIGHT = new Date('2026-11-28T02:00:00Z');
const found = (over: Partial<Extract<AlarmLookup, { status: 'found' }>> = {}): AlarmLookup => ({
  status: 'found',
  actionsEnabled: true,
  alarmActions: [],
  parents: [],
  ...over,
});

const rdsCpu = ebMetricEvent('orders-db-cpu-high', 'AWS/RDS', 'CPUUtilization', {
  DBInstanceIdentifier: 'orders',
});

describe('route: scope (only ML incidents and the guardrails page)', () => {
  it.each([
    ['ignore (default)', 'ignore', 'none', undefined],
    ['low-urgency', 'low-urgency', 'trigger', 'warning'],
    ['page', 'page', 'trigger', 'error'],
  ] as const)(
    "another team's RDS alarm with paging.unclassified %s",
    (_n, mode, action, severity) => {
      // Act
      const d = route(one(rdsCpu), withUnclassified(mode), DAY, { lookup: found() });
      // Assess
      expect(d).toMatchObject({ action, scope: 'unclassified', incidentType: 'unclassified' });
      if (severity) expect(d).toMatchObject({ severity, team: 'platform' });
      expect(d.steps.join('\n')).toContain(`paging.unclassified: ${mode}`);
    },
  );

  it.each([
    [
      'target tracking alarm (TargetTracking-… AlarmHigh)',
      ebMetricEvent(
        'TargetTracking-endpoint/fraud-detection-prod/variant/AllTraffic-AlarmHigh-3f1e2d',
        'AWS/SageMaker',
        'InvocationsPerInstance',
        { EndpointName: 'fraud-detection-prod', VariantName: 'AllTraffic' },
      ),
      found(),
      /target tracking alarm/,
    ],
    [
      'async scale-from-zero alarm (HasBacklogWithoutCapacity)',
      ebMetricEvent(
        'fraud-async-backlog-no-capacity',
        'AWS/SageMaker',
        'HasBacklogWithoutCapacity',
        {
          EndpointName: 'fraud-detection-async',
        },
      ),
      found(),
      /HasBacklogWithoutCapacity/,
    ],
    [
      'step scaling alarm whose action is a scaling policy',
      ebMetricEvent('fraud-detection-prod-scale-out', 'AWS/SageMaker', 'ModelLatency', {
        EndpointName: 'fraud-detection-prod',
      }),
      found({
        alarmActions: [
          'arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:1a2b:resource/sagemaker/endpoint/fraud-detection-prod/variant/AllTraffic:policyName/step-out',
        ],
      }),
      /scaling policy/,
    ],
  ])('never pages an autoscaling alarm, even one a rule matches: %s', (_n, event, lookup, why) => {
    const d = route(one(event), withUnclassified('page'), DAY, { lookup });
    expect(d).toMatchObject({ action: 'none', scope: 'autoscaling' });
    expect(d.reason).toMatch(why);
  });

  it('pages the platform team for a guardrails alarm no rule matches', () => {
    // Prepare: a policy without the ml-guardrails-* rule
    const p: GuardrailsPolicy = {
      ...policy,
      paging: {
        ...policy.paging,
        alarmRules: policy.paging.alarmRules.filter((r) => r.incidentType !== 'guardrails-failure'),
      },
    };
    const msg = snsMetricMessage('ml-guardrails-paging-router-errors', 'AWS/Lambda', 'Errors', []);
    // Act
    const d = route(one(snsEvent(msg)), p, SATURDAY_NIGHT);
    // Assess
    expect(d).toMatchObject({ action: 'trigger', scope: 'guardrails', team: 'platform' });
  });

  it("pages nobody for another account's alarm", () => {
    const event = ebMetricEvent(
      'x-latency',
      'AWS/SageMaker',
      'ModelLatency',
      { EndpointName: 'fraud-detection-prod' },
      'ALARM',
      '999988887777',
    );
    const d = route(one(event), policy, DAY, { ownAccount: '111122223333' });
    expect(d).toMatchObject({ action: 'none', scope: 'other-account' });
  });
});

describe('route: CloudWatch semantics', () => {
  const rule = 'ALARM("fraud-detection-prod-latency") OR ALARM("fraud-detection-prod-5xx")';
  it.each(['Alarm', 'WaitPeriod', 'ExtensionPeriod'] as const)(
    "no page while a composite alarm's actions are suppressed (actionsSuppressedBy %s)",
    (by) => {
      const d = route(one(ebCompositeEvent('fraud-detection-prod-serving', rule, by)), policy, DAY);
      expect(d).toMatchObject({ action: 'none', scope: 'suppressed' });
      expect(d.reason).toContain(`actionsSuppressedBy ${by}`);
    },
  );

  it('still resolves when a suppressed composite returns to OK (a resolve without an alert is harmless)', () => {
    const d = route(
      one(ebCompositeEvent('fraud-detection-prod-serving', rule, 'Alarm', 'OK')),
      withUnclassified('page'),
      DAY,
    );
    expect(d.action).toBe('resolve');
  });

  it('pages for the same composite when nothing suppresses it', () => {
    const d = route(
      one(ebCompositeEvent('fraud-detection-prod-serving', rule)),
      withUnclassified('page'),
      DAY,
    );
    expect(d.action).toBe('trigger');
  });

  it.each([
    ['actions disabled', found({ actionsEnabled: false }), 'none', 'actions-disabled'],
    [
      'only feeds a composite alarm (parent, no actions of its own)',
      found({ parents: ['fraud-detection-prod-serving'] }),
      'none',
      'feeds-composite',
    ],
    [
      'feeds a composite but also has its own action',
      found({
        parents: ['fraud-detection-prod-serving'],
        alarmActions: ['arn:aws:sns:eu-west-1:111122223333:ops'],
      }),
      'trigger',
      'classified',
    ],
    [
      'DescribeAlarms failed: fail open, page',
      { status: 'failed', error: 'ThrottlingException' } as const,
      'trigger',
      'classified',
    ],
    ['DescribeAlarms does not know it', { status: 'not-found' } as const, 'trigger', 'classified'],
  ])('EventBridge alarm, DescribeAlarms says: %s', (_n, lookup, action, scope) => {
    const event = ebMetricEvent(
      'fraud-detection-prod-5xx',
      'AWS/SageMaker',
      'Invocation5XXErrors',
      {
        EndpointName: 'fraud-detection-prod',
        VariantName: 'AllTraffic',
      },
    );
    const d = route(one(event), policy, DAY, { lookup });
    expect(d).toMatchObject({ action, scope });
    if (lookup.status === 'failed') expect(d.steps.join('\n')).toMatch(/fail open/);
  });
});

describe('route: model linking across SageMaker namespaces and dimensions', () => {
  it.each([
    [
      'AWS/SageMaker EndpointName + VariantName (metric)',
      snsEvent(
        snsMetricMessage('a1', 'AWS/SageMaker', 'ModelLatency', [
          { name: 'EndpointName', value: 'fraud-detection-prod' },
          { name: 'VariantName', value: 'AllTraffic' },
        ]),
      ),
      'fraud_detection',
      /EndpointName=fraud-detection-prod/,
    ],
    [
      'metric math over EndpointName',
      snsEvent(snsMetricMathMessage('a2', 'churn-prod')),
      'churn_prediction',
      /EndpointName=churn-prod/,
    ],
    [
      'anomaly detection band over EndpointName',
      snsEvent(snsAnomalyMessage('a3', 'rtb-eu')),
      'real_time_bidding',
      /EndpointName=rtb-eu/,
    ],
    [
      'Model Monitor data quality: Endpoint + MonitoringSchedule',
      ebMetricEvent('a4', '/aws/sagemaker/Endpoints/data-metric', 'feature_baseline_drift_amount', {
        Endpoint: 'fraud-detection-prod',
        MonitoringSchedule: 'dq-hourly',
      }),
      'fraud_detection',
      /Endpoint=fraud-detection-prod/,
    ],
    [
      'Model Monitor built-in container: EndpointName + ScheduleName',
      ebMetricEvent('a5', '/aws/sagemaker/Endpoints/data-metric', 'feature_baseline_drift_tenure', {
        EndpointName: 'churn-prod',
        ScheduleName: 'churn-dq',
      }),
      'churn_prediction',
      /EndpointName=churn-prod/,
    ],
    [
      'Model Monitor schedule name only (batch transform jobs)',
      ebMetricEvent(
        'a6',
        '/aws/sagemaker/ModelMonitoring/data-metric',
        'feature_baseline_drift_x',
        {
          MonitoringSchedule: 'dynamic-pricing-batch-dq',
        },
      ),
      'dynamic_pricing',
      /MonitoringSchedule=dynamic-pricing-batch-dq mentions dynamic_pricing/,
    ],
    [
      'inference component',
      ebMetricEvent('a7', 'AWS/SageMaker', 'ModelLatency', {
        InferenceComponentName: 'pricing-ic-1',
      }),
      'dynamic_pricing',
      /InferenceComponentName=pricing-ic-1/,
    ],
  ])('%s', (_n, input, model, via) => {
    const d = route(one(input), policy, DAY);
    expect(d.model).toBe(model);
    expect(d.steps.join('\n')).toMatch(via);
  });

  it('pages the revenue team 24x7 for a Model Monitor drift alarm on a revenue-critical model (not held until Monday)', () => {
    // Prepare: data-science holds drift after hours; fraud_detection is revenue-critical
    const event = ebMetricEvent('fraud-dq-amount', '/aws/sagemaker/Endpoints/model-metric', 'f1', {
      Endpoint: 'fraud-detection-prod',
      MonitoringSchedule: 'fraud-mq',
    });
    // Act
    const d = route(one(event), policy, SATURDAY_NIGHT);
    // Assess
    expect(d).toMatchObject({
      action: 'trigger',
      team: 'ml-revenue-oncall',
      incidentType: 'model-drift',
    });
  });
});

describe('route: liberal input gives the same decision as the complete message', () => {
  const full = snsMetricMessage(
    'fraud-detection-prod-5xx',
    'AWS/SageMaker',
    'Invocation5XXErrors',
    [{ name: 'EndpointName', value: 'fraud-detection-prod' }],
  );
  const reference = route(one(snsEvent(full)), policy, DAY);
  it.each([
    [
      'no AlarmArn: derived from name, Region display name and account',
      { ...full, AlarmArn: undefined },
    ],
    [
      'older display name "EU (Ireland)" without AlarmArn',
      { ...full, AlarmArn: undefined, Region: 'EU (Ireland)' },
    ],
    ['region as a code', { ...full, AlarmArn: undefined, Region: 'eu-west-1' }],
    [
      'no Region and no AlarmArn: region from the topic ARN',
      { ...full, AlarmArn: undefined, Region: undefined },
    ],
    ['no StateChangeTime: the SNS Timestamp', { ...full, StateChangeTime: undefined }],
    [
      'dimensions written Name/Value',
      {
        ...full,
        Trigger: {
          ...(full.Trigger as object),
          Dimensions: [{ Name: 'EndpointName', Value: 'fraud-detection-prod' }],
        },
      },
    ],
    [
      'a forwarded SNS envelope inside the message',
      {
        Type: 'Notification',
        TopicArn: 'arn:aws:sns:eu-west-1:111122223333:fwd',
        Message: JSON.stringify(full),
        Timestamp: '2026-11-26T03:12:46.012Z',
      },
    ],
    [
      'an EventBridge event published to SNS',
      ebMetricEvent('fraud-detection-prod-5xx', 'AWS/SageMaker', 'Invocation5XXErrors', {
        EndpointName: 'fraud-detection-prod',
      }),
    ],
  ])('%s', (_n, message) => {
    const d = route(one(snsEvent(message)), policy, DAY);
    expect(d).toMatchObject({
      action: reference.action,
      team: reference.team,
      incidentType: reference.incidentType,
      dedupKey: arnOf('fraud-detection-prod-5xx'),
    });
  });

  it('says in the reasoning what it derived', () => {
    const d = route(one(snsEvent({ ...full, AlarmArn: undefined })), policy, DAY);
    expect(d.steps[0]).toMatch(
      /input: AlarmArn derived from the name, the region \(Region "EU \(Ireland\)"\)/,
    );
  });

  it('parses an SNS composite alarm message and pages by its rule', () => {
    const d = route(
      one(snsEvent(snsCompositeMessage('ml-guardrails-any', 'ALARM(a) OR ALARM(b)'))),
      policy,
      DAY,
    );
    expect(d).toMatchObject({ action: 'trigger', team: 'platform' });
  });
});

describe("route: the chapter's rules", () => {
  it.each([
    [
      'cluster-down on a revenue model (Accountable: Platform)',
      'fraud-detection-prod-cluster-down',
      'cluster-down',
      'platform',
    ],
    [
      'feature-store-down on a revenue model (Accountable: Platform)',
      'fraud-detection-feature-store-down',
      'feature-store-down',
      'platform',
    ],
  ])('the revenue override leaves Platform incidents with Platform: %s', (_n, name, type, team) => {
    const p: GuardrailsPolicy = {
      ...policy,
      paging: {
        ...policy.paging,
        alarmRules: [
          { incidentType: 'cluster-down', match: { alarmName: '*cluster-down' } },
          ...policy.paging.alarmRules,
        ],
      },
    };
    const d = route(one(snsEvent(snsCompositeMessage(name, 'ALARM(x)'))), p, SATURDAY_NIGHT);
    expect(d).toMatchObject({
      action: 'trigger',
      incidentType: type,
      team,
      model: 'fraud_detection',
    });
    expect(d.steps.join('\n')).toContain('is revenue-critical, but the incident is platform');
  });

  it.each([
    ['ModelLatency (inference logic)', 'ModelLatency', 'endpoint-latency', 'ml-engineering'],
    [
      'Invocation5XXErrors (the container)',
      'Invocation5XXErrors',
      'endpoint-errors',
      'ml-engineering',
    ],
    [
      'OverheadLatency (SageMaker infrastructure)',
      'OverheadLatency',
      'endpoint-latency',
      'platform',
    ],
  ])('classification by on-call responsibilities: %s', (_n, metric, type, team) => {
    const msg = snsMetricMessage('churn-prod-x', 'AWS/SageMaker', metric, [
      { name: 'EndpointName', value: 'churn-prod' },
    ]);
    const d = route(one(snsEvent(msg)), policy, DAY);
    expect(d).toMatchObject({ incidentType: type, team });
  });

  it('tells the Consulted and Informed teams of a triggered page, not the paged team, and names roles without a team', () => {
    // model-drift: Data Scientist A, ML Engineer C, Platform Engineer I, Product Manager C
    const d = route(
      one(snsEvent(snsCompositeMessage('churn-prediction-drift', 'ALARM(x)'))),
      policy,
      DAY,
    );
    expect(d.action).toBe('trigger');
    expect(d.notify).toEqual(
      expect.arrayContaining([
        { role: 'ML Engineer', letter: 'C', team: 'ml-engineering' },
        { role: 'Platform Engineer', letter: 'I', team: 'platform' },
        { role: 'Product Manager', letter: 'C', team: undefined },
      ]),
    );
    expect(d.notify.some((n) => n.team === 'data-science')).toBe(false);
    expect(d.steps.join('\n')).toMatch(/Product Manager has no team to notify/);
  });

  it.each([
    ['a hold', snsCompositeMessage('churn-prediction-drift', 'ALARM(x)'), SATURDAY_NIGHT, 'hold'],
    ['a resolve', snsCompositeMessage('churn-prediction-drift', 'ALARM(x)', 'OK'), DAY, 'resolve'],
  ])('tells nobody for %s', (_n, msg, at, action) => {
    const d = route(one(snsEvent(msg)), policy, at);
    expect(d.action).toBe(action);
    expect(d.notify).toEqual([]);
  });
});
