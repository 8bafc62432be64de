import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { costFilterTagValue } from '../config/naming';

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
}

/**
 * One monthly AWS Budget for one project's tagged cost, with email alerts for finance and owners
 * and an ACTUAL notification to the auto-stop topic.
 */
export class ProjectBudget extends Construct {
  public readonly budget: budgets.CfnBudget;

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
    if (count > 5)
      problems.push(`${count} notifications; CloudFormation allows at most 5 per budget`);
    if (problems.length > 0)
      throw new Error(`ProjectBudget ${props.budgetName}: ${problems.join('; ')}`);

    const emailSubscribers = props.emails.map((address) => ({
      subscriptionType: 'EMAIL',
      address,
    }));
    const notify = (
      notificationType: 'ACTUAL' | 'FORECASTED',
      threshold: number,
      subscribers: budgets.CfnBudget.SubscriberProperty[],
    ) => ({
      notification: {
        notificationType,
        comparisonOperator: 'GREATER_THAN',
        threshold,
        thresholdType: 'PERCENTAGE',
      },
      subscribers,
    });

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
      },
      notificationsWithSubscribers: [
        ...actual.map((t) => notify('ACTUAL', t, emailSubscribers)),
        ...forecasted.map((t) => notify('FORECASTED', t, emailSubscribers)),
        ...(props.autoStopTopic && props.autoStopThresholdPct !== undefined
          ? [
              notify('ACTUAL', props.autoStopThresholdPct, [
                { subscriptionType: 'SNS', address: props.autoStopTopic.topicArn },
              ]),
            ]
          : []),
      ],
    });
  }
}
