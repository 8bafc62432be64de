import { Aws, CustomResource } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { desiredNotifications } from '../../lambdas/budgets/notifications';
import { costFilterTagValue } from '../config/naming';

/** Type of the custom resource that owns a budget's notifications. */
export const BUDGET_NOTIFICATIONS_RESOURCE_TYPE = 'Custom::BudgetNotifications';

/**
 * What a budget counts (AWS::Budgets::Budget CostTypes). Every field is explicit in the template,
 * because the AWS defaults count credits and refunds, which hide spend.
 */
export interface BudgetCostTypes {
  readonly includeCredit: boolean;
  readonly includeRefund: boolean;
  readonly includeDiscount: boolean;
  readonly includeOtherSubscription: boolean;
  readonly includeRecurring: boolean;
  readonly includeSubscription: boolean;
  readonly includeSupport: boolean;
  readonly includeTax: boolean;
  readonly includeUpfront: boolean;
  readonly useAmortized: boolean;
  readonly useBlended: boolean;
}

/** Gross spend: AWS's defaults, except that credits and refunds do not lower it. */
export const DEFAULT_BUDGET_COST_TYPES: BudgetCostTypes = {
  includeCredit: false,
  includeRefund: false,
  includeDiscount: true,
  includeOtherSubscription: true,
  includeRecurring: true,
  includeSubscription: true,
  includeSupport: true,
  includeTax: true,
  includeUpfront: true,
  useAmortized: false,
  useBlended: false,
};

export interface ProjectBudgetProps {
  /** Budget name; derived from the project id so notifications map back to the project. */
  readonly budgetName: string;
  /** Monthly cost limit in USD. */
  readonly monthlyLimitUsd: number;
  /** Cost-allocation tag key and the project id it must equal. */
  readonly costFilterTag: { readonly key: string; readonly value: string };
  /** Percentages of the limit that email `emails` on ACTUAL spend. @default [50, 80] */
  readonly actualThresholdsPct?: number[];
  /** Percentages of the limit that email `emails` on FORECASTED spend. @default [100] */
  readonly forecastedThresholdsPct?: number[];
  /** Finance and owner addresses (at most 10: the per-notification limit). */
  readonly emails: string[];
  /** ACTUAL percentage that notifies `autoStopTopic`. @default - no auto-stop notification */
  readonly autoStopThresholdPct?: number;
  /** Topic that receives the auto-stop notification; required with `autoStopThresholdPct`. @default - none */
  readonly autoStopTopic?: sns.ITopic;
  /** What the budget counts. @default DEFAULT_BUDGET_COST_TYPES */
  readonly costTypes?: BudgetCostTypes;
  /** Service token of the function that manages budget notifications (one per stack, see BudgetsStack). */
  readonly notificationsServiceToken: string;
}

/**
 * One monthly AWS Budget for one project's tagged cost, with email alerts for finance and owners
 * and an ACTUAL notification to the auto-stop topic.
 *
 * The budget itself carries no notifications: CloudFormation replaces an AWS::Budgets::Budget
 * whenever `NotificationsWithSubscribers` changes ("Update requires: Replacement", AWS
 * CloudFormation Template Reference), and the replacement fails under the same name
 * (aws-cloudformation/cloudformation-coverage-roadmap#365). A custom resource sets them through
 * the Budgets API instead, so emails, thresholds and auto-stop change in place and the budget
 * keeps its history.
 */
export class ProjectBudget extends Construct {
  public readonly budget: budgets.CfnBudget;
  /** The custom resource that owns the budget's notifications. */
  public readonly notifications: CustomResource;

  constructor(scope: Construct, id: string, props: ProjectBudgetProps) {
    super(scope, id);
    const actual = props.actualThresholdsPct ?? [50, 80];
    const forecasted = props.forecastedThresholdsPct ?? [100];
    const problems: string[] = [];
    if (!(props.monthlyLimitUsd > 0))
      problems.push(`monthlyLimitUsd must be greater than 0 (got ${props.monthlyLimitUsd})`);
    if (props.emails.length > 10)
      problems.push(`emails has ${props.emails.length} addresses; a notification takes at most 10`);
    if ((props.autoStopThresholdPct === undefined) !== (props.autoStopTopic === undefined))
      problems.push('autoStopThresholdPct and autoStopTopic go together');
    const count = actual.length + forecasted.length + (props.autoStopTopic ? 1 : 0);
    // AWS Budgets allows five notifications per budget (AWS Cost Management User Guide, quotas).
    if (count > 5) problems.push(`${count} notifications; AWS Budgets allows at most 5 per budget`);
    if (problems.length > 0)
      throw new Error(`ProjectBudget ${props.budgetName}: ${problems.join('; ')}`);

    const costTypes = props.costTypes ?? DEFAULT_BUDGET_COST_TYPES;
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: props.budgetName,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        // Legacy CostFilters (FilterExpression would need Metrics and cannot be combined).
        costFilters: {
          TagKeyValue: [costFilterTagValue(props.costFilterTag.key, props.costFilterTag.value)],
        },
        costTypes: { ...costTypes },
      },
    });

    this.notifications = new CustomResource(this, 'Notifications', {
      serviceToken: props.notificationsServiceToken,
      resourceType: BUDGET_NOTIFICATIONS_RESOURCE_TYPE,
      properties: {
        AccountId: Aws.ACCOUNT_ID,
        // A reference, so CloudFormation creates the budget first and deletes it last.
        BudgetName: this.budget.ref,
        Notifications: desiredNotifications({
          actualPct: actual,
          forecastedPct: forecasted,
          emails: props.emails,
          autoStopPct: props.autoStopTopic ? props.autoStopThresholdPct : undefined,
          autoStopTopicArn: props.autoStopTopic?.topicArn,
        }).map((n) => ({
          NotificationType: n.notification.notificationType,
          ComparisonOperator: n.notification.comparisonOperator,
          Threshold: n.notification.threshold,
          ThresholdType: n.notification.thresholdType,
          Subscribers: n.subscribers.map((x) => ({
            SubscriptionType: x.subscriptionType,
            Address: x.address,
          })),
        })),
      },
    });
  }
}
