/**
 * SNS adapter: one message per owner team on the encrypted owner topic. Each carries a `team`
 * message attribute; every team's email subscription has a filter policy on it, so a team
 * receives only its own message.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type RetryOptions, retry as retryThrottled } from '../shared/retry';
import type { OwnerReport } from './evaluate';

/** Message attribute the subscriptions filter on. */
export const TEAM_ATTRIBUTE = 'team';

/** Publish every report; returns the number of messages sent. */
export async function publishOwnerReports(
  client: SNSClient,
  topicArn: string,
  reports: readonly OwnerReport[],
  retry: RetryOptions = {},
): Promise<number> {
  for (const r of reports) {
    await retryThrottled(
      () =>
        client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: r.subject,
            Message: r.message,
            MessageAttributes: { [TEAM_ATTRIBUTE]: { DataType: 'String', StringValue: r.team } },
          }),
        ),
      retry,
    );
  }
  return reports.length;
}
