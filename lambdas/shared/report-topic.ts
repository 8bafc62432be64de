/**
 * The one way to publish a report to the report topic (auto-stop reports and digests, restore
 * reports). The topic's email subscriptions each filter on their own address, so a message
 * without the `recipients` attribute would reach nobody.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { reportAddresses } from '../../lib/config/naming';
import type { Project } from '../../lib/config/schema';

/**
 * Publishes the report with a `recipients` String.Array attribute (the project's finance and
 * owner addresses). Each address's email subscription filters on its own address, and SNS
 * matches an array attribute when any element matches (SNS "example filter policies",
 * `customer_interests`), so the report reaches exactly these addresses, once each.
 */
export async function publishReport(
  client: SNSClient,
  topicArn: string,
  project: Pick<Project, 'id' | 'financeEmails' | 'ownerEmails'>,
  message: { subject: string; body: string },
): Promise<string | undefined> {
  const reply = await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      // SNS email subjects are at most 100 characters (SNS Publish API reference).
      Subject: message.subject.slice(0, 100),
      Message: message.body,
      MessageAttributes: {
        project: { DataType: 'String', StringValue: project.id },
        recipients: {
          DataType: 'String.Array',
          StringValue: JSON.stringify(reportAddresses(project)),
        },
      },
    }),
  );
  return reply.MessageId;
}
