import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { describeDeployment, withDeploymentEnv } from '../../lib/cli/deployment';
import { deploymentNames, STACK_OUTPUTS } from '../../lib/config/naming';
import { buildTestApp } from '../helpers/app';

const cfn = mockClient(CloudFormationClient);
const client = new CloudFormationClient({});
const names = deploymentNames('staging');
const noWait = { sleep: async () => {} };
const notFound = (name: string) =>
  Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });

afterEach(() => {
  cfn.reset();
});

describe('withDeploymentEnv', () => {
  it('fills AUDIT_TABLE_NAME and REPORT_TOPIC_ARN from the stacks of the policy prefix', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).rejects(notFound('other'));
    cfn.on(DescribeStacksCommand, { StackName: 'Staging-AutoStop' }).resolves({
      Stacks: [
        {
          StackName: 'Staging-AutoStop',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: 'AuditTableName', OutputValue: 'audit-1' },
            { OutputKey: 'ReportTopicArn', OutputValue: 'arn:aws:sns:eu-west-1:1:r' },
          ],
        },
      ],
    });
    // Act
    const { env, note } = await withDeploymentEnv({}, names, () => client, noWait);
    // Assess
    expect(env.AUDIT_TABLE_NAME).toBe('audit-1');
    expect(env.REPORT_TOPIC_ARN).toBe('arn:aws:sns:eu-west-1:1:r');
    expect(note).toMatch(/stacks not found: Staging-Paging, Staging-TagCompliance/);
  });

  it('lets a variable that is set win over the output', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'x',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'AuditTableName', OutputValue: 'from-stack' }],
        },
      ],
    });
    // Act
    const { env } = await withDeploymentEnv({ AUDIT_TABLE_NAME: 'mine' }, names, () => client);
    // Assess
    expect(env.AUDIT_TABLE_NAME).toBe('mine');
  });

  it('makes no call when the variables the command needs are set', async () => {
    // Act
    const { env } = await withDeploymentEnv({ AUDIT_TABLE_NAME: 'mine' }, names, () => client, {
      needed: ['AUDIT_TABLE_NAME'],
    });
    // Assess
    expect(env.AUDIT_TABLE_NAME).toBe('mine');
    expect(cfn).not.toHaveReceivedAnyCommand();
  });

  it('makes no call when every variable is set or discovery is off', async () => {
    // Prepare
    const all = Object.fromEntries(Object.values(STACK_OUTPUTS).map((o) => [o.env, 'x']));
    // Act
    await withDeploymentEnv(all, names, () => client);
    await withDeploymentEnv({ GUARDRAILS_STACK_DISCOVERY: 'off' }, names, () => client);
    // Assess
    expect(cfn).not.toHaveReceivedAnyCommand();
  });

  it('reports a discovery failure instead of throwing, so the command names the variable it needs', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    // Act
    const { env, note } = await withDeploymentEnv({}, names, () => client, noWait);
    // Assess
    expect(env.AUDIT_TABLE_NAME).toBeUndefined();
    expect(note).toMatch(/stack discovery failed \(AccessDenied: denied\)/);
  });

  it('retries a throttled DescribeStacks', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .resolves({ Stacks: [] });
    // Act
    const found = await describeDeployment(client, ['Staging-AutoStop'], noWait);
    // Assess
    expect(found.missing).toEqual([]);
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 2);
  });
});

describe('stack outputs', () => {
  const built = buildTestApp();
  const outputs = (stack: (typeof built.stacks)[number]) =>
    Object.keys(Template.fromStack(stack).toJSON().Outputs ?? {});

  it.each([
    [
      'AutoStop',
      () => built.autoStop,
      [
        'AuditTableName',
        'AutoStopTopicArn',
        'ReportTopicArn',
        'RestoreFunctionName',
        'WorkQueueUrl',
      ],
    ],
    ['Paging', () => built.paging, ['AlarmsTopicArn', 'DashboardUrl', 'HoldQueueUrl']],
    ['TagCompliance', () => built.tagCompliance, ['OwnerTopicArn', 'TagAuditConfigRuleName']],
  ])('the %s stack outputs what an operator needs', (_name, stack, expected) => {
    // Act / Assess
    expect(outputs(stack())).toEqual(expect.arrayContaining(expected));
  });

  it('every budget stack with budgets outputs their names', () => {
    // Act
    const withBudgets = built.budgets.filter((s) => s.budgets.length > 0);
    // Assess
    expect(withBudgets.length).toBeGreaterThan(0);
    for (const stack of withBudgets) expect(outputs(stack)).toContain('BudgetNames');
  });

  it('points the audit table output at the table the restore function uses', () => {
    // Act
    const template = Template.fromStack(built.autoStop).toJSON();
    // Assess
    expect(template.Outputs.AuditTableName.Value).toEqual({
      Ref: expect.stringMatching(/^AuditTable/),
    });
  });
});
