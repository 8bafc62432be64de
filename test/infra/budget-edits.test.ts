/**
 * Template diffs for the edits users make most. CloudFormation replaces an AWS::Budgets::Budget
 * whenever NotificationsWithSubscribers changes ("Update requires: Replacement", AWS
 * CloudFormation Template Reference), and a replacement under the same name fails
 * (aws-cloudformation/cloudformation-coverage-roadmap#365). So an edit must leave the budget's
 * logical id, name and replacement-triggering properties alone, and change only what updates in
 * place: the notification custom resource, or BudgetLimit ("Update requires: No interruption").
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lib/config/load';
import { BUDGET_NOTIFICATIONS_RESOURCE_TYPE } from '../../lib/constructs/project-budget';
import { buildTestApp } from '../helpers/app';
import { EXAMPLE_POLICY_TEXT, editedExample } from '../helpers/policy-factory';

/** The fraud-detection budget and its notification resource, as synthesized from `text`. */
function synthBudget(text: string, budgetName = 'ml-fraud-detection') {
  const app = buildTestApp({ policy: parsePolicy(text) });
  for (const stack of app.budgets) {
    const template = Template.fromStack(stack);
    const budgets = template.findResources('AWS::Budgets::Budget');
    const hit = Object.entries(budgets).find(
      ([, r]) => (r.Properties.Budget as { BudgetName: string }).BudgetName === budgetName,
    );
    if (!hit) continue;
    const [logicalId, budget] = hit;
    const notifications = Object.entries(
      template.findResources(BUDGET_NOTIFICATIONS_RESOURCE_TYPE),
    ).find(([, r]) => (r.Properties.BudgetName as { Ref: string }).Ref === logicalId);
    if (!notifications) throw new Error(`no notification resource for ${logicalId}`);
    return {
      stack: stack.stackName,
      logicalId,
      budget: budget.Properties as Record<string, unknown>,
      notificationsId: notifications[0],
      notifications: notifications[1].Properties as Record<string, unknown>,
    };
  }
  throw new Error(`no budget ${budgetName}`);
}

const FRAUD = 0;
const before = synthBudget(EXAMPLE_POLICY_TEXT);

describe('editing a project keeps its budget', () => {
  it('puts no notifications on the budget itself, so they can never replace it', () => {
    // Assess
    expect(before.budget.NotificationsWithSubscribers).toBeUndefined();
    expect(Object.keys(before.budget).sort()).toEqual(['Budget', 'ResourceTags']);
  });

  it.each([
    [
      '(a) a finance email added',
      editedExample([
        ['projects', FRAUD, 'financeEmails'],
        ['finops@example.com', 'risk-finance@example.com', 'cfo@example.com'],
      ]),
    ],
    [
      '(b) an alert threshold changed',
      editedExample([['projects', FRAUD, 'alerts'], { actualPct: [50, 70] }]),
    ],
    [
      '(c) auto-stop switched off',
      editedExample([['projects', FRAUD, 'autoStop'], { mode: 'off' }]),
    ],
  ])('%s changes only the notification resource', (_name, text) => {
    // Act
    const after = synthBudget(text);
    // Assess: same stack, logical id and budget properties; new notification properties
    expect(after.stack).toBe(before.stack);
    expect(after.logicalId).toBe(before.logicalId);
    expect(after.budget).toEqual(before.budget);
    expect(after.notificationsId).toBe(before.notificationsId);
    expect(after.notifications).not.toEqual(before.notifications);
    expect(after.notifications.BudgetName).toEqual({ Ref: before.logicalId });
  });

  it('(d) a new limit changes only BudgetLimit, which updates in place', () => {
    // Act
    const after = synthBudget(editedExample([['projects', FRAUD, 'monthlyBudgetUsd'], 12000]));
    // Assess
    expect(after.logicalId).toBe(before.logicalId);
    const { BudgetLimit: limitAfter, ...restAfter } = after.budget.Budget as Record<
      string,
      unknown
    >;
    const { BudgetLimit: limitBefore, ...restBefore } = before.budget.Budget as Record<
      string,
      unknown
    >;
    expect(limitBefore).toEqual({ Amount: 10000, Unit: 'USD' });
    expect(limitAfter).toEqual({ Amount: 12000, Unit: 'USD' });
    expect(restAfter).toEqual(restBefore);
    expect(after.notifications).toEqual(before.notifications);
  });

  it('starts a new budget only when its name changes: a new budgetNamePrefix', () => {
    // Act
    const after = synthBudget(
      editedExample([['organisation', 'budgetNamePrefix'], 'finops-']),
      'finops-fraud-detection',
    );
    // Assess: same logical id, but a new BudgetName (documented in docs/budgets.md)
    expect(after.logicalId).toBe(before.logicalId);
    expect((after.budget.Budget as { BudgetName: string }).BudgetName).toBe(
      'finops-fraud-detection',
    );
  });
});

describe('the notifications function', () => {
  it('may read and change only the budgets of its own stack', () => {
    // Prepare
    const app = buildTestApp();
    const stack = app.budgets.find((s) => s.budgets.length > 0);
    if (!stack) throw new Error('no budget stack with budgets');
    // Act
    const statements = Object.values(
      Template.fromStack(stack).findResources('AWS::IAM::Policy'),
    ).flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
          .Statement,
    );
    const grant = statements.find(
      (s) => Array.isArray(s.Action) && s.Action.includes('budgets:ModifyBudget'),
    );
    // Assess
    expect(grant?.Action).toEqual(['budgets:ViewBudget', 'budgets:ModifyBudget']);
    const resources = JSON.stringify(grant?.Resource);
    for (const b of stack.budgets)
      expect(resources).toContain(
        `:budgets::111122223333:budget/${(b.budget.budget as { budgetName: string }).budgetName}`,
      );
    expect(resources).not.toContain('"*"');
  });
});
