import {
  BudgetsClient,
  CreateNotificationCommand,
  CreateSubscriberCommand,
  DeleteNotificationCommand,
  DescribeNotificationsForBudgetCommand,
  DescribeSubscribersForNotificationCommand,
  UpdateNotificationCommand,
} from '@aws-sdk/client-budgets';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyChanges,
  BudgetChangesFailedError,
  readNotifications,
} from '../../../lambdas/budgets/budgets-api';
import type { BudgetChange, BudgetNotification } from '../../../lambdas/budgets/notifications';
import { onNotificationsEvent } from '../../../lambdas/budgets/reconcile';

const budgets = mockClient(BudgetsClient);
const client = new BudgetsClient({});
const target = { accountId: '111122223333', budgetName: 'ml-fraud-detection' };
const noWait = { sleep: async () => {}, random: () => 0 };

const sdkNotification = (threshold: number, type = 'ACTUAL') => ({
  NotificationType: type as 'ACTUAL',
  ComparisonOperator: 'GREATER_THAN' as const,
  Threshold: threshold,
  ThresholdType: 'PERCENTAGE' as const,
  NotificationState: 'OK' as const,
});
const notification = (threshold: number): BudgetNotification => ({
  notificationType: 'ACTUAL',
  comparisonOperator: 'GREATER_THAN',
  threshold,
  thresholdType: 'PERCENTAGE',
});
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const named = (name: string) => Object.assign(new Error(name), { name });

afterEach(() => {
  budgets.reset();
});

describe('readNotifications', () => {
  it('follows NextToken through empty pages for notifications and subscribers', async () => {
    // Prepare: an empty first page with a token, then the notification; subscribers on two pages
    budgets
      .on(DescribeNotificationsForBudgetCommand)
      .resolvesOnce({ Notifications: [], NextToken: 't1' })
      .resolvesOnce({ Notifications: [sdkNotification(50)] });
    budgets
      .on(DescribeSubscribersForNotificationCommand)
      .resolvesOnce({
        Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'a@x.com' }],
        NextToken: 's1',
      })
      .resolvesOnce({ Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'b@x.com' }] });
    // Act
    const result = await readNotifications(client, target, noWait);
    // Assess
    expect(result).toEqual([
      {
        notification: notification(50),
        subscribers: [
          { subscriptionType: 'EMAIL', address: 'a@x.com' },
          { subscriptionType: 'EMAIL', address: 'b@x.com' },
        ],
      },
    ]);
    expect(budgets).toHaveReceivedCommandWith(DescribeNotificationsForBudgetCommand, {
      NextToken: 't1',
    });
    expect(budgets).toHaveReceivedCommandWith(DescribeSubscribersForNotificationCommand, {
      NextToken: 's1',
    });
  });

  it('retries a throttled Describe call', async () => {
    // Prepare
    budgets
      .on(DescribeNotificationsForBudgetCommand)
      .rejectsOnce(throttled())
      .resolves({ Notifications: [] });
    // Act
    const result = await readNotifications(client, target, noWait);
    // Assess
    expect(result).toEqual([]);
    expect(budgets).toHaveReceivedCommandTimes(DescribeNotificationsForBudgetCommand, 2);
  });
});

describe('applyChanges', () => {
  const create: BudgetChange = {
    kind: 'createNotification',
    notification: notification(95),
    subscribers: [{ subscriptionType: 'SNS', address: 'arn:aws:sns:eu-west-1:111122223333:t' }],
  };

  it('sends each change with the budget and account, in order', async () => {
    // Prepare
    budgets.on(UpdateNotificationCommand).resolves({});
    budgets.on(CreateNotificationCommand).resolves({});
    // Act
    await applyChanges(
      client,
      target,
      [
        {
          kind: 'updateNotification',
          oldNotification: notification(80),
          newNotification: notification(70),
        },
        create,
      ],
      noWait,
    );
    // Assess
    expect(budgets).toHaveReceivedNthCommandWith(UpdateNotificationCommand, 1, {
      AccountId: '111122223333',
      BudgetName: 'ml-fraud-detection',
      OldNotification: {
        NotificationType: 'ACTUAL',
        ComparisonOperator: 'GREATER_THAN',
        Threshold: 80,
        ThresholdType: 'PERCENTAGE',
      },
      NewNotification: {
        NotificationType: 'ACTUAL',
        ComparisonOperator: 'GREATER_THAN',
        Threshold: 70,
        ThresholdType: 'PERCENTAGE',
      },
    });
    expect(budgets.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'UpdateNotificationCommand',
      'CreateNotificationCommand',
    ]);
    expect(budgets).toHaveReceivedCommandWith(CreateNotificationCommand, {
      Subscribers: [{ SubscriptionType: 'SNS', Address: 'arn:aws:sns:eu-west-1:111122223333:t' }],
    });
  });

  it('retries throttling until the change is made', async () => {
    // Prepare
    budgets
      .on(CreateNotificationCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({});
    // Act
    const applied = await applyChanges(client, target, [create], noWait);
    // Assess
    expect(applied).toHaveLength(1);
    expect(budgets).toHaveReceivedCommandTimes(CreateNotificationCommand, 3);
  });

  it('treats a notification that already exists as created (DuplicateRecordException)', async () => {
    // Prepare
    budgets.on(CreateNotificationCommand).rejects(named('DuplicateRecordException'));
    // Act
    const applied = await applyChanges(client, target, [create], noWait);
    // Assess
    expect(applied).toEqual([expect.stringContaining('(already done)')]);
  });

  it('treats a notification that is already gone as deleted (NotFoundException)', async () => {
    // Prepare
    budgets.on(DeleteNotificationCommand).rejects(named('NotFoundException'));
    // Act
    const applied = await applyChanges(
      client,
      target,
      [{ kind: 'deleteNotification', notification: notification(95) }],
      noWait,
    );
    // Assess
    expect(applied).toEqual([expect.stringContaining('already done')]);
  });

  it('applies the other changes when one fails, then fails naming the failed one', async () => {
    // Prepare
    budgets.on(CreateSubscriberCommand).rejects(named('InvalidParameterException'));
    budgets.on(CreateNotificationCommand).resolves({});
    const changes: BudgetChange[] = [
      {
        kind: 'createSubscriber',
        notification: notification(50),
        subscriber: { subscriptionType: 'EMAIL', address: 'not-an-address' },
      },
      create,
    ];
    // Act
    const run = applyChanges(client, target, changes, noWait);
    // Assess
    await expect(run).rejects.toBeInstanceOf(BudgetChangesFailedError);
    await expect(run).rejects.toThrow(
      /1 notification change\(s\) failed \(1 applied\).*not-an-address.*InvalidParameterException/,
    );
    expect(budgets).toHaveReceivedCommandTimes(CreateNotificationCommand, 1);
  });
});

describe('onNotificationsEvent', () => {
  const properties = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:x',
    AccountId: '111122223333',
    BudgetName: 'ml-fraud-detection',
    Notifications: [
      {
        NotificationType: 'ACTUAL',
        ComparisonOperator: 'GREATER_THAN',
        // CloudFormation passes numbers to custom resources as strings.
        Threshold: '95',
        ThresholdType: 'PERCENTAGE',
        Subscribers: [{ SubscriptionType: 'SNS', Address: 'arn:aws:sns:eu-west-1:111122223333:t' }],
      },
    ],
  };
  const deps = { budgets: client, log: () => {}, retry: noWait };

  it('creates the missing notifications on Create and names the budget as physical id', async () => {
    // Prepare
    budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: [] });
    budgets.on(CreateNotificationCommand).resolves({});
    // Act
    const result = await onNotificationsEvent(
      { RequestType: 'Create', ResourceProperties: properties },
      deps,
    );
    // Assess
    expect(result).toEqual({ PhysicalResourceId: 'ml-fraud-detection', Data: { Changes: 1 } });
    expect(budgets).toHaveReceivedCommandWith(CreateNotificationCommand, {
      Notification: expect.objectContaining({ Threshold: 95 }),
    });
  });

  it('deletes its notifications on Delete and succeeds when the budget is already gone', async () => {
    // Prepare
    budgets.on(DeleteNotificationCommand).rejects(named('NotFoundException'));
    // Act
    const result = await onNotificationsEvent(
      {
        RequestType: 'Delete',
        PhysicalResourceId: 'ml-fraud-detection',
        ResourceProperties: properties,
      },
      deps,
    );
    // Assess
    expect(result.PhysicalResourceId).toBe('ml-fraud-detection');
    expect(budgets).toHaveReceivedCommandWith(DeleteNotificationCommand, {
      BudgetName: 'ml-fraud-detection',
      Notification: expect.objectContaining({ Threshold: 95 }),
    });
  });

  it('fails with the property path when the template sends a bad notification', async () => {
    // Prepare
    const bad = {
      ...properties,
      Notifications: [{ ...properties.Notifications[0], Threshold: 'ninety' }],
    };
    // Act
    const run = onNotificationsEvent({ RequestType: 'Update', ResourceProperties: bad }, deps);
    // Assess
    await expect(run).rejects.toThrow(/Notifications\.0\.Threshold/);
  });
});
