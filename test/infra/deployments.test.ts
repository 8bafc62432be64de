/**
 * Several copies and regions: two deployments (different `namePrefix`) share no physical name,
 * budgets live in one region whatever region the app is deployed to, and a template synthesized
 * without an environment holds no region or account literal.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { GuardrailsApp } from '../../lib/app';
import { parsePolicy } from '../../lib/config/load';
import { buildTestApp, TEST_ENV } from '../helpers/app';
import { editedExample } from '../helpers/policy-factory';

/** Properties that carry a physical name in the resources this app creates. */
const NAME_PROPERTIES = [
  'TopicName',
  'QueueName',
  'TableName',
  'AlarmName',
  'DashboardName',
  'ConfigRuleName',
  'Name',
  'FunctionName',
  'BucketName',
  'RoleName',
];

function physicalNames(built: GuardrailsApp): string[] {
  const names = built.stacks.map((s) => `stack:${s.stackName}`);
  for (const stack of built.stacks) {
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Type: string; Properties?: Record<string, unknown> }
    >;
    for (const r of Object.values(resources)) {
      for (const key of NAME_PROPERTIES) {
        const value = r.Properties?.[key];
        if (typeof value === 'string') names.push(`${r.Type}:${value}`);
      }
      const budget = r.Properties?.Budget as { BudgetName?: string } | undefined;
      if (budget?.BudgetName) names.push(`budget:${budget.BudgetName}`);
    }
  }
  return names;
}

const withPrefix = (prefix: string) =>
  parsePolicy(
    editedExample(
      [['organisation', 'namePrefix'], prefix],
      [['organisation', 'budgetNamePrefix'], undefined, 'delete'],
    ),
  );

describe('two deployments in one account', () => {
  const prod = buildTestApp({ policy: withPrefix('ml-guardrails') });
  const staging = buildTestApp({ policy: withPrefix('staging') });

  it('share no physical name (stacks, topics, queues, tables, alarms, dashboard, rules, budgets)', () => {
    // Act
    const a = physicalNames(prod);
    const b = new Set(physicalNames(staging));
    // Assess
    expect(a.length).toBeGreaterThan(20);
    expect(a.filter((n) => b.has(n))).toEqual([]);
  });

  it("keep the default deployment's names: MlGuardrails-* stacks and ml- budgets", () => {
    // Act
    const names = physicalNames(prod);
    // Assess
    expect(names).toContain('stack:MlGuardrails-AutoStop');
    expect(names).toContain('AWS::SNS::Topic:ml-guardrails-auto-stop');
    expect(names).toContain('budget:ml-fraud-detection');
  });

  it('derive every name of the second deployment from its prefix', () => {
    // Act
    const names = physicalNames(staging);
    // Assess
    expect(names).toContain('stack:Staging-AutoStop');
    expect(names).toContain('stack:Staging-Budgets-00');
    expect(names).toContain('AWS::SNS::Topic:staging-auto-stop');
    expect(names).toContain('AWS::SNS::Topic:staging-alarms');
    expect(names).toContain('AWS::CloudWatch::Dashboard:staging');
    expect(names).toContain('AWS::Config::ConfigRule:staging-sagemaker-required-tags');
    expect(names).toContain('budget:staging-fraud-detection');
  });
});

describe('budgets in one region', () => {
  const policy = parsePolicy(editedExample([['organisation', 'budgetRegion'], 'us-east-1']));

  it('puts the budget stacks in budgetRegion from any deployment region, so they exist once', () => {
    // Act
    const fromEu = buildTestApp({
      policy,
      env: { account: TEST_ENV.account, region: 'eu-west-1' },
    });
    const fromUs = buildTestApp({
      policy,
      env: { account: TEST_ENV.account, region: 'us-east-1' },
    });
    // Assess: same stack names in the same region from both deployments
    const where = (b: GuardrailsApp) => b.budgets.map((s) => `${s.stackName}@${s.region}`);
    expect(where(fromEu)).toEqual(where(fromUs));
    expect(new Set(fromEu.budgets.map((s) => s.region))).toEqual(new Set(['us-east-1']));
    expect(fromEu.autoStop.region).toBe('eu-west-1');
  });

  it('points budgets at the auto-stop topic of the budget region', () => {
    // Act
    const built = buildTestApp({ policy, env: { account: TEST_ENV.account, region: 'eu-west-1' } });
    // Assess
    const json = JSON.stringify(
      built.budgets.map((s) => Template.fromStack(s).findResources('Custom::BudgetNotifications')),
    );
    expect(json).toContain(':sns:us-east-1:111122223333:ml-guardrails-auto-stop');
  });
});

describe('environment-agnostic synthesis', () => {
  it('puts no region or account literal in any template', () => {
    // Prepare: no env at all (the CDK pseudo-parameters stand in)
    const built = buildTestApp({ env: {} });
    // Act
    const json = JSON.stringify(built.stacks.map((s) => Template.fromStack(s).toJSON()));
    // Assess
    expect(json).not.toMatch(
      /\b[a-z]{2}(-gov)?-(east|west|north|south|central|northeast|southeast|northwest|southwest)-\d\b/,
    );
    expect(json).not.toMatch(/\b\d{12}\b/);
    expect(json).toContain('AWS::Region');
  });
});
