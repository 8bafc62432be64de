/**
 * Stack outputs: what an operator needs to find a deployment's resources, read by
 * `guardrails` commands through CloudFormation DescribeStacks (lib/cli/deployment.ts).
 */
import { Aws, CfnOutput, Fn, type Stack } from 'aws-cdk-lib';
import { STACK_OUTPUTS } from '../config/naming';
import type { AutoStopStack } from './auto-stop-stack';
import type { BudgetsStack } from './budgets-stack';
import type { PagingStack } from './paging-stack';
import type { TagComplianceStack } from './tag-compliance-stack';

type OutputName = keyof typeof STACK_OUTPUTS;

function output(stack: Stack, name: OutputName, value: string, description: string): void {
  new CfnOutput(stack, STACK_OUTPUTS[name].key, { value, description });
}

export function addOperatorOutputs(stacks: {
  readonly autoStop: AutoStopStack;
  readonly budgets: readonly BudgetsStack[];
  readonly tagCompliance: TagComplianceStack;
  readonly paging: PagingStack;
}): void {
  const { autoStop, paging, tagCompliance } = stacks;
  output(
    autoStop,
    'auditTable',
    autoStop.auditTable.tableName,
    'Audit of every stop and restore (AUDIT_TABLE_NAME)',
  );
  output(
    autoStop,
    'idempotencyTable',
    autoStop.idempotencyTable.tableName,
    'Idempotency records of budget notifications',
  );
  output(
    autoStop,
    'autoStopTopic',
    autoStop.notificationTopic.topic.topicArn,
    'Topic Budgets notifies at the auto-stop threshold',
  );
  output(
    autoStop,
    'reportTopic',
    autoStop.reportTopic.topic.topicArn,
    'Auto-stop reports to finance and owners (REPORT_TOPIC_ARN)',
  );
  output(
    autoStop,
    'workQueue',
    autoStop.workQueue.queueUrl,
    'Stop requests for the worker (WORK_QUEUE_URL)',
  );
  output(
    autoStop,
    'restoreFunction',
    autoStop.restoreFunction.fn.functionName,
    'Restores parked endpoints (invoke with a project id)',
  );

  output(
    paging,
    'alarmsTopic',
    paging.alarmsTopic.topic.topicArn,
    'CloudWatch alarms to PagerDuty',
  );
  output(paging, 'holdQueue', paging.holdQueue.queueUrl, 'Pages held until the team is on call');
  const dashboard = paging.monitoring.dashboard;
  if (dashboard)
    output(
      paging,
      'dashboardUrl',
      `https://${Aws.REGION}.console.${Aws.URL_SUFFIX}/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`,
      'The guardrails dashboard',
    );

  output(
    tagCompliance,
    'tagAuditRule',
    tagCompliance.tagAudit.rule.ref,
    'AWS Config rule auditing SageMaker tags',
  );
  output(
    tagCompliance,
    'ownerTopic',
    tagCompliance.tagAudit.ownerTopic.topic.topicArn,
    'Tag-compliance emails to owner teams',
  );

  for (const stack of stacks.budgets)
    if (stack.budgets.length > 0)
      output(
        stack,
        'budgetNames',
        Fn.join(
          ',',
          stack.budgets.map((b) => b.budget.ref),
        ),
        'Budgets in this stack',
      );
}
