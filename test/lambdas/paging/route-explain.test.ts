/**
 * What `route` says about each decision (the steps `guardrails route` prints and the `routing`
 * custom detail a responder reads in PagerDuty), and the edges of matching, model lookup and
 * team resolution that the table tests in route.test.ts do not reach.
 */
import { describe, expect, it } from 'vitest';
import { type AlarmLookup, modelOf, route, ruleMatches } from '../../../lambdas/paging/route';
import type { GuardrailsPolicy } from '../../../lib/config/schema';
import { examplePolicy } from '../../helpers/app';
import { alarm, sagemaker } from '../../helpers/paging';

const policy = examplePolicy();
// Thursday 26 November 2026: noon in Berlin; 03:00 on Saturday 28 November in New York.
const THURSDAY_NOON_BERLIN = new Date('2026-11-26T11:00:00Z');
const SATURDAY_NIGHT_NEW_YORK = new Date('2026-11-28T08:00:00Z');

/** A copy of the example policy with one edit (the example itself stays untouched). */
function edited(edit: (p: GuardrailsPolicy) => void): GuardrailsPolicy {
  const copy = structuredClone(policy);
  edit(copy);
  return copy;
}

const latency = alarm('churn-latency', { metric: sagemaker('ModelLatency', 'churn-prod') });
const found = (over: Partial<Extract<AlarmLookup, { status: 'found' }>> = {}): AlarmLookup => ({
  status: 'found',
  actionsEnabled: true,
  alarmActions: ['arn:aws:sns:eu-west-1:111122223333:alarms'],
  parents: [],
  ...over,
});

describe('ruleMatches: metric conditions', () => {
  const endpointRule = { dimensions: { EndpointName: 'churn-*' } };

  it.each([
    ['the dimension matches', { EndpointName: 'churn-prod' }, true],
    ['the dimension has another value', { EndpointName: 'fraud-detection-prod' }, false],
    ['the dimension is missing', { VariantName: 'AllTraffic' }, false],
  ])('a dimension condition holds only when %s', (_case, dimensions, expected) => {
    const a = alarm('x', { metric: { namespace: 'AWS/SageMaker', metricName: 'M', dimensions } });
    expect(ruleMatches(a, endpointRule)).toBe(expected);
  });

  it('does not let "*" match a dimension the metric does not have', () => {
    const a = alarm('x', { metric: { namespace: 'AWS/SageMaker', dimensions: {} } });
    expect(ruleMatches(a, { dimensions: { EndpointName: '*' } })).toBe(false);
  });

  it.each([
    ['a metric name', { metricName: 'ModelLatency' }],
    ['a namespace', { namespace: 'AWS/SageMaker' }],
    ['a dimension', { dimensions: { EndpointName: '*' } }],
  ])('never matches a composite alarm (no metrics) against %s condition', (_case, match) => {
    expect(ruleMatches(alarm('composite'), match)).toBe(false);
  });

  it.each([
    ['namespace', { namespace: 'S*' }],
    ['metric name', { metricName: 'S*' }],
  ])('treats a missing %s as empty: only a pattern that accepts "" matches it', (_case, match) => {
    const a = alarm('x', { metric: { dimensions: {} } });
    expect(ruleMatches(a, match)).toBe(false);
    expect(ruleMatches(a, { namespace: '*' })).toBe(true);
  });

  it('matches a name-only rule without looking at metrics', () => {
    expect(ruleMatches(alarm('churn-drift'), { alarmName: '*-drift' })).toBe(true);
  });
});

describe('modelOf: which model an alarm is about', () => {
  it.each(['MonitoringSchedule', 'ScheduleName', 'InferenceComponentName'])(
    'finds the model from a %s dimension that matches its endpoints',
    (dimension) => {
      const a = alarm('no-model-in-this-name', {
        metric: { namespace: 'x', dimensions: { [dimension]: 'churn-nightly' } },
      });
      expect(modelOf(a, policy)).toEqual({
        model: 'churn_prediction',
        project: 'churn-prediction',
        via: `dimension ${dimension}=churn-nightly matches the endpoints of churn_prediction`,
      });
    },
  );

  it('tries every endpoint pattern of a model, not only the first', () => {
    const p = edited((x) => {
      const model = x.projects[2]?.models[0];
      if (model) model.endpoints = ['old-churn-*', 'churn-*'];
    });
    expect(modelOf(latency, p)?.model).toBe('churn_prediction');
  });

  it('says when the alarm name is what mentions the model (with - for _)', () => {
    expect(modelOf(alarm('fraud-detection-p99'), policy)).toEqual({
      model: 'fraud_detection',
      project: 'fraud-detection',
      via: 'the alarm name mentions fraud_detection',
    });
  });

  it('says which dimension mentions the model when its value matches no endpoint', () => {
    const a = alarm('nightly-check', {
      metric: {
        namespace: 'x',
        dimensions: { MonitoringSchedule: 'nightly-churn_prediction-job' },
      },
    });
    expect(modelOf(a, policy)?.via).toBe(
      'dimension MonitoringSchedule=nightly-churn_prediction-job mentions churn_prediction',
    );
  });

  it('takes the longest model name mentioned, and the first of equal length', () => {
    const p = edited((x) => {
      const project = x.projects[2];
      if (!project) return;
      const model = project.models[0];
      if (!model) return;
      project.models = [
        { ...model, name: 'churn', endpoints: ['nothing-*'] },
        { ...model, name: 'alpha', endpoints: ['nothing-*'] },
        { ...model, name: 'gamma', endpoints: ['nothing-*'] },
        { ...model, name: 'churn_prediction', endpoints: ['nothing-*'] },
      ];
    });
    expect(modelOf(alarm('churn-prediction-drift'), p)?.model).toBe('churn_prediction');
    expect(modelOf(alarm('gamma-alpha-drift'), p)?.model).toBe('alpha');
  });
});

describe('route: how an alarm is classified, as the steps say', () => {
  it('names the rule that matched, with its conditions', () => {
    const d = route(alarm('ml-guardrails-auto-stop-errors'), policy, THURSDAY_NOON_BERLIN);
    expect(d.steps).toContain('alarm rule 1 (alarmName ml-guardrails-*) -> guardrails-failure');
  });

  it('skips a rule whose incident type the RACI does not define', () => {
    const p = edited((x) => {
      const first = x.paging.alarmRules[0];
      if (first) first.incidentType = 'not-in-the-raci';
    });
    const d = route(alarm('ml-guardrails-auto-stop-errors'), p, THURSDAY_NOON_BERLIN);
    expect(d).toMatchObject({ scope: 'guardrails', incidentType: 'guardrails-alarm' });
  });

  it("recognises the guardrails' own alarms by name when no rule matches them", () => {
    const p = edited((x) => {
      x.paging.alarmRules = x.paging.alarmRules.slice(1);
    });
    const d = route(alarm('ml-guardrails-router-errors'), p, THURSDAY_NOON_BERLIN);
    expect(d).toMatchObject({
      action: 'trigger',
      scope: 'guardrails',
      incidentType: 'guardrails-alarm',
      team: 'platform',
    });
    expect(d.summary).toMatch(/^ALARM: ml-guardrails alarm — /);
    expect(d.steps).toContain(
      "no alarm rule matched, but the name starts with ml-guardrails-: one of the guardrails' own alarms",
    );
  });

  it('uses defaultIncidentType as a classification, and says so', () => {
    const p = edited((x) => {
      x.paging.defaultIncidentType = 'cluster-down';
    });
    const d = route(alarm('some-rds-alarm'), p, THURSDAY_NOON_BERLIN);
    expect(d).toMatchObject({
      scope: 'classified',
      incidentType: 'cluster-down',
      team: 'platform',
    });
    expect(d.steps).toContain('no alarm rule matched: defaultIncidentType -> cluster-down');
  });

  it('pages an unclassified alarm at low urgency to the platform team, and says why', () => {
    const p = edited((x) => {
      x.paging.unclassified = 'low-urgency';
    });
    const d = route(alarm('some-rds-alarm'), p, THURSDAY_NOON_BERLIN);
    expect(d).toMatchObject({ action: 'trigger', severity: 'warning', team: 'platform' });
    expect(d.summary).toMatch(/^ALARM: Unclassified alarm — /);
    expect(d.steps).toEqual(
      expect.arrayContaining([
        'no owning team: the platform team platform is paged',
        'unclassified: warning (low urgency) to the platform team (paging.unclassified: low-urgency)',
      ]),
    );
  });

  it('says an ignored unclassified alarm is counted, not paged', () => {
    const d = route(alarm('some-rds-alarm'), policy, THURSDAY_NOON_BERLIN);
    expect(d.reason).toContain(
      'not paged: unclassified alarms are ignored (paging.unclassified: ignore); counted in alarmsUnclassified',
    );
  });
});

describe('route: why an alarm is out of scope', () => {
  it.each<[string, Parameters<typeof route>[0], AlarmLookup | undefined, string]>([
    [
      'another account',
      { ...latency, accountId: '444455556666' },
      undefined,
      'not paged: the alarm is in account 444455556666, not this account (111122223333)',
    ],
    [
      'suppressed actions, with the reason CloudWatch gives',
      {
        ...alarm('composite'),
        actionsSuppressedBy: 'Alarm',
        actionsSuppressedReason: 'maintenance\nwindow',
      },
      undefined,
      "not paged: the composite alarm's actions are suppressed (actionsSuppressedBy Alarm: maintenance window)",
    ],
    [
      'disabled actions',
      latency,
      found({ actionsEnabled: false }),
      'not paged: the alarm has its actions disabled',
    ],
    [
      'an alarm that only feeds composite alarms (the first three named)',
      latency,
      found({ alarmActions: [], parents: ['p1', 'p2', 'p3', 'p4'] }),
      'not paged: the alarm has no actions of its own and feeds composite alarm p1, p2, p3, which pages instead',
    ],
  ])('%s', (_case, a, lookup, because) => {
    const d = route(a, policy, THURSDAY_NOON_BERLIN, {
      ownAccount: '111122223333',
      ...(lookup ? { lookup } : {}),
    });
    expect(d.action).toBe('none');
    expect(d.steps).toContain(because);
  });
});

describe('route: who is paged when the policy is incomplete', () => {
  it('pages the platform team when the owning team has no PagerDuty service, and says so', () => {
    const p = edited((x) => {
      const ml = x.teams.find((t) => t.id === 'ml-engineering');
      if (ml) ml.pagerdutyService = undefined;
    });
    const d = route(latency, p, THURSDAY_NOON_BERLIN);
    expect(d).toMatchObject({ team: 'platform', service: 'platform-infra' });
    expect(d.steps).toContain(
      'ml-engineering has no PagerDuty service, so the platform team is paged',
    );
  });

  it.each<[string, (x: GuardrailsPolicy) => void, RegExp]>([
    [
      'a team',
      (x) => {
        x.paging.platformTeam = 'nobody';
        const ml = x.teams.find((t) => t.id === 'ml-engineering');
        if (ml) ml.pagerdutyService = undefined;
      },
      /paging: team "nobody" is not in the policy/,
    ],
    [
      'a service',
      (x) => {
        x.paging.services = x.paging.services.filter((s) => s.id !== 'ml-engineering');
      },
      /paging: service "ml-engineering" is not in the policy/,
    ],
  ])('fails loudly when an unvalidated policy names %s it does not define', (_c, edit, error) => {
    expect(() => route(latency, edited(edit), THURSDAY_NOON_BERLIN)).toThrow(error);
  });

  it('shows a RACI role the policy does not list by its id', () => {
    const p = edited((x) => {
      const type = x.raci.incidentTypes.find((t) => t.id === 'endpoint-latency');
      if (type) type.assignments = { ...type.assignments, 'ghost-role': 'C' };
    });
    const d = route(latency, p, THURSDAY_NOON_BERLIN);
    expect(d.customDetails.consulted).toContain('ghost-role');
  });
});

describe('route: what each state does, as the steps say', () => {
  it('does not page INSUFFICIENT_DATA for a type that ignores it, and says so', () => {
    const d = route({ ...latency, state: 'INSUFFICIENT_DATA' }, policy, THURSDAY_NOON_BERLIN);
    expect(d).toMatchObject({ action: 'none', severity: 'info' });
    expect(d.steps).toContain(
      'INSUFFICIENT_DATA does not page for endpoint-latency (onInsufficientData: ignore)',
    );
  });

  it('resolves on OK with the RESOLVED summary, and says why', () => {
    const d = route({ ...latency, state: 'OK' }, policy, THURSDAY_NOON_BERLIN);
    expect(d.action).toBe('resolve');
    expect(d.summary).toMatch(/^RESOLVED: Endpoint latency > 1s \(churn_prediction\) — /);
    expect(d.steps).toContain('OK resolves the alert (same service and dedup key as the trigger)');
  });

  it('says when OK is ignored', () => {
    const p = edited((x) => {
      const type = x.raci.incidentTypes.find((t) => t.id === 'endpoint-latency');
      if (type) type.onOk = 'ignore';
    });
    const d = route({ ...latency, state: 'OK' }, p, THURSDAY_NOON_BERLIN);
    expect(d.action).toBe('none');
    expect(d.steps).toContain('OK is ignored for endpoint-latency (onOk: ignore)');
  });
});

describe('route: outside coverage', () => {
  const drift = alarm('churn-prediction-drift');

  it('holds a hold team until its next window, and says until when', () => {
    const d = route(drift, policy, SATURDAY_NIGHT_NEW_YORK);
    expect(d).toMatchObject({
      action: 'hold',
      team: 'data-science',
      holdUntil: '2026-11-30T14:00:00.000Z',
    });
    expect(d.steps).toContain(
      "outside data-science's coverage (America/New_York): held until 2026-11-30T14:00:00.000Z",
    );
    expect(d.steps).toContain("the Accountable role's team is data-science");
  });

  it('pages at low urgency when a hold team has no window within 8 days', () => {
    const p = edited((x) => {
      const ds = x.teams.find((t) => t.id === 'data-science');
      if (ds) ds.onCall.windows = [];
    });
    const d = route(drift, p, SATURDAY_NIGHT_NEW_YORK);
    expect(d).toMatchObject({ action: 'trigger', severity: 'warning', team: 'data-science' });
    expect(d.holdUntil).toBeUndefined();
    expect(d.steps).toContain(
      "outside data-science's coverage and no window opens within 8 days: warning (low urgency)",
    );
  });

  it('pages a best-effort team at low urgency, and says it never escalates', () => {
    const d = route(latency, policy, new Date('2026-11-28T02:00:00Z'));
    expect(d).toMatchObject({ action: 'trigger', severity: 'warning', team: 'ml-engineering' });
    expect(d.steps).toContain(
      "outside ml-engineering's coverage (Europe/Berlin): best effort, warning (low urgency, never escalates)",
    );
  });
});

describe('route: Consulted and Informed', () => {
  it('names the teams told and the roles that have no team', () => {
    const d = route(latency, policy, THURSDAY_NOON_BERLIN);
    expect(d.steps).toContain(
      'Consulted and Informed: notify data-science, platform; Product Manager has no team to notify',
    );
  });

  it('says when no role of the type has a team topic, and uses "have" for several', () => {
    const p = edited((x) => {
      for (const role of x.raci.roles) if (role.id !== 'ml-engineer') role.team = undefined;
    });
    const d = route(latency, p, THURSDAY_NOON_BERLIN);
    expect(d.steps).toContain(
      'Consulted and Informed: no team topic; Data Scientist, Platform Engineer, Product Manager have no team to notify',
    );
  });

  it('tells only the Consulted and Informed roles, not the Accountable one', () => {
    // fraud_detection is revenue-critical: the revenue on-call is paged, the Accountable ML
    // Engineer's team is not told as if it were consulted.
    const d = route(
      alarm('fraud-latency', { metric: sagemaker('ModelLatency', 'fraud-detection-prod') }),
      policy,
      THURSDAY_NOON_BERLIN,
    );
    expect(d.team).toBe('ml-revenue-oncall');
    expect(d.notify.map((n) => `${n.letter} ${n.role}`)).toEqual([
      'C Data Scientist',
      'C Platform Engineer',
      'I Product Manager',
    ]);
  });

  it('does not tell a role on the paged team: it is paged already', () => {
    const p = edited((x) => {
      x.raci.roles.push({ id: 'ml-lead', name: 'ML Lead', team: 'ml-engineering' });
      const type = x.raci.incidentTypes.find((t) => t.id === 'endpoint-latency');
      if (type) type.assignments = { ...type.assignments, 'ml-lead': 'I' };
    });
    const d = route(latency, p, THURSDAY_NOON_BERLIN);
    expect(d.team).toBe('ml-engineering');
    expect(d.notify.map((n) => n.role)).not.toContain('ML Lead');
  });

  it('says nothing about Consulted and Informed when nothing is triggered, or no one is to be told', () => {
    const resolved = route({ ...latency, state: 'OK' }, policy, THURSDAY_NOON_BERLIN);
    expect(resolved.steps.filter((x) => x.startsWith('Consulted'))).toEqual([]);
    const p = edited((x) => {
      const type = x.raci.incidentTypes.find((t) => t.id === 'endpoint-latency');
      if (type) type.assignments = { 'ml-engineer': 'A' };
    });
    const alone = route(latency, p, THURSDAY_NOON_BERLIN);
    expect(alone.action).toBe('trigger');
    expect(alone.steps.filter((x) => x.startsWith('Consulted'))).toEqual([]);
  });

  it('routes without a revenue-critical section in the policy', () => {
    const p = edited((x) => {
      x.paging.revenueCritical = undefined;
    });
    const fraud = alarm('fraud-latency', {
      metric: sagemaker('ModelLatency', 'fraud-detection-prod'),
    });
    expect(route(fraud, p, THURSDAY_NOON_BERLIN).team).toBe('ml-engineering');
  });

  it('keeps a step in the one-line reason even when alarm text in it looks like a filtered step', () => {
    const suppressed = {
      ...alarm('composite'),
      actionsSuppressedBy: 'Alarm',
      actionsSuppressedReason: 'DescribeAlarms said Consulted',
    };
    const d = route(suppressed, policy, THURSDAY_NOON_BERLIN);
    expect(d.reason).toContain("not paged: the composite alarm's actions are suppressed");
  });

  it('says nothing about roles without a team when every role told has one', () => {
    const p = edited((x) => {
      const pm = x.raci.roles.find((r) => r.id === 'product-manager');
      if (pm) pm.team = 'platform';
    });
    const d = route(latency, p, THURSDAY_NOON_BERLIN);
    expect(d.steps).toContain('Consulted and Informed: notify data-science, platform');
  });
});
