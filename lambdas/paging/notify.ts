/**
 * SNS adapter for the Consulted and Informed roles: one topic per team (email subscriptions by
 * default), told once per triggered page with the summary, the runbook and who was paged.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from './hold';
import type { RouteDecision } from './route';

/** IAM action the notifier needs on the team topics. */
export const NOTIFY_ACTIONS = ['sns:Publish'] as const;

/** SNS email subjects are at most 100 printable ASCII characters (SNS API reference, Publish). */
const MAX_SUBJECT = 100;

/** The notification for a triggered page, or undefined when nobody is to be told. */
export function notificationFor(decision: RouteDecision): Notification | undefined {
  const teams = [...new Set(decision.notify.flatMap((n) => (n.team ? [n.team] : [])))];
  if (decision.action !== 'trigger' || teams.length === 0) return undefined;
  const roles = decision.notify.map(
    (n) => `${n.role} (${n.letter === 'C' ? 'Consulted' : 'Informed'})`,
  );
  const subject =
    `[ml-guardrails] ${decision.team} paged: ${decision.incidentType}${decision.model ? ` on ${decision.model}` : ''}`
      .replace(/[^\x20-\x7e]/g, '?')
      .slice(0, MAX_SUBJECT);
  const message = [
    decision.summary,
    '',
    `Paged: ${decision.team} (PagerDuty service ${decision.service}, severity ${decision.severity})`,
    `You are told as: ${roles.join(', ')}`,
    `Runbook: ${decision.runbook ?? 'none in the policy'}`,
    `Alarm: ${decision.consoleUrl}`,
    `Why: ${decision.reason}`,
  ].join('\n');
  return { teams, subject, message };
}

/** Publishes a notification to each team's topic; returns the teams whose publish failed. */
export async function publishNotification(
  sns: SNSClient,
  topicArns: Readonly<Record<string, string>>,
  notification: Notification,
): Promise<string[]> {
  const failed: string[] = [];
  for (const team of notification.teams) {
    const topic = topicArns[team];
    if (!topic) {
      failed.push(team);
      continue;
    }
    try {
      await sns.send(
        new PublishCommand({
          TopicArn: topic,
          Subject: notification.subject,
          Message: notification.message,
        }),
      );
    } catch {
      failed.push(team);
    }
  }
  return failed;
}
