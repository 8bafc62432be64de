/**
 * The budget-notifications custom resource: on Create and Update, make a budget's notifications
 * equal the template's; on Delete, remove them. Dependencies are parameters (see handler.ts).
 */
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import * as z from 'zod/mini';
import type { RetryOptions } from '../shared/retry';
import '../shared/zod-messages';
import {
  applyChanges,
  type BudgetTarget,
  deleteNotifications,
  readNotifications,
} from './budgets-api';
import { type NotificationWithSubscribers, planNotificationChanges } from './notifications';

/** What the CDK Provider framework hands the function (CloudFormation custom resource request, trimmed). */
export interface NotificationsEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
}

export interface NotificationsResult {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly Changes: number };
}

// CloudFormation passes every custom resource property as a string, numbers included.
const NotificationSchema = z.strictObject({
  NotificationType: z.enum(['ACTUAL', 'FORECASTED']),
  ComparisonOperator: z.enum(['GREATER_THAN', 'LESS_THAN', 'EQUAL_TO']),
  Threshold: z.coerce.number().check(z.positive()),
  ThresholdType: z.enum(['PERCENTAGE', 'ABSOLUTE_VALUE']),
  Subscribers: z
    .array(
      z.strictObject({
        SubscriptionType: z.enum(['SNS', 'EMAIL']),
        Address: z.string().check(z.minLength(1)),
      }),
    )
    .check(z.minLength(1)),
});

export const NotificationsPropertiesSchema = z.object({
  AccountId: z.string().check(z.regex(/^\d{12}$/, { message: 'must be a 12-digit account id' })),
  BudgetName: z.string().check(z.minLength(1)),
  Notifications: z._default(z.array(NotificationSchema), []),
});
export type NotificationsProperties = z.input<typeof NotificationsPropertiesSchema>;

function desiredOf(
  props: z.infer<typeof NotificationsPropertiesSchema>,
): NotificationWithSubscribers[] {
  return props.Notifications.map((n) => ({
    notification: {
      notificationType: n.NotificationType,
      comparisonOperator: n.ComparisonOperator,
      threshold: n.Threshold,
      thresholdType: n.ThresholdType,
    },
    subscribers: n.Subscribers.map((s) => ({
      subscriptionType: s.SubscriptionType,
      address: s.Address,
    })),
  }));
}

export interface ReconcileDeps {
  readonly budgets: BudgetsClient;
  readonly log: (message: string, extra: Record<string, unknown>) => void;
  readonly retry?: RetryOptions;
}

export async function onNotificationsEvent(
  event: NotificationsEvent,
  deps: ReconcileDeps,
): Promise<NotificationsResult> {
  const parsed = NotificationsPropertiesSchema.safeParse(event.ResourceProperties);
  if (!parsed.success)
    throw new Error(
      `Budget notifications: invalid properties: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const props = parsed.data;
  const target: BudgetTarget = { accountId: props.AccountId, budgetName: props.BudgetName };
  const desired = desiredOf(props);

  if (event.RequestType === 'Delete') {
    const done = await deleteNotifications(
      deps.budgets,
      target,
      desired.map((d) => d.notification),
      deps.retry,
    );
    deps.log('budget notifications removed', { budgetName: target.budgetName, changes: done });
    return {
      PhysicalResourceId: event.PhysicalResourceId ?? target.budgetName,
      Data: { Changes: done.length },
    };
  }

  const actual = await readNotifications(deps.budgets, target, deps.retry);
  const changes = planNotificationChanges(actual, desired);
  const done = await applyChanges(deps.budgets, target, changes, deps.retry);
  deps.log('budget notifications reconciled', { budgetName: target.budgetName, changes: done });
  // The budget name is the identity: a new name makes CloudFormation delete the old resource's notifications.
  return { PhysicalResourceId: target.budgetName, Data: { Changes: done.length } };
}
