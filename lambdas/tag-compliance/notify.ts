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

/**
 * Largest SNS message: 262,144 bytes (256 KiB), message attributes and subject included ("Amazon
 * SNS message size": Publish API Reference, Message). A margin keeps room for both.
 */
export const MAX_SNS_MESSAGE_BYTES = 256 * 1024;
const ENVELOPE_MARGIN_BYTES = 2048;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The report cut to fit `maxBytes`: whole resources (a `  - ` line and its ARN line) are left
 * out from the end, and a line says how many, so the owners know the list is partial.
 */
export function fitMessage(
  message: string,
  maxBytes: number,
): { message: string; omitted: number } {
  if (bytes(message) <= maxBytes) return { message, omitted: 0 };
  const lines = message.split('\n');
  const footerAt = lines.lastIndexOf('');
  const footer = footerAt >= 0 ? lines.slice(footerAt) : [];
  const body = footerAt >= 0 ? lines.slice(0, footerAt) : [...lines];
  const note = (n: number) =>
    `  ... and ${n} more resource${n === 1 ? '' : 's'} left out to stay under the SNS message size limit; the AWS Config console lists them all.`;
  // Running sizes (each line plus its newline), so cutting stays linear in the message length.
  const footerBytes = footer.reduce((sum, l) => sum + bytes(l) + 1, 0);
  let bodyBytes = body.reduce((sum, l) => sum + bytes(l) + 1, 0);
  let omitted = 0;
  while (body.length > 1) {
    const last = body.pop() ?? '';
    bodyBytes -= bytes(last) + 1;
    if (!last.startsWith('  - ')) continue;
    omitted++;
    if (bodyBytes + bytes(note(omitted)) + 1 + footerBytes <= maxBytes)
      return { message: [...body, note(omitted), ...footer].join('\n'), omitted };
  }
  // Not even the heading fits: send the count alone.
  return { message: note(omitted).trim(), omitted };
}

/** Publish every report, each cut to SNS's size limit; returns the number of messages sent. */
export async function publishOwnerReports(
  client: SNSClient,
  topicArn: string,
  reports: readonly OwnerReport[],
  retry: RetryOptions = {},
): Promise<number> {
  for (const r of reports) {
    const budget =
      MAX_SNS_MESSAGE_BYTES -
      ENVELOPE_MARGIN_BYTES -
      bytes(r.subject) -
      bytes(TEAM_ATTRIBUTE + r.team);
    const { message } = fitMessage(r.message, budget);
    await retryThrottled(
      () =>
        client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: r.subject,
            Message: message,
            MessageAttributes: { [TEAM_ATTRIBUTE]: { DataType: 'String', StringValue: r.team } },
          }),
        ),
      retry,
    );
  }
  return reports.length;
}
