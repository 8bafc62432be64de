import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { GuardrailsMonitoring } from '../../lib/constructs/guardrails-monitoring';

function setup(props: Partial<ConstructorParameters<typeof GuardrailsMonitoring>[2]> = {}) {
  const stack = new Stack(new App(), 'MlGuardrails-AutoStop');
  const topic = new sns.Topic(stack, 'Alarms');
  const monitoring = new GuardrailsMonitoring(stack, 'Monitoring', { alarmTopic: topic, ...props });
  const fn = new lambda.Function(stack, 'AutoStop', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    timeout: Duration.seconds(10),
  });
  const queue = new sqs.Queue(stack, 'AutoStopFailureQueue');
  return { stack, monitoring, fn, queue };
}

describe('GuardrailsMonitoring', () => {
  it('watches a function from another stack: errors and throttles alarms named for the stack', () => {
    // Prepare
    const { stack, monitoring, fn } = setup();
    // Act
    const alarms = monitoring.watch(fn);
    // Assess
    expect(alarms).toHaveLength(2);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ml-guardrails-auto-stop-auto-stop-errors',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('AutoStop') } }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ml-guardrails-auto-stop-auto-stop-throttles',
      MetricName: 'Throttles',
    });
  });

  it('alarms on any message in a watched queue', () => {
    const { stack, monitoring, queue } = setup();
    monitoring.watch(queue, { name: 'stop-failures' });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ml-guardrails-auto-stop-stop-failures-depth',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Threshold: 1,
    });
  });

  it('uses the metric names and services given as props on the dashboard', () => {
    const { stack } = setup({
      resourcesStopped: { metricName: 'jobsStopped', service: 'cost-guard' },
      dashboardName: 'ml-costs',
    });
    const [dashboard] = Object.values(
      Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'),
    );
    expect(dashboard?.Properties.DashboardName).toBe('ml-costs');
    const body = JSON.stringify(stack.resolve(dashboard?.Properties.DashboardBody));
    expect(body).toContain('jobsStopped');
    expect(body).toContain('cost-guard');
    expect(body).not.toContain('resourcesStopped');
  });

  it('rejects a duplicate alarm name and a bad prefix', () => {
    const { monitoring, fn } = setup();
    monitoring.watch(fn);
    expect(() => monitoring.watch(fn)).toThrow(/ml-guardrails-auto-stop-auto-stop-errors exists/);
    expect(() => setup({ alarmNamePrefix: 'bad prefix!' })).toThrow(
      /alarmNamePrefix "bad prefix!"/,
    );
  });
});
