import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type App, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { RequiredTagsChecker } from '../../lib/aspects/required-tags';
import { buildTestApp, examplePolicy, TEST_ENV } from '../helpers/app';
import { nagFindings } from '../helpers/nag';

describe('organisation tags', () => {
  it('are on every taggable resource of every stack', () => {
    // Prepare
    const { app, stacks } = buildTestApp();
    const required = examplePolicy().organisation.requiredTags.map((t) => t.key);
    // Act
    const assembly = app.synth();
    // Assess: read the synthesized templates, where tags really land
    let checked = 0;
    for (const stack of stacks) {
      const template = assembly.getStackArtifact(stack.artifactId).template as {
        Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      };
      for (const [id, r] of Object.entries(template.Resources)) {
        const tags = (r.Properties?.Tags ?? r.Properties?.ResourceTags) as
          | { Key: string }[]
          | undefined;
        if (!tags) continue;
        checked++;
        expect(tags.map((t) => t.Key).sort(), `${stack.stackName}/${id}`).toEqual(
          [...required].sort(),
        );
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('fail the synth, naming the resource, when a taggable resource lacks a required tag', () => {
    // Prepare: a queue that opts out of the app-wide CostCenter tag
    const { app } = buildTestApp();
    const stack = new Stack(app, 'Extra');
    const queue = new sqs.Queue(stack, 'Untagged');
    Tags.of(queue).remove('CostCenter', { priority: 1000 });
    // Act
    app.synth();
    // Assess: an error annotation, which makes `cdk synth` exit non-zero
    Annotations.fromStack(stack).hasError(
      '/Extra/Untagged/Resource',
      'AWS::SQS::Queue Extra/Untagged/Resource is missing required tag CostCenter',
    );
  });

  it('the checker names every missing key', () => {
    const { app } = buildTestApp();
    const stack = new Stack(app, 'Bare');
    const cfn = new sqs.CfnQueue(stack, 'Q');
    new RequiredTagsChecker(['A', 'B']).visit(cfn);
    const messages = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.map((m) => String(m.data)));
    expect(messages).toContain('AWS::SQS::Queue Bare/Q is missing required tags A, B');
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  it.each([
    ['account and region', TEST_ENV],
    // What `cdk synth` does without AWS configuration: the CLI supplies us-east-1, no account.
    ['region only', { region: 'us-east-1' }],
    ['environment-agnostic', {}],
  ])('report no unacknowledged finding on the whole app (%s)', (_name, env) => {
    expect(nagFindings(buildTestApp({ env }).app)).toEqual([]);
  });

  it('do catch a violation (the check is live)', () => {
    const { app } = buildTestApp();
    new sqs.Queue(new Stack(app, 'Insecure'), 'Q', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(nagFindings(app).some((f) => f.startsWith('AwsSolutions-SQS'))).toBe(true);
  });
});

describe('CloudFormation template validation (CDK built-in, opt-in on synth)', () => {
  /** Every finding (warnings included) the validator wrote to the assembly's report. */
  function findings(app: App): string[] {
    const assembly = app.synth();
    const report = JSON.parse(
      readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: {
        pluginName: string;
        violations: { ruleName: string; description: string }[];
      }[];
    };
    return report.pluginReports.flatMap((r) =>
      r.violations.map((v) => `${r.pluginName} ${v.ruleName}: ${v.description}`),
    );
  }

  it('finds nothing in the templates of the example policy', () => {
    expect(findings(buildTestApp({ cfnValidation: true }).app)).toEqual([]);
  });

  it('does report a template error (the check is live)', () => {
    const { app } = buildTestApp({ cfnValidation: true });
    // 43,200 s (12 h) is SQS's maximum visibility timeout.
    new sqs.CfnQueue(new Stack(app, 'Broken'), 'Q', { visibilityTimeout: 99_999 });
    expect(findings(app).join('\n')).toMatch(/CloudFormation Validate .*VisibilityTimeout/);
  });
});

describe('watching the watchers across stacks', () => {
  it('alarms on the tag audit function and its failure queue notify the alarms topic by name', () => {
    // Prepare
    const { tagCompliance, paging } = buildTestApp();
    const template = Template.fromStack(tagCompliance);
    const alarmsTopic = {
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':sns:eu-west-1:111122223333:ml-guardrails-alarms'],
      ],
    };
    // Assess
    for (const name of [
      'tag-compliance-errors',
      'tag-compliance-throttles',
      'tag-compliance-failures-depth',
    ])
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `ml-guardrails-tag-compliance-${name}`,
        AlarmActions: [alarmsTopic],
        OKActions: [alarmsTopic],
      });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(tagCompliance.dependencies).toContain(paging);
  });

  it('one dashboard, in the paging stack, also charts every guardrails function and queue by name', () => {
    const template = Template.fromStack(buildTestApp().paging);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties
        .DashboardBody,
    );
    // Name-based SEARCH lines reach the other stacks' functions and queues without exports.
    expect(body).toContain('All ml-guardrails functions: errors (every stack)');
    expect(body).toContain('{AWS/Lambda,FunctionName} MetricName=');
    expect(body).toContain('All ml-guardrails queues: messages waiting (every stack)');
    expect(body).toContain('{AWS/SQS,QueueName} MetricName=');
    expect(body).toContain('MlGuardrails-');
  });
});
