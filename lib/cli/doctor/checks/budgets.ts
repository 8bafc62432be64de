import { readNotifications } from '../../../../lambdas/budgets/budgets-api';
import {
  describeChange,
  desiredNotifications,
  planNotificationChanges,
} from '../../../../lambdas/budgets/notifications';
import { awsErrorName } from '../../../../lambdas/shared/errors';
import type { DoctorCheck, Finding } from '../types';

/** Every budget of the policy exists and notifies what the policy says (drift). */
export const budgetsCheck: DoctorCheck = {
  name: 'budgets',
  description: 'every budget of the policy exists with the expected notifications',
  async run(ctx) {
    const region = ctx.policy.organisation.budgetRegion ?? ctx.region;
    const topicArn = `arn:${ctx.partition}:sns:${region}:${ctx.accountId}:${ctx.names.autoStopTopic}`;
    const findings: Finding[] = [];
    for (const project of ctx.policy.projects) {
      const target = { accountId: ctx.accountId, budgetName: project.budgetName };
      let actual: Awaited<ReturnType<typeof readNotifications>>;
      try {
        actual = await readNotifications(ctx.clients.budgets, target, ctx.retry);
      } catch (err) {
        if (awsErrorName(err) !== 'NotFoundException') throw err;
        findings.push({
          check: this.name,
          severity: 'blocking',
          problem: `budget ${project.budgetName} (project ${project.id}) does not exist`,
          fix: 'deploy the budget stacks: npx cdk deploy --all',
        });
        continue;
      }
      const autoStop = project.autoStop.mode !== 'off';
      const desired = desiredNotifications({
        actualPct: project.alerts.actualPct,
        forecastedPct: project.alerts.forecastedPct,
        emails: [...new Set([...project.financeEmails, ...project.ownerEmails])],
        ...(autoStop
          ? { autoStopPct: project.autoStop.thresholdPct, autoStopTopicArn: topicArn }
          : {}),
      });
      const changes = planNotificationChanges(actual, desired);
      if (changes.length > 0)
        findings.push({
          check: this.name,
          severity: autoStop ? 'blocking' : 'warning',
          problem: `budget ${project.budgetName} differs from the policy: ${changes.map(describeChange).join('; ')}`,
          fix: 'undo the manual change in the AWS Budgets console, or redeploy after editing the project (the notifications resource re-applies the policy)',
        });
    }
    return findings;
  },
};
