import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPath, loadPolicyFile } from '../../lib/config/load';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';
import {
  EXAMPLE_POLICY_TEXT,
  editedExample,
  lineOf,
  problemsOf,
  replaceInExample,
} from '../helpers/policy-factory';

describe('the shipped example policy', () => {
  it('is valid and resolves defaults into every project', () => {
    // Act
    const policy = loadPolicyFile(EXAMPLE_POLICY_FILE);
    // Assess
    expect(policy.projects.map((p) => p.id)).toEqual([
      'fraud-detection',
      'real-time-bidding',
      'churn-prediction',
    ]);
    const rtb = policy.projects[1];
    expect(rtb?.budgetName).toBe('ml-real-time-bidding');
    expect(rtb?.alerts).toEqual({ actualPct: [50, 80, 90], forecastedPct: [100] });
    expect(rtb?.autoStop).toMatchObject({
      thresholdPct: 98,
      mode: 'dry-run',
      verifySpend: true,
      exemptionTag: 'ml-guardrails:exempt',
    });
    expect(policy.projects[2]?.autoStop.endpoints.classic).toBe('park');
    expect(policy.projects[0]?.autoStop.endpoints.classic).toBe('report-only');
  });

  it('has at least three projects, the seven required tags and the incident types of the RACI', () => {
    const policy = loadPolicyFile(EXAMPLE_POLICY_FILE);
    expect(policy.projects.length).toBeGreaterThanOrEqual(3);
    expect(policy.organisation.requiredTags.map((t) => t.key)).toEqual([
      'Environment',
      'Project',
      'CostCenter',
      'Team',
      'ModelName',
      'ManagedBy',
      'CreatedBy',
    ]);
    // the chapter's six incident types, guardrails-failure for the app's own alarms and
    // endpoint-errors (model container 5xx, the ML team's inference logic)
    expect(policy.raci.incidentTypes.map((t) => t.id)).toEqual([
      'model-drift',
      'endpoint-latency',
      'cluster-down',
      'data-pipeline-failed',
      'feature-store-down',
      'model-bias',
      'guardrails-failure',
      'endpoint-errors',
    ]);
    expect(policy.raci.activities).toHaveLength(10);
  });
});

describe('parsePolicy reports', () => {
  it('a YAML syntax error with its line and column', () => {
    const text = `${EXAMPLE_POLICY_TEXT}\nbroken: [unclosed\n`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/YAML syntax error \(column \d+\)/);
    expect(Number(problems[0]?.split(' ')[0])).toBeGreaterThanOrEqual(
      lineOf(text, 'broken: [unclosed'),
    );
  });

  it('a repeated mapping key as a YAML error rather than a silent override', () => {
    const text = EXAMPLE_POLICY_TEXT.replace(
      '  budgetStacks: 8\n',
      '  budgetStacks: 8\n  budgetStacks: 9\n',
    );
    expect(problemsOf(text)[0]).toMatch(/Map keys must be unique/);
  });

  it('a document that is not a mapping', () => {
    expect(problemsOf('- just\n- a list\n')).toEqual([
      '1 : the policy must be a YAML mapping with version, organisation, projects, teams, raci and paging',
    ]);
  });

  it.each([
    [
      'a budget of 0',
      'id: real-time-bidding',
      'monthlyBudgetUsd: 25000',
      'monthlyBudgetUsd: 0',
      'projects[1].monthlyBudgetUsd: must be greater than 0 (got 0)',
    ],
    [
      'a budget that is a string',
      'id: fraud-detection',
      'monthlyBudgetUsd: 10000',
      'monthlyBudgetUsd: lots',
      'projects[0].monthlyBudgetUsd: must be a number (got "lots")',
    ],
    [
      'a malformed email',
      'id: fraud-detection',
      'fraud-ml-leads@example.com',
      'fraud-ml-leads',
      'projects[0].ownerEmails[0]: is not a valid email address',
    ],
    [
      'an unknown auto-stop mode',
      'defaults:',
      'mode: enforce',
      'mode: yolo',
      'defaults.autoStop.mode: must be one of "enforce", "dry-run", "off" (got "yolo")',
    ],
    [
      'an unknown resource kind',
      'defaults:',
      '- training-job',
      '- ec2-instance',
      'defaults.autoStop.resourceKinds[0]: must be one of "training-job", "processing-job"',
    ],
    [
      'a bad project id',
      'projects:',
      'id: fraud-detection',
      'id: Fraud Detection',
      'projects[0].id: must be 2-64 characters of a-z, 0-9 and "-", starting with a letter',
    ],
    [
      'a bad HH:MM',
      'id: ml-engineering',
      'start: "09:00"',
      'start: "9am"',
      'teams[1].onCall.windows[0].start: must be a time as HH:MM (00:00-24:00)',
    ],
    ['a wrong version', 'version:', 'version: 1', 'version: 2', 'version: must be 1'],
    [
      'an Events API URL that is not PagerDuty over HTTPS',
      'paging:',
      'eventsApiUrl: https://events.pagerduty.com/v2/enqueue',
      'eventsApiUrl: http://events.pagerduty.com/v2/enqueue',
      "paging.eventsApiUrl: must be one of PagerDuty's Events API endpoints: https://events.pagerduty.com/v2/enqueue, https://events.eu.pagerduty.com/v2/enqueue",
    ],
    [
      'an unknown paging.unclassified mode',
      'paging:',
      'unclassified: ignore',
      'unclassified: sometimes',
      'paging.unclassified: ',
    ],
    [
      'an unknown RACI letter',
      'id: model-drift',
      'product-manager: C',
      'product-manager: R',
      'raci.incidentTypes[0].assignments.product-manager: must be one of "A", "C", "I" (got "R")',
    ],
    [
      'a negative response time',
      'id: platform',
      'responseMinutes: 15',
      'responseMinutes: -1',
      'teams[0].onCall.responseMinutes: must be greater than 0 (got -1)',
    ],
    [
      'a runbook that is not a URL',
      'id: cluster-down',
      'runbook: https://runbooks.example.com/platform/cluster-down',
      'runbook: see wiki',
      'raci.incidentTypes[2].runbook: must be a URL',
    ],
    [
      'a secret name with spaces',
      'services:',
      'routingKeySecret: ml-guardrails/pagerduty/platform-infra',
      'routingKeySecret: "my secret"',
      'paging.services[0].routingKeySecret: must be a Secrets Manager secret name',
    ],
  ] as const)('%s, at its line', (_name, anchor, find, replacement, expected) => {
    // Prepare
    const { text, line } = replaceInExample(anchor, find, replacement);
    // Act
    const problems = problemsOf(text);
    // Assess
    expect(problems.map((p) => p.slice(0, `${line} ${expected}`.length))).toContain(
      `${line} ${expected}`,
    );
  });

  it('a missing required key at the line of the object that lacks it', () => {
    const text = editedExample([['projects', 0, 'costCenter'], undefined, 'delete']);
    expect(problemsOf(text)).toContain(
      `${lineOf(text, 'id: fraud-detection')} projects[0].costCenter: is required`,
    );
  });

  it('an unknown (misspelt) key at its own line', () => {
    const text = EXAMPLE_POLICY_TEXT.replace(
      '    monthlyBudgetUsd: 4000\n',
      '    monthlyBudgetUsd: 4000\n    montlyBudget: 5000\n',
    );
    expect(problemsOf(text)).toEqual([
      `${lineOf(text, 'montlyBudget:')} projects[2].montlyBudget: unknown key "montlyBudget"`,
    ]);
  });

  it('every problem at once, schema and semantic together, in line order', () => {
    // Prepare: two schema problems and two semantic ones
    const text = editedExample(
      [['projects', 0, 'monthlyBudgetUsd'], -5],
      [['projects', 2, 'ownerEmails', 0], 'nope'],
      [['projects', 1, 'id'], 'fraud-detection'],
      [['teams', 1, 'onCall', 'timeZone'], 'Europe/Atlantis'],
    );
    // Act
    const problems = problemsOf(text);
    // Assess
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/monthlyBudgetUsd: must be greater than 0 \(got -5\)/);
    expect(problems.join('\n')).toMatch(/ownerEmails\[0\]: is not a valid email address/);
    expect(problems.join('\n')).toMatch(
      /projects\[1\]\.id: duplicate project id "fraud-detection"/,
    );
    expect(problems.join('\n')).toMatch(
      /teams\[1\]\.onCall\.timeZone: unknown IANA time zone "Europe\/Atlantis"/,
    );
    const lines = problems.map((p) => Number(p.split(' ')[0]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });
});

describe('loadPolicyFile', () => {
  it('names the file and says it was not found', () => {
    expect(() => loadPolicyFile('/nonexistent/policy.yaml')).toThrow(
      '/nonexistent/policy.yaml:1 cannot read the policy: file not found',
    );
  });

  it('formats problems as file:line path: message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policy-'));
    const file = path.join(dir, 'p.yaml');
    writeFileSync(file, editedExample([['projects', 1, 'monthlyBudgetUsd'], 0]));
    expect(() => loadPolicyFile(file)).toThrow(
      new RegExp(
        `${file.replace(/[/.]/g, '\\$&')}:\\d+ projects\\[1\\]\\.monthlyBudgetUsd: must be greater than 0`,
      ),
    );
  });
});

describe('formatPath', () => {
  it.each([
    [['projects', 1, 'monthlyBudgetUsd'], 'projects[1].monthlyBudgetUsd'],
    [
      ['raci', 'activities', 0, 'assignments', 'data-science'],
      'raci.activities[0].assignments.data-science',
    ],
    [['organisation', 'tags', 'cost center'], 'organisation.tags."cost center"'],
    [[], ''],
  ] as const)('%j -> %s', (input, expected) => {
    expect(formatPath(input)).toBe(expected);
  });
});
