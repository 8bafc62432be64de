import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lib/config/load';
import { budgetShardOf } from '../../lib/config/naming';
import { BUDGET_NOTIFICATIONS_RESOURCE_TYPE } from '../../lib/constructs/project-budget';
import { buildTestApp, examplePolicy } from '../helpers/app';
import { policyWithProjects } from '../helpers/policy-factory';

interface NotificationProps {
  NotificationType: string;
  ComparisonOperator: string;
  Threshold: number;
  ThresholdType: string;
  Subscribers: { SubscriptionType: string; Address: unknown }[];
}

/** Each budget with the notifications its custom resource sets (looked up by the BudgetName Ref). */
function allBudgets(app = buildTestApp()) {
  return app.budgets.flatMap((stack) => {
    const template = Template.fromStack(stack);
    const custom = Object.values(template.findResources(BUDGET_NOTIFICATIONS_RESOURCE_TYPE));
    return Object.entries(template.findResources('AWS::Budgets::Budget')).map(([logicalId, r]) => {
      const props = r.Properties as {
        Budget: Record<string, unknown>;
        ResourceTags: { Key: string; Value: string }[];
      };
      const mine = custom.filter(
        (c) => (c.Properties.BudgetName as { Ref?: string }).Ref === logicalId,
      );
      const [only] = mine;
      if (mine.length !== 1 || !only)
        throw new Error(`${logicalId}: ${mine.length} notification resources`);
      return {
        stack: stack.stackName,
        logicalId,
        props: {
          ...props,
          NotificationsWithSubscribers: (only.Properties.Notifications as NotificationProps[]).map(
            ({ Subscribers, ...Notification }) => ({ Notification, Subscribers }),
          ),
        },
        raw: r.Properties as Record<string, unknown>,
      };
    });
  });
}

describe('per-project budgets', () => {
  const budgets = allBudgets();
  const byName = (name: string) => {
    const b = budgets.find((x) => x.props.Budget.BudgetName === name);
    if (!b) throw new Error(`no budget ${name}`);
    return b.props;
  };

  it('creates exactly one budget per project', () => {
    expect(budgets.map((b) => b.props.Budget.BudgetName).sort()).toEqual([
      'ml-churn-prediction',
      'ml-fraud-detection',
      'ml-real-time-bidding',
    ]);
  });

  it('is a monthly USD cost budget filtered by the user: cost-allocation tag', () => {
    expect(byName('ml-fraud-detection').Budget).toEqual({
      BudgetName: 'ml-fraud-detection',
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 10000, Unit: 'USD' },
      CostFilters: { TagKeyValue: ['user:Project$fraud-detection'] },
      CostTypes: {
        IncludeCredit: false,
        IncludeRefund: false,
        IncludeDiscount: true,
        IncludeOtherSubscription: true,
        IncludeRecurring: true,
        IncludeSubscription: true,
        IncludeSupport: true,
        IncludeTax: true,
        IncludeUpfront: true,
        UseAmortized: false,
        UseBlended: false,
      },
    });
  });

  it('emails finance and owners at ACTUAL 50 % and 80 % and FORECASTED 100 %, and notifies the auto-stop topic at 95 %', () => {
    const n = byName('ml-fraud-detection').NotificationsWithSubscribers;
    const emails = [
      'finops@example.com',
      'risk-finance@example.com',
      'fraud-ml-leads@example.com',
    ].map((Address) => ({ SubscriptionType: 'EMAIL', Address }));
    const notification = (NotificationType: string, Threshold: number) => ({
      NotificationType,
      Threshold,
      ComparisonOperator: 'GREATER_THAN',
      ThresholdType: 'PERCENTAGE',
    });
    expect(n.slice(0, 3)).toEqual([
      { Notification: notification('ACTUAL', 50), Subscribers: emails },
      { Notification: notification('ACTUAL', 80), Subscribers: emails },
      { Notification: notification('FORECASTED', 100), Subscribers: emails },
    ]);
    expect(n[3]?.Notification).toEqual(notification('ACTUAL', 95));
    expect(n[3]?.Subscribers).toEqual([
      {
        SubscriptionType: 'SNS',
        Address: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':sns:eu-west-1:111122223333:ml-guardrails-auto-stop',
            ],
          ],
        },
      },
    ]);
    expect(n).toHaveLength(4);
  });

  it('uses per-project thresholds and auto-stop threshold overrides', () => {
    const n = byName('ml-real-time-bidding').NotificationsWithSubscribers;
    expect(
      n.map(
        (x) =>
          `${x.Notification.NotificationType} ${x.Notification.Threshold} ${x.Subscribers[0]?.SubscriptionType}`,
      ),
    ).toEqual([
      'ACTUAL 50 EMAIL',
      'ACTUAL 80 EMAIL',
      'ACTUAL 90 EMAIL',
      'FORECASTED 100 EMAIL',
      'ACTUAL 98 SNS',
    ]);
  });

  it('sends no auto-stop notification when auto-stop is off', () => {
    const text = policyWithProjects(2).replace('    mode: enforce', '    mode: off');
    const names = allBudgets(buildTestApp({ policy: parsePolicy(text) })).map((b) =>
      b.props.NotificationsWithSubscribers.map((x) => x.Subscribers[0]?.SubscriptionType),
    );
    expect(names).toEqual([
      ['EMAIL', 'EMAIL', 'EMAIL'],
      ['EMAIL', 'EMAIL', 'EMAIL'],
    ]);
  });

  it('lists each address once when it is both a finance and an owner contact', () => {
    const base = parsePolicy(policyWithProjects(1));
    const project = base.projects[0] as (typeof base.projects)[number];
    const policy = {
      ...base,
      projects: [
        { ...project, financeEmails: ['finops@example.com'], ownerEmails: ['finops@example.com'] },
      ],
    };
    const [b] = allBudgets(buildTestApp({ policy }));
    expect(b?.props.NotificationsWithSubscribers[0]?.Subscribers).toEqual([
      { SubscriptionType: 'EMAIL', Address: 'finops@example.com' },
    ]);
  });

  it('tags each budget with its project, cost center and team', () => {
    const tags = Object.fromEntries(
      byName('ml-churn-prediction').ResourceTags.map((t) => [t.Key, t.Value]),
    );
    expect(tags).toMatchObject({
      Project: 'churn-prediction',
      CostCenter: 'CC-3300-CRM',
      Team: 'data-science',
      ManagedBy: 'ml-guardrails',
    });
  });

  it('puts each budget in the stack chosen by a hash of its project id', () => {
    for (const b of budgets) {
      const id = String(b.props.Budget.BudgetName).replace(/^ml-/, '');
      expect(b.stack).toBe(`MlGuardrails-Budgets-${String(budgetShardOf(id, 8)).padStart(2, '0')}`);
    }
  });

  it('synthesizes every shard, with a placeholder in an empty one so a removed last budget is deleted', () => {
    // Prepare: one project, so most shards hold nothing at all
    const app = buildTestApp({ policy: parsePolicy(policyWithProjects(1)) });
    // Assess
    expect(app.budgets).toHaveLength(8);
    const kinds = app.budgets.map((s) =>
      Object.values(
        Template.fromStack(s).toJSON().Resources as Record<string, { Type: string }>,
      ).map((r) => r.Type),
    );
    const empty = kinds.filter(
      (types) => !types.some((t) => t === 'AWS::Budgets::Budget' || t === 'AWS::SNS::Subscription'),
    );
    expect(empty.length).toBeGreaterThanOrEqual(5);
    for (const types of empty) expect(types).toContain('AWS::CloudFormation::WaitConditionHandle');
    for (const types of kinds)
      expect(types.filter((t) => t !== 'AWS::CDK::Metadata').length).toBeGreaterThan(0);
  });
});

describe('auto-stop report subscriptions', () => {
  const app = buildTestApp();
  const subscriptions = app.budgets.flatMap((stack) =>
    Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription')).map((r) => ({
      stack: stack.stackName,
      props: r.Properties as Record<string, unknown>,
    })),
  );

  it('subscribe every finance and owner address of an auto-stop project exactly once', () => {
    const expected = [
      ...new Set(examplePolicy().projects.flatMap((p) => [...p.financeEmails, ...p.ownerEmails])),
    ].sort();
    expect(subscriptions.map((s) => s.props.Endpoint).sort()).toEqual(expected);
  });

  it('filter each subscription on its own address in the recipients attribute, with a dead-letter queue', () => {
    for (const { props } of subscriptions) {
      expect(props).toMatchObject({
        Protocol: 'email',
        TopicArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':sns:eu-west-1:111122223333:ml-guardrails-auto-stop-reports',
            ],
          ],
        },
        FilterPolicy: { recipients: [props.Endpoint] },
        RedrivePolicy: {
          deadLetterTargetArn: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':sqs:eu-west-1:111122223333:ml-guardrails-auto-stop-reports-dlq',
              ],
            ],
          },
        },
      });
    }
  });

  it('place each subscription by a hash of its address, so it never moves when projects change', () => {
    for (const { stack, props } of subscriptions)
      expect(stack).toBe(
        `MlGuardrails-Budgets-${String(budgetShardOf(String(props.Endpoint), 8)).padStart(2, '0')}`,
      );
  });
});

describe('scale: 1,000 projects', () => {
  const policy = parsePolicy(policyWithProjects(1000));
  const app = buildTestApp({ policy });

  it('creates 1,000 budgets spread over stacks that each stay under 500 resources', () => {
    const counts = app.budgets.map(
      (s) => Object.keys(Template.fromStack(s).toJSON().Resources).length,
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
    expect(app.budgets.reduce((n, s) => n + s.budgets.length, 0)).toBe(1000);
    for (const c of counts) expect(c).toBeLessThan(500);
  });

  it('adding and removing projects leaves every other budget in the same stack with the same logical id', () => {
    // Prepare: the same policy with project 0500 removed and two new projects added
    const before = new Map(
      allBudgets(app).map((b) => [b.props.Budget.BudgetName, `${b.stack}/${b.logicalId}`]),
    );
    const changed = {
      ...policy,
      projects: [
        ...policy.projects.filter((p) => p.id !== 'project-0500'),
        {
          ...(policy.projects[0] as (typeof policy.projects)[number]),
          id: 'zz-new-a',
          budgetName: 'ml-zz-new-a',
        },
        {
          ...(policy.projects[1] as (typeof policy.projects)[number]),
          id: 'aa-new-b',
          budgetName: 'ml-aa-new-b',
        },
      ],
    };
    // Act
    const after = new Map(
      allBudgets(buildTestApp({ policy: changed })).map((b) => [
        b.props.Budget.BudgetName,
        `${b.stack}/${b.logicalId}`,
      ]),
    );
    // Assess
    expect(after.size).toBe(1001);
    expect(after.has('ml-project-0500')).toBe(false);
    for (const [name, where] of after)
      if (before.has(name)) expect(where, String(name)).toBe(before.get(name));
  });
});

it('the example policy resolves the same projects the budgets are built from', () => {
  expect(examplePolicy().projects.map((p) => p.budgetName)).toEqual([
    'ml-fraud-detection',
    'ml-real-time-bidding',
    'ml-churn-prediction',
  ]);
});
