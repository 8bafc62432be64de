import { describe, expect, it } from 'vitest';
import {
  type BudgetNotification,
  describeChange,
  type NotificationWithSubscribers,
  planNotificationChanges,
  type Subscriber,
} from '../../../lambdas/budgets/notifications';

const pct = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number): BudgetNotification => ({
  notificationType,
  comparisonOperator: 'GREATER_THAN',
  threshold,
  thresholdType: 'PERCENTAGE',
});
const email = (address: string): Subscriber => ({ subscriptionType: 'EMAIL', address });
const sns = (address: string): Subscriber => ({ subscriptionType: 'SNS', address });
const n = (
  type: 'ACTUAL' | 'FORECASTED',
  threshold: number,
  ...subscribers: Subscriber[]
): NotificationWithSubscribers => ({ notification: pct(type, threshold), subscribers });

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:ml-guardrails-auto-stop';
const current = [
  n('ACTUAL', 50, email('fin@x.com'), email('owner@x.com')),
  n('ACTUAL', 80, email('fin@x.com'), email('owner@x.com')),
  n('FORECASTED', 100, email('fin@x.com'), email('owner@x.com')),
  n('ACTUAL', 95, sns(TOPIC)),
];
const emails = [email('fin@x.com'), email('owner@x.com')];

describe('planNotificationChanges', () => {
  it.each<[string, NotificationWithSubscribers[], NotificationWithSubscribers[], string[]]>([
    ['changes nothing when the budget already matches', current, current, []],
    [
      'adds a subscriber to every email notification when an address is added',
      current,
      current.map((x) =>
        x.subscribers[0]?.subscriptionType === 'EMAIL'
          ? { ...x, subscribers: [...x.subscribers, email('cfo@x.com')] }
          : x,
      ),
      [
        'add subscriber EMAIL cfo@x.com to ACTUAL > 50 %',
        'add subscriber EMAIL cfo@x.com to ACTUAL > 80 %',
        'add subscriber EMAIL cfo@x.com to FORECASTED > 100 %',
      ],
    ],
    [
      'updates a notification in place when its threshold changes',
      current,
      [n('ACTUAL', 50, ...emails), n('ACTUAL', 70, ...emails), current[2], current[3]].filter(
        (x): x is NotificationWithSubscribers => x !== undefined,
      ),
      ['update notification ACTUAL > 80 % -> ACTUAL > 70 %'],
    ],
    [
      'moves the auto-stop threshold in place, keeping the topic subscriber',
      [n('ACTUAL', 95, sns(TOPIC))],
      [n('ACTUAL', 90, sns(TOPIC))],
      ['update notification ACTUAL > 95 % -> ACTUAL > 90 %'],
    ],
    [
      'deletes the auto-stop notification when auto-stop is switched off',
      current,
      current.slice(0, 3),
      ['delete notification ACTUAL > 95 %'],
    ],
    [
      'creates the auto-stop notification when auto-stop is switched on',
      current.slice(0, 3),
      current,
      [`create notification ACTUAL > 95 % for SNS ${TOPIC}`],
    ],
    [
      'replaces an address one for one so the notification never loses its last subscriber',
      [n('ACTUAL', 50, email('old@x.com'))],
      [n('ACTUAL', 50, email('new@x.com'))],
      ['replace subscriber EMAIL old@x.com -> EMAIL new@x.com on ACTUAL > 50 %'],
    ],
    [
      'adds the new subscriber before removing the last old one of another type, so the notification survives',
      [n('ACTUAL', 95, email('someone@x.com'))],
      [n('ACTUAL', 95, sns(TOPIC))],
      [
        `add subscriber SNS ${TOPIC} to ACTUAL > 95 %`,
        'remove subscriber EMAIL someone@x.com from ACTUAL > 95 %',
      ],
    ],
    [
      'removes a subscriber that left the policy',
      [n('ACTUAL', 50, email('a@x.com'), email('b@x.com'))],
      [n('ACTUAL', 50, email('a@x.com'))],
      ['remove subscriber EMAIL b@x.com from ACTUAL > 50 %'],
    ],
    [
      'treats email addresses that differ only in case as the same subscriber',
      [n('ACTUAL', 50, email('Fin@X.com'))],
      [n('ACTUAL', 50, email('fin@x.com'))],
      [],
    ],
    [
      'never pairs an email notification with the topic notification',
      [n('ACTUAL', 95, sns(TOPIC))],
      [n('ACTUAL', 90, ...emails)],
      [
        'delete notification ACTUAL > 95 %',
        'create notification ACTUAL > 90 % for EMAIL fin@x.com, EMAIL owner@x.com',
      ],
    ],
    [
      'deletes before it creates, so the budget stays within its notification limit',
      [n('FORECASTED', 100, ...emails)],
      [n('ACTUAL', 60, ...emails)],
      [
        'delete notification FORECASTED > 100 %',
        'create notification ACTUAL > 60 % for EMAIL fin@x.com, EMAIL owner@x.com',
      ],
    ],
    [
      'creates every notification on a budget that has none',
      [],
      [n('ACTUAL', 50, ...emails)],
      ['create notification ACTUAL > 50 % for EMAIL fin@x.com, EMAIL owner@x.com'],
    ],
  ])('%s', (_name, actual, desired, expected) => {
    // Prepare: actual and desired notifications above
    // Act
    const plan = planNotificationChanges(actual, desired);
    // Assess
    expect(plan.map(describeChange)).toEqual(expected);
  });

  it('updates a changed threshold and its changed subscribers in one plan', () => {
    // Prepare
    const actual = [n('ACTUAL', 80, email('a@x.com'))];
    const desired = [n('ACTUAL', 75, email('a@x.com'), email('b@x.com'))];
    // Act
    const plan = planNotificationChanges(actual, desired);
    // Assess: the subscriber is added to the notification under its new threshold
    expect(plan.map(describeChange)).toEqual([
      'update notification ACTUAL > 80 % -> ACTUAL > 75 %',
      'add subscriber EMAIL b@x.com to ACTUAL > 75 %',
    ]);
  });
});
