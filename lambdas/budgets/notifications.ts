/**
 * What must change on a budget so its notifications and subscribers equal the policy's: a pure
 * diff (no SDK, no clock) between the notifications a budget has and the ones it should have.
 *
 * Why a diff and not a replacement: CloudFormation replaces an `AWS::Budgets::Budget` whenever
 * `NotificationsWithSubscribers` changes ("Update requires: Replacement", AWS CloudFormation
 * Template Reference, AWS::Budgets::Budget), and a replacement under the same name fails because
 * budget names are unique per account (aws-cloudformation/cloudformation-coverage-roadmap#365).
 * The Budgets API changes notifications in place instead.
 */

export type NotificationType = 'ACTUAL' | 'FORECASTED';
export type ComparisonOperator = 'GREATER_THAN' | 'LESS_THAN' | 'EQUAL_TO';
export type ThresholdType = 'PERCENTAGE' | 'ABSOLUTE_VALUE';
export type SubscriptionType = 'SNS' | 'EMAIL';

/** A budget notification as the Budgets API describes it (NotificationState left out: Budgets owns it). */
export interface BudgetNotification {
  readonly notificationType: NotificationType;
  readonly comparisonOperator: ComparisonOperator;
  readonly threshold: number;
  readonly thresholdType: ThresholdType;
}

export interface Subscriber {
  readonly subscriptionType: SubscriptionType;
  readonly address: string;
}

export interface NotificationWithSubscribers {
  readonly notification: BudgetNotification;
  readonly subscribers: readonly Subscriber[];
}

/** One Budgets API call. The order of a plan is the order to run them in. */
export type BudgetChange =
  | { readonly kind: 'deleteNotification'; readonly notification: BudgetNotification }
  | {
      readonly kind: 'updateNotification';
      readonly oldNotification: BudgetNotification;
      readonly newNotification: BudgetNotification;
    }
  | {
      readonly kind: 'updateSubscriber';
      readonly notification: BudgetNotification;
      readonly oldSubscriber: Subscriber;
      readonly newSubscriber: Subscriber;
    }
  | {
      readonly kind: 'deleteSubscriber';
      readonly notification: BudgetNotification;
      readonly subscriber: Subscriber;
    }
  | {
      readonly kind: 'createSubscriber';
      readonly notification: BudgetNotification;
      readonly subscriber: Subscriber;
    }
  | {
      readonly kind: 'createNotification';
      readonly notification: BudgetNotification;
      readonly subscribers: readonly Subscriber[];
    };

/** Identity of a notification: the Budgets API addresses notifications by all four fields. */
export function notificationKey(n: BudgetNotification): string {
  return `${n.notificationType} ${n.comparisonOperator} ${n.threshold} ${n.thresholdType}`;
}

/** Identity of a subscriber. Email addresses compare without case (mail domains and most mailboxes ignore it). */
export function subscriberKey(s: Subscriber): string {
  return `${s.subscriptionType} ${s.subscriptionType === 'EMAIL' ? s.address.toLowerCase() : s.address}`;
}

/** Which kinds of subscriber a notification has: pairs only notifications of the same audience. */
function audience(n: NotificationWithSubscribers): string {
  return [...new Set(n.subscribers.map((s) => s.subscriptionType))].sort().join('+');
}

function subscriberChanges(
  notification: BudgetNotification,
  actual: readonly Subscriber[],
  desired: readonly Subscriber[],
): BudgetChange[] {
  const want = new Set(desired.map(subscriberKey));
  const have = new Set(actual.map(subscriberKey));
  const extra = actual.filter((s) => !want.has(subscriberKey(s)));
  const missing = desired.filter((s) => !have.has(subscriberKey(s)));
  const changes: BudgetChange[] = [];
  // Replace one for one first (UpdateSubscriber), so the notification never loses its last
  // subscriber ("Deleting the last subscriber to a notification also deletes the notification",
  // AWS Budgets API Reference, DeleteSubscriber) and never exceeds 10 email subscribers.
  const updatable = [...missing];
  const stillExtra: Subscriber[] = [];
  for (const old of extra) {
    const i = updatable.findIndex((s) => s.subscriptionType === old.subscriptionType);
    const replacement = updatable[i];
    if (replacement === undefined) {
      stillExtra.push(old);
      continue;
    }
    updatable.splice(i, 1);
    changes.push({
      kind: 'updateSubscriber',
      notification,
      oldSubscriber: old,
      newSubscriber: replacement,
    });
  }
  const deletes = stillExtra.map(
    (subscriber): BudgetChange => ({ kind: 'deleteSubscriber', notification, subscriber }),
  );
  const creates = updatable.map(
    (subscriber): BudgetChange => ({ kind: 'createSubscriber', notification, subscriber }),
  );
  // Deleting first keeps within the subscriber limit, unless nothing would remain: then the
  // notification would go with its last subscriber, so the new ones come first.
  const remains = actual.length - extra.length + changes.length > 0;
  return remains ? [...changes, ...deletes, ...creates] : [...changes, ...creates, ...deletes];
}

const byThreshold = (a: NotificationWithSubscribers, b: NotificationWithSubscribers) =>
  a.notification.threshold - b.notification.threshold;

/**
 * The calls that turn `actual` into `desired`, in a safe order: deletions first (a budget holds
 * a limited number of notifications), then in-place updates (a changed threshold keeps its
 * notification and subscribers), then subscriber changes, then new notifications.
 */
export function planNotificationChanges(
  actual: readonly NotificationWithSubscribers[],
  desired: readonly NotificationWithSubscribers[],
): BudgetChange[] {
  const desiredKeys = new Set(desired.map((d) => notificationKey(d.notification)));
  const actualByKey = new Map(actual.map((a) => [notificationKey(a.notification), a]));
  const extra = actual
    .filter((a) => !desiredKeys.has(notificationKey(a.notification)))
    .sort(byThreshold);
  const missing = desired
    .filter((d) => !actualByKey.has(notificationKey(d.notification)))
    .sort(byThreshold);

  const deletes: BudgetChange[] = [];
  const updates: BudgetChange[] = [];
  const subscribers: BudgetChange[] = [];
  const creates: BudgetChange[] = [];

  // A changed threshold is an extra and a missing notification of the same type and audience:
  // update it in place rather than delete and create.
  const unpaired = [...missing];
  for (const old of extra) {
    const i = unpaired.findIndex(
      (m) =>
        m.notification.notificationType === old.notification.notificationType &&
        audience(m) === audience(old),
    );
    const target = unpaired[i];
    if (target === undefined) {
      deletes.push({ kind: 'deleteNotification', notification: old.notification });
      continue;
    }
    unpaired.splice(i, 1);
    updates.push({
      kind: 'updateNotification',
      oldNotification: old.notification,
      newNotification: target.notification,
    });
    subscribers.push(
      ...subscriberChanges(target.notification, old.subscribers, target.subscribers),
    );
  }
  for (const want of desired) {
    const have = actualByKey.get(notificationKey(want.notification));
    if (have)
      subscribers.push(...subscriberChanges(want.notification, have.subscribers, want.subscribers));
  }
  for (const want of unpaired)
    creates.push({
      kind: 'createNotification',
      notification: want.notification,
      subscribers: want.subscribers,
    });
  return [...deletes, ...updates, ...subscribers, ...creates];
}

/** One line per change, for logs and the custom resource's reply. */
export function describeChange(change: BudgetChange): string {
  const n = (x: BudgetNotification) =>
    `${x.notificationType} > ${x.threshold}${x.thresholdType === 'PERCENTAGE' ? ' %' : ''}`;
  const s = (x: Subscriber) => `${x.subscriptionType} ${x.address}`;
  switch (change.kind) {
    case 'deleteNotification':
      return `delete notification ${n(change.notification)}`;
    case 'updateNotification':
      return `update notification ${n(change.oldNotification)} -> ${n(change.newNotification)}`;
    case 'updateSubscriber':
      return `replace subscriber ${s(change.oldSubscriber)} -> ${s(change.newSubscriber)} on ${n(change.notification)}`;
    case 'deleteSubscriber':
      return `remove subscriber ${s(change.subscriber)} from ${n(change.notification)}`;
    case 'createSubscriber':
      return `add subscriber ${s(change.subscriber)} to ${n(change.notification)}`;
    case 'createNotification':
      return `create notification ${n(change.notification)} for ${change.subscribers.map(s).join(', ')}`;
  }
}

/** What a project's budget should notify, as the policy says. */
export interface BudgetAlertPlan {
  readonly actualPct: readonly number[];
  readonly forecastedPct: readonly number[];
  readonly emails: readonly string[];
  /** ACTUAL percentage that notifies `autoStopTopicArn`. @default - none */
  readonly autoStopPct?: number;
  readonly autoStopTopicArn?: string;
}

/**
 * The notifications of a project's budget: finance and owners by email at each ACTUAL and
 * FORECASTED percentage, and the auto-stop topic at its ACTUAL percentage. The one definition the
 * template (ProjectBudget) and `guardrails doctor` (drift) share.
 */
export function desiredNotifications(plan: BudgetAlertPlan): NotificationWithSubscribers[] {
  const emails = plan.emails.map((address): Subscriber => ({ subscriptionType: 'EMAIL', address }));
  const pct = (notificationType: NotificationType, threshold: number): BudgetNotification => ({
    notificationType,
    comparisonOperator: 'GREATER_THAN',
    threshold,
    thresholdType: 'PERCENTAGE',
  });
  return [
    ...plan.actualPct.map((t) => ({ notification: pct('ACTUAL', t), subscribers: emails })),
    ...plan.forecastedPct.map((t) => ({ notification: pct('FORECASTED', t), subscribers: emails })),
    ...(plan.autoStopPct !== undefined && plan.autoStopTopicArn !== undefined
      ? [
          {
            notification: pct('ACTUAL', plan.autoStopPct),
            subscribers: [{ subscriptionType: 'SNS' as const, address: plan.autoStopTopicArn }],
          },
        ]
      : []),
  ];
}
