import { describe, expect, it } from 'vitest';
import { budgetShardOf } from '../../lib/config/naming';
import {
  EXAMPLE_POLICY_TEXT,
  policyWithProjects,
  problemsOf,
  replaceInExample,
} from '../helpers/policy-factory';

/** One edit of the example (anchor line, text to find after it, replacement) and the expected problem. */
type Case = [name: string, anchor: string, find: string, replacement: string, expected: string];

describe('semantic checks: one problem each, at the line to change', () => {
  it.each<Case>([
    [
      'duplicate project id',
      'id: real-time-bidding',
      'id: real-time-bidding',
      'id: fraud-detection',
      'projects[1].id: duplicate project id "fraud-detection" (first defined at index 0)',
    ],
    [
      'duplicate team id',
      'id: data-science',
      'id: data-science',
      'id: ml-engineering',
      'teams[2].id: duplicate team id "ml-engineering" (first defined at index 1)',
    ],
    [
      'duplicate required tag key',
      '- key: CreatedBy',
      'key: CreatedBy',
      'key: ManagedBy',
      'organisation.requiredTags[6].key: duplicate required tag key "ManagedBy" (first defined at index 5)',
    ],
    [
      'duplicate activity',
      '- name: Feature Engineering',
      'Feature Engineering',
      'Research & Experimentation',
      'raci.activities[1].name: duplicate activity "Research & Experimentation" (first defined at index 0)',
    ],
    [
      'duplicate incident type',
      'id: model-bias',
      'id: model-bias',
      'id: model-drift',
      'raci.incidentTypes[5].id: duplicate incident type id "model-drift" (first defined at index 0)',
    ],
    [
      'duplicate PagerDuty service',
      '  services:',
      '- id: data-science',
      '- id: ml-engineering',
      'paging.services[2].id: duplicate PagerDuty service id "ml-engineering" (first defined at index 1)',
    ],
    [
      'a model listed by two projects',
      '- name: churn_prediction',
      'name: churn_prediction',
      'name: fraud_detection',
      'projects[2].models[0].name: model "fraud_detection" is already listed by project "fraud-detection"',
    ],
    [
      'unknown team on a project',
      'id: churn-prediction',
      'team: data-science',
      'team: data-sciense',
      'projects[2].team: unknown team "data-sciense" (known: platform, ml-engineering, data-science, ml-revenue-oncall)',
    ],
    [
      'unknown team on a RACI group',
      'groups:',
      'team: platform }',
      'team: platfrom }',
      'raci.groups[2].team: unknown team "platfrom"',
    ],
    [
      'unknown platform team',
      'paging:',
      'platformTeam: platform',
      'platformTeam: ops',
      'paging.platformTeam: unknown team "ops"',
    ],
    [
      'unknown revenue-critical team',
      'revenueCritical:',
      'team: ml-revenue-oncall',
      'team: revenue',
      'paging.revenueCritical.team: unknown team "revenue"',
    ],
    [
      'unknown IANA time zone',
      'organisation:',
      'defaultTimeZone: Europe/Berlin',
      'defaultTimeZone: CET+1',
      'organisation.defaultTimeZone: unknown IANA time zone "CET+1"',
    ],
    [
      '24x7 team with windows',
      'id: platform',
      'coverage: 24x7',
      'coverage: 24x7\n      windows: [{ days: [mon], start: "09:00", end: "17:00" }]',
      'teams[0].onCall.windows: a 24x7 team has no coverage windows',
    ],
    [
      'window that starts when it ends',
      'id: ml-engineering',
      'end: "18:00"',
      'end: "09:00"',
      'teams[1].onCall.windows[0].end: window start and end are both 09:00',
    ],
    [
      'ACTUAL thresholds out of order',
      'id: real-time-bidding',
      'actualPct: [50, 80, 90]',
      'actualPct: [80, 50, 90]',
      'projects[1].alerts.actualPct: project "real-time-bidding": ACTUAL thresholds must be in ascending order without repeats (got 80, 50, 90)',
    ],
    [
      'FORECASTED thresholds repeated',
      'defaults:',
      'forecastedPct: [100]',
      'forecastedPct: [100, 100]',
      'defaults.alerts.forecastedPct: project "fraud-detection": FORECASTED thresholds must be in ascending order without repeats (got 100, 100)',
    ],
    [
      'auto-stop at or below the highest ACTUAL alert',
      'id: real-time-bidding',
      'thresholdPct: 98',
      'thresholdPct: 90',
      'projects[1].autoStop.thresholdPct: project "real-time-bidding": auto-stop threshold 90% must be above the highest ACTUAL alert (90%)',
    ],
    [
      'more than 5 notifications on a budget',
      'id: real-time-bidding',
      'actualPct: [50, 80, 90]',
      'actualPct: [50, 60, 70, 80]',
      'projects[1]: project "real-time-bidding" needs 6 budget notifications (ACTUAL 4, FORECASTED 1, auto-stop 1); CloudFormation allows at most 5 per budget',
    ],
    [
      'more than 10 emails on a notification',
      'id: churn-prediction',
      'financeEmails: [finops@example.com]',
      `financeEmails: [${Array.from({ length: 10 }, (_, i) => `f${i}@example.com`).join(', ')}]`,
      'projects[2].financeEmails: project "churn-prediction" has 12 distinct finance and owner emails; a budget notification takes at most 10',
    ],
    [
      'an activity with two owners',
      '- name: Model Training',
      'ml-engineering: supports',
      'ml-engineering: owns',
      'raci.activities[2].assignments: activity "Model Training" must have exactly one owner (Accountable), found 2',
    ],
    [
      'an activity with no owner',
      '- name: CI/CD Pipeline',
      'ml-engineering: owns',
      'ml-engineering: supports',
      'raci.activities[5].assignments: activity "CI/CD Pipeline" must have exactly one owner (Accountable), found 0',
    ],
    [
      'an activity naming an unknown group',
      '- name: Model Monitoring',
      'platform: informed',
      'platforms: informed',
      'raci.activities[7].assignments.platforms: unknown RACI group "platforms"',
    ],
    [
      'an incident type with two Accountables',
      'id: cluster-down',
      'ml-engineer: I',
      'ml-engineer: A',
      'raci.incidentTypes[2].assignments: incident type "cluster-down" must have exactly one Accountable (A), found 2',
    ],
    [
      'a RACI note for a role without an assignment',
      'id: cluster-down',
      'notes: { platform-engineer: Fix K8s }',
      'notes: { platform-engineers: Fix K8s }',
      'raci.incidentTypes[2].notes.platform-engineers: note for "platform-engineers", which has no assignment in incident type "cluster-down"',
    ],
    [
      'a contract reviewed twice',
      '- { contract: deprecation',
      'contract: deprecation',
      'contract: ownership',
      'contracts.reviews[4].contract: contract "ownership" is listed more than once',
    ],
    [
      'an incident type naming an unknown role',
      'id: model-bias',
      'product-manager: C',
      'product-owner: C',
      'raci.incidentTypes[5].assignments.product-owner: unknown RACI role "product-owner"',
    ],
    [
      'an Accountable role that has no team to page',
      'id: model-bias',
      'data-scientist: A, ml-engineer: C, platform-engineer: I, product-manager: C',
      'data-scientist: C, ml-engineer: C, platform-engineer: I, product-manager: A',
      'raci.incidentTypes[5].assignments.product-manager: incident type "model-bias" is owned by role "product-manager", which has no team to page',
    ],
    [
      'a tag key with characters AWS rejects',
      '- key: CreatedBy',
      'key: CreatedBy',
      'key: "Created#By"',
      'organisation.requiredTags[6].key: tag key "Created#By" has characters AWS rejects',
    ],
    [
      'a tag key with the reserved aws: prefix',
      '- key: CreatedBy',
      'key: CreatedBy',
      'key: "aws:createdBy"',
      'organisation.requiredTags[6].key: tag key "aws:createdBy" uses the reserved prefix "aws:"',
    ],
    [
      'an allowed value AWS rejects',
      '- key: Environment',
      'allowedValues: [dev, staging, prod]',
      'allowedValues: [dev, staging, "prod!"]',
      'organisation.requiredTags[0].allowedValues[2]: tag value "prod!" has characters AWS rejects',
    ],
    [
      'a project tag that is not required',
      'organisation:',
      'projectTagKey: Project',
      'projectTagKey: MLProject',
      'organisation.projectTagKey: project tag "MLProject" must be one of the required tags',
    ],
    [
      "the app's own tags missing a required tag",
      '  tags:',
      '    CreatedBy: cdk',
      '    Creator: cdk',
      `organisation.tags: the app's own tags must include required tag "CreatedBy"`,
    ],
    [
      "the app's own tag with a value not allowed",
      '  tags:',
      'Environment: prod',
      'Environment: production',
      'organisation.tags.Environment: "production" is not an allowed value of Environment (dev, staging, prod)',
    ],
    [
      'an exemption tag AWS rejects',
      'defaults:',
      'exemptionTag: ml-guardrails:exempt',
      'exemptionTag: "aws:exempt"',
      'defaults.autoStop.exemptionTag: tag key "aws:exempt" uses the reserved prefix "aws:"',
    ],
    [
      'a cost center AWS rejects as a tag value',
      'id: churn-prediction',
      'costCenter: CC-3300-CRM',
      'costCenter: "CC#3300"',
      'projects[2].costCenter: tag value "CC#3300" has characters AWS rejects',
    ],
    [
      'a project team outside the Team tag values',
      '- key: Team',
      'data-science, ',
      '',
      'projects[2].team: "data-science" is not an allowed value of Team (platform, ml-engineering, ml-revenue-oncall)',
    ],
    [
      'an unknown PagerDuty service on a team',
      'id: data-science',
      'pagerdutyService: data-science',
      'pagerdutyService: ds',
      'teams[2].pagerdutyService: unknown PagerDuty service "ds"',
    ],
    [
      'a team that can be paged but has no service',
      'id: ml-revenue-oncall',
      '    pagerdutyService: revenue-models',
      '    # no service',
      'teams[3]: team "ml-revenue-oncall" can be paged but has no pagerdutyService',
    ],
    [
      'an alarm rule with an unknown incident type',
      'alarmRules:',
      'incidentType: feature-store-down',
      'incidentType: feature-store-outage',
      'paging.alarmRules[7].incidentType: unknown incident type "feature-store-outage"',
    ],
    [
      'an alarm rule naming a responsibility no team lists',
      'alarmRules:',
      'responsibility: inference-logic',
      'responsibility: gpu-drivers',
      'paging.alarmRules[1].responsibility: no team lists responsibility "gpu-drivers" under onCall.responsibilities',
    ],
    [
      'an unknown revenue-critical model',
      'revenueCritical:',
      'dynamic_pricing]',
      'dynamic_prices]',
      'paging.revenueCritical.models[2]: unknown model "dynamic_prices": list it under a project\'s models',
    ],
  ])('%s', (_name, anchor, find, replacement, expected) => {
    // Prepare
    const { text, line } = replaceInExample(anchor, find, replacement);
    // Act
    const problems = problemsOf(text);
    // Assess: the problem is reported (at the edited line where the blame is that line)
    const hit = problems.find((p) => p.includes(expected));
    expect(hit, `expected "${expected}" among:\n${problems.join('\n')}`).toBeDefined();
    // Problems about a whole object, or found through another key, are blamed elsewhere.
    const blamedElsewhere = [
      'projects[1]: ',
      'projects[2].team',
      'organisation.tags:',
      'teams[3]:',
    ].some((p) => expected.startsWith(p));
    if (!blamedElsewhere && !replacement.includes('\n'))
      expect(hit?.startsWith(`${line} `), `${hit} should be at line ${line}`).toBe(true);
  });

  it('a business-hours team without windows', () => {
    // Prepare: empty the data-science team's windows
    const first = replaceInExample('id: data-science', '      windows:', '      windows: []');
    const { text } = replaceInExample(
      'id: data-science',
      '        - { days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00" }',
      '',
      first.text,
    );
    // Act + Assess
    expect(problemsOf(text)).toEqual([
      `${first.line} teams[2].onCall.windows: a business-hours team needs at least one coverage window`,
    ]);
  });

  it('a default exemption tag error blames the defaults, not every project', () => {
    const { text } = replaceInExample(
      'defaults:',
      'exemptionTag: ml-guardrails:exempt',
      'exemptionTag: "aws:x"',
    );
    expect(problemsOf(text).filter((p) => p.includes('exemptionTag'))).toHaveLength(1);
  });

  it('a defaults error that breaks several projects names each project', () => {
    const { text } = replaceInExample('defaults:', 'actualPct: [50, 80]', 'actualPct: [80, 50]');
    const problems = problemsOf(text).filter((p) => p.includes('ACTUAL thresholds'));
    // real-time-bidding overrides actualPct, so only the two others inherit the bad default
    expect(problems.map((p) => p.match(/project "([^"]+)"/)?.[1])).toEqual([
      'fraud-detection',
      'churn-prediction',
    ]);
  });

  it('refuses verifySpend: false in enforce mode, pointing at the setting', () => {
    // Prepare: the defaults are enforce mode
    const { text, line } = replaceInExample('defaults:', 'verifySpend: true', 'verifySpend: false');
    // Act
    const problems = problemsOf(text).filter((p) => p.includes('verifySpend'));
    // Assess: one message per enforce-mode project, at the defaults' line
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toContain(`${line} defaults.autoStop.verifySpend`);
    expect(problems[0]).toContain('must be true in enforce mode');
  });

  it('a project with auto-stop off needs no auto-stop threshold above its alerts', () => {
    const { text } = replaceInExample(
      'id: real-time-bidding',
      'mode: dry-run',
      'mode: off\n      thresholdPct: 10',
    );
    // thresholdPct appears twice now: the YAML key is repeated, so check with a fresh edit instead
    const clean = text.replace('      thresholdPct: 98\n', '');
    expect(problemsOf(clean)).toEqual([]);
  });

  it('a budget stack over capacity names the shard and how to fix it', () => {
    // Prepare: 1,000 projects in one stack
    const text = policyWithProjects(1000).replace('budgetStacks: 8', 'budgetStacks: 1');
    // Act
    const problems = problemsOf(text);
    // Assess
    expect(problems).toEqual([
      expect.stringMatching(
        /organisation\.budgetStacks: budget stack 0 would hold 1000 budgets \(2 resources each\) and 1001 report subscriptions: 3001 resources \(limit 450, CloudFormation allows 500\); raise budgetStacks before the first deploy/,
      ),
    ]);
  });

  it('the example has no semantic problems', () => {
    expect(problemsOf(EXAMPLE_POLICY_TEXT)).toEqual([]);
  });
});

describe('budgetShardOf', () => {
  it('depends on the project id alone and spreads 1,000 ids over 8 shards', () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 1000; i++) counts[budgetShardOf(`project-${i}`, 8)]++;
    expect(budgetShardOf('fraud-detection', 8)).toBe(budgetShardOf('fraud-detection', 8));
    expect(Math.max(...counts)).toBeLessThan(200);
    expect(Math.min(...counts)).toBeGreaterThan(75);
  });
});
