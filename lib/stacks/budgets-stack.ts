import { CfnWaitConditionHandle, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type DeploymentNames, deploymentNames, projectTags } from '../config/naming';
import type { GuardrailsPolicy, Project } from '../config/schema';
import { BudgetNotificationsProvider } from '../constructs/budget-notifications-provider';
import { ProjectBudget } from '../constructs/project-budget';

export interface BudgetsStackProps extends StackProps {
  /** The projects whose budgets live in this shard. */
  readonly projects: readonly Project[];
  /** Organisation settings: the project tag key and the required tags. */
  readonly organisation: Pick<
    GuardrailsPolicy['organisation'],
    'projectTagKey' | 'requiredTags' | 'budgetCostTypes'
  >;
  /** Name of the auto-stop topic in this account and region. */
  readonly autoStopTopicName: string;
  /** Addresses whose auto-stop report subscription lives in this shard. @default [] */
  readonly reportAddresses?: readonly string[];
  /** Physical names of this deployment (report topic and queue). @default deploymentNames() */
  readonly names?: DeploymentNames;
}

/**
 * One shard of the per-project budgets. Construct ids derive from the project id only, so a
 * budget's logical id never changes when other projects come or go.
 */
export class BudgetsStack extends Stack {
  public readonly budgets: ProjectBudget[];

  constructor(scope: Construct, id: string, props: BudgetsStackProps) {
    super(scope, id, props);
    const topicArn = Stack.of(this).formatArn({
      service: 'sns',
      resource: props.autoStopTopicName,
    });
    const autoStopTopic = sns.Topic.fromTopicArn(this, 'AutoStopTopic', topicArn);
    const names = props.names ?? deploymentNames();
    // One function per stack manages the notifications of its budgets; none in an empty shard.
    const provider =
      props.projects.length > 0
        ? new BudgetNotificationsProvider(this, 'BudgetNotifications', {
            budgetNames: props.projects.map((p) => p.budgetName),
          })
        : undefined;

    this.budgets = props.projects.map((project) => {
      const autoStop = project.autoStop.mode !== 'off';
      const budget = new ProjectBudget(this, `Project-${project.id}`, {
        budgetName: project.budgetName,
        monthlyLimitUsd: project.monthlyBudgetUsd,
        costFilterTag: { key: props.organisation.projectTagKey, value: project.id },
        actualThresholdsPct: project.alerts.actualPct,
        forecastedThresholdsPct: project.alerts.forecastedPct,
        emails: [...new Set([...project.financeEmails, ...project.ownerEmails])],
        autoStopThresholdPct: autoStop ? project.autoStop.thresholdPct : undefined,
        autoStopTopic: autoStop ? autoStopTopic : undefined,
        costTypes: props.organisation.budgetCostTypes,
        notificationsServiceToken: provider?.serviceToken ?? '',
      });
      // The budget carries the tags of the project it watches, over the app's own tags.
      for (const [key, value] of Object.entries(projectTags(props.organisation, project)))
        Tags.of(budget).add(key, value, { priority: 200 });
      return budget;
    });
    // One email subscription per address, filtered on the report's `recipients` attribute.
    const reportTopic = sns.Topic.fromTopicArn(
      this,
      'ReportTopic',
      Stack.of(this).formatArn({ service: 'sns', resource: names.reportTopic }),
    );
    const reportDlq = sqs.Queue.fromQueueArn(
      this,
      'ReportDeadLetterQueue',
      Stack.of(this).formatArn({ service: 'sqs', resource: names.reportDeadLetterQueue }),
    );
    for (const address of props.reportAddresses ?? [])
      new sns.Subscription(this, `Report-${address}`, {
        topic: reportTopic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: address,
        filterPolicy: { recipients: sns.SubscriptionFilter.stringFilter({ allowlist: [address] }) },
        deadLetterQueue: reportDlq,
      });

    // Every shard is always synthesized, so removing a shard's last project still deletes its
    // budget on `cdk deploy --all`; CloudFormation needs at least one resource in a template.
    if (this.budgets.length === 0 && (props.reportAddresses ?? []).length === 0)
      new CfnWaitConditionHandle(this, 'EmptyShard');
  }
}
