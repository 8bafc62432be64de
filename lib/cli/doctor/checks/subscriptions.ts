import { ListSubscriptionsByTopicCommand, type Subscription } from '@aws-sdk/client-sns';
import { awsErrorName } from '../../../../lambdas/shared/errors';
import { retry } from '../../../../lambdas/shared/retry';
import type { DoctorCheck } from '../types';

/**
 * Email subscriptions deliver nothing until the address confirms; SNS lists them with
 * SubscriptionArn "PendingConfirmation" (SNS API Reference, ListSubscriptionsByTopic).
 */
export const subscriptionsCheck: DoctorCheck = {
  name: 'report-subscriptions',
  description: 'auto-stop report email subscriptions are confirmed',
  async run(ctx) {
    const topicArn = `arn:${ctx.partition}:sns:${ctx.region}:${ctx.accountId}:${ctx.names.reportTopic}`;
    const subscriptions: Subscription[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await retry(
          () =>
            ctx.clients.sns.send(
              new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
            ),
          ctx.retry,
        );
        subscriptions.push(...(page.Subscriptions ?? []));
        token = page.NextToken || undefined;
      } while (token);
    } catch (err) {
      // A missing topic is the stacks check's finding.
      if (awsErrorName(err) === 'NotFoundException') return [];
      throw err;
    }
    return subscriptions
      .filter((s) => s.SubscriptionArn === 'PendingConfirmation')
      .map((s) => ({
        check: this.name,
        severity: 'warning' as const,
        problem: `${s.Endpoint ?? 'an address'} has not confirmed its auto-stop report subscription: it receives no report`,
        fix: `ask ${s.Endpoint ?? 'the owner'} to click "Confirm subscription" in the "AWS Notification - Subscription Confirmation" email`,
      }));
  },
};
