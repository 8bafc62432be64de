/**
 * The one adapter to the AWS Budgets API for budget notifications: read what a budget has, and
 * apply a plan from `notifications.ts`. Takes its client as a parameter.
 */
import {
  type BudgetsClient,
  CreateNotificationCommand,
  CreateSubscriberCommand,
  DeleteNotificationCommand,
  DeleteSubscriberCommand,
  DescribeNotificationsForBudgetCommand,
  DescribeSubscribersForNotificationCommand,
  type Notification,
  type Subscriber as SdkSubscriber,
  UpdateNotificationCommand,
  UpdateSubscriberCommand,
} from '@aws-sdk/client-budgets';
import { awsErrorName, errorMessage } from '../shared/errors';
import { type RetryOptions, retry } from '../shared/retry';
import {
  type BudgetChange,
  type BudgetNotification,
  describeChange,
  type NotificationWithSubscribers,
  type Subscriber,
} from './notifications';

/** IAM actions this adapter calls (`budgets:ViewBudget` covers the Describe* calls, `budgets:ModifyBudget` the rest). */
export const BUDGET_NOTIFICATION_ACTIONS = ['budgets:ViewBudget', 'budgets:ModifyBudget'] as const;

/** Budgets API page size maximum for notifications and subscribers (API Reference: MaxResults 1-100). */
const PAGE_SIZE = 100;

export interface BudgetTarget {
  readonly accountId: string;
  readonly budgetName: string;
}

/** A plan that ran only in part: the changes that failed, each with its error. */
export class BudgetChangesFailedError extends Error {
  override readonly name = 'BudgetChangesFailedError';
  constructor(
    readonly budgetName: string,
    readonly failures: readonly { change: string; error: string }[],
    readonly applied: readonly string[],
  ) {
    super(
      `Budget ${budgetName}: ${failures.length} notification change(s) failed (${applied.length} applied): ${failures
        .map((f) => `${f.change}: ${f.error}`)
        .join('; ')}`,
    );
  }
}

const toSdkNotification = (n: BudgetNotification): Notification => ({
  NotificationType: n.notificationType,
  ComparisonOperator: n.comparisonOperator,
  Threshold: n.threshold,
  ThresholdType: n.thresholdType,
});
const toSdkSubscriber = (s: Subscriber): SdkSubscriber => ({
  SubscriptionType: s.subscriptionType,
  Address: s.address,
});

function fromSdkNotification(n: Notification): BudgetNotification {
  return {
    notificationType: n.NotificationType as BudgetNotification['notificationType'],
    comparisonOperator: n.ComparisonOperator as BudgetNotification['comparisonOperator'],
    threshold: n.Threshold ?? 0,
    // The API defaults ThresholdType to PERCENTAGE when it is not given (API Reference, Notification).
    thresholdType: (n.ThresholdType ?? 'PERCENTAGE') as BudgetNotification['thresholdType'],
  };
}

/** Every notification of a budget with its subscribers, following NextToken on both lists (empty pages included). */
export async function readNotifications(
  client: BudgetsClient,
  target: BudgetTarget,
  options: RetryOptions = {},
): Promise<NotificationWithSubscribers[]> {
  const notifications: Notification[] = [];
  let token: string | undefined;
  do {
    const page = await retry(
      () =>
        client.send(
          new DescribeNotificationsForBudgetCommand({
            AccountId: target.accountId,
            BudgetName: target.budgetName,
            MaxResults: PAGE_SIZE,
            NextToken: token,
          }),
        ),
      options,
    );
    notifications.push(...(page.Notifications ?? []));
    token = page.NextToken || undefined;
  } while (token);

  const result: NotificationWithSubscribers[] = [];
  for (const notification of notifications) {
    const subscribers: Subscriber[] = [];
    let next: string | undefined;
    do {
      const page = await retry(
        () =>
          client.send(
            new DescribeSubscribersForNotificationCommand({
              AccountId: target.accountId,
              BudgetName: target.budgetName,
              Notification: notification,
              MaxResults: PAGE_SIZE,
              NextToken: next,
            }),
          ),
        options,
      );
      for (const s of page.Subscribers ?? [])
        if (s.Address && s.SubscriptionType)
          subscribers.push({
            subscriptionType: s.SubscriptionType as Subscriber['subscriptionType'],
            address: s.Address,
          });
      next = page.NextToken || undefined;
    } while (next);
    result.push({ notification: fromSdkNotification(notification), subscribers });
  }
  return result;
}

/**
 * "Already there" (DuplicateRecordException on a create) and "already gone" (NotFoundException on
 * a delete) mean an earlier, interrupted run made the change: the goal holds, so they succeed.
 */
function alreadyDone(change: BudgetChange, err: unknown): boolean {
  const name = awsErrorName(err);
  if (change.kind === 'createNotification' || change.kind === 'createSubscriber')
    return name === 'DuplicateRecordException';
  if (change.kind === 'deleteNotification' || change.kind === 'deleteSubscriber')
    return name === 'NotFoundException';
  return false;
}

async function send(client: BudgetsClient, target: BudgetTarget, change: BudgetChange) {
  const base = { AccountId: target.accountId, BudgetName: target.budgetName };
  switch (change.kind) {
    case 'deleteNotification':
      return client.send(
        new DeleteNotificationCommand({
          ...base,
          Notification: toSdkNotification(change.notification),
        }),
      );
    case 'updateNotification':
      return client.send(
        new UpdateNotificationCommand({
          ...base,
          OldNotification: toSdkNotification(change.oldNotification),
          NewNotification: toSdkNotification(change.newNotification),
        }),
      );
    case 'updateSubscriber':
      return client.send(
        new UpdateSubscriberCommand({
          ...base,
          Notification: toSdkNotification(change.notification),
          OldSubscriber: toSdkSubscriber(change.oldSubscriber),
          NewSubscriber: toSdkSubscriber(change.newSubscriber),
        }),
      );
    case 'deleteSubscriber':
      return client.send(
        new DeleteSubscriberCommand({
          ...base,
          Notification: toSdkNotification(change.notification),
          Subscriber: toSdkSubscriber(change.subscriber),
        }),
      );
    case 'createSubscriber':
      return client.send(
        new CreateSubscriberCommand({
          ...base,
          Notification: toSdkNotification(change.notification),
          Subscriber: toSdkSubscriber(change.subscriber),
        }),
      );
    case 'createNotification':
      return client.send(
        new CreateNotificationCommand({
          ...base,
          Notification: toSdkNotification(change.notification),
          Subscribers: change.subscribers.map(toSdkSubscriber),
        }),
      );
  }
}

/**
 * Run the plan in order, one call at a time (a budget's notifications are one small list; order
 * matters for its limits). Throttling is retried; a change that still fails does not stop the
 * others, and the run then throws {@link BudgetChangesFailedError} naming every failure, so
 * CloudFormation reports the deploy as failed and rolls back to the previous notifications.
 */
export async function applyChanges(
  client: BudgetsClient,
  target: BudgetTarget,
  changes: readonly BudgetChange[],
  options: RetryOptions = {},
): Promise<string[]> {
  const applied: string[] = [];
  const failures: { change: string; error: string }[] = [];
  for (const change of changes) {
    try {
      await retry(() => send(client, target, change), options);
      applied.push(describeChange(change));
    } catch (err) {
      if (alreadyDone(change, err)) applied.push(`${describeChange(change)} (already done)`);
      else
        failures.push({
          change: describeChange(change),
          error: `${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}`,
        });
    }
  }
  if (failures.length > 0) throw new BudgetChangesFailedError(target.budgetName, failures, applied);
  return applied;
}

/** Remove these notifications from a budget (the custom resource's Delete); a budget already gone is fine. */
export async function deleteNotifications(
  client: BudgetsClient,
  target: BudgetTarget,
  notifications: readonly BudgetNotification[],
  options: RetryOptions = {},
): Promise<string[]> {
  return applyChanges(
    client,
    target,
    notifications.map((notification) => ({ kind: 'deleteNotification', notification })),
    options,
  );
}
