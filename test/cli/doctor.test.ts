import {
  BudgetsClient,
  DescribeNotificationsForBudgetCommand,
  DescribeSubscribersForNotificationCommand,
} from '@aws-sdk/client-budgets';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service';
import { CostExplorerClient, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/cli/doctor';
import { budgetsCheck } from '../../lib/cli/doctor/checks/budgets';
import { configRecorderCheck } from '../../lib/cli/doctor/checks/config-recorder';
import { costAllocationTagCheck } from '../../lib/cli/doctor/checks/cost-allocation-tag';
import { secretsCheck } from '../../lib/cli/doctor/checks/secrets';
import { stacksCheck } from '../../lib/cli/doctor/checks/stacks';
import { subscriptionsCheck } from '../../lib/cli/doctor/checks/subscriptions';
import { topicPolicyCheck } from '../../lib/cli/doctor/checks/topic-policy';
import type { DoctorContext } from '../../lib/cli/doctor/types';
import { policyNames } from '../../lib/config/naming';
import { examplePolicy } from '../helpers/app';
import { runCli } from '../helpers/cli';

const mocks = {
  cloudformation: mockClient(CloudFormationClient),
  costExplorer: mockClient(CostExplorerClient),
  config: mockClient(ConfigServiceClient),
  budgets: mockClient(BudgetsClient),
  sns: mockClient(SNSClient),
  secrets: mockClient(SecretsManagerClient),
  kms: mockClient(KMSClient),
};
const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:ml-guardrails-auto-stop`;
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abc`;
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

function ctx(): DoctorContext {
  const policy = examplePolicy();
  return {
    clients: {
      cloudformation: new CloudFormationClient({}),
      costExplorer: new CostExplorerClient({}),
      config: new ConfigServiceClient({}),
      budgets: new BudgetsClient({}),
      sns: new SNSClient({}),
      secrets: new SecretsManagerClient({}),
      kms: new KMSClient({}),
    },
    policy,
    names: policyNames(policy),
    accountId: ACCOUNT,
    region: 'eu-west-1',
    partition: 'aws',
    retry: { sleep: async () => {} },
  };
}

/** A healthy account: every check passes. */
function healthy() {
  mocks.cloudformation
    .on(DescribeStacksCommand)
    .callsFake(async (input: { StackName: string }) => ({
      Stacks: [
        { StackName: input.StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() },
      ],
    }));
  mocks.costExplorer.on(ListCostAllocationTagsCommand).resolves({
    CostAllocationTags: [{ TagKey: 'Project', Type: 'UserDefined', Status: 'Active' }],
  });
  mocks.config
    .on(DescribeConfigurationRecordersCommand)
    .resolves({ ConfigurationRecorders: [{ name: 'default' }] });
  mocks.config
    .on(DescribeConfigurationRecorderStatusCommand)
    .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: true }] });
  // Budgets answer with exactly what the policy asks for.
  const byBudget = new Map(
    examplePolicy().projects.map((p) => {
      const emails = [...new Set([...p.financeEmails, ...p.ownerEmails])];
      const n = (type: 'ACTUAL' | 'FORECASTED', t: number) => ({
        NotificationType: type,
        ComparisonOperator: 'GREATER_THAN' as const,
        Threshold: t,
        ThresholdType: 'PERCENTAGE' as const,
      });
      const list = [
        ...p.alerts.actualPct.map((t) => ({
          n: n('ACTUAL', t),
          s: emails.map((a) => ({ SubscriptionType: 'EMAIL' as const, Address: a })),
        })),
        ...p.alerts.forecastedPct.map((t) => ({
          n: n('FORECASTED', t),
          s: emails.map((a) => ({ SubscriptionType: 'EMAIL' as const, Address: a })),
        })),
        ...(p.autoStop.mode === 'off'
          ? []
          : [
              {
                n: n('ACTUAL', p.autoStop.thresholdPct),
                s: [{ SubscriptionType: 'SNS' as const, Address: TOPIC }],
              },
            ]),
      ];
      return [p.budgetName, list];
    }),
  );
  mocks.budgets
    .on(DescribeNotificationsForBudgetCommand)
    .callsFake(async (input: { BudgetName: string }) => ({
      Notifications: (byBudget.get(input.BudgetName) ?? []).map((x) => x.n),
    }));
  mocks.budgets
    .on(DescribeSubscribersForNotificationCommand)
    .callsFake(
      async (input: {
        BudgetName: string;
        Notification: { NotificationType: string; Threshold: number };
      }) => ({
        Subscribers:
          byBudget
            .get(input.BudgetName)
            ?.find(
              (x) =>
                x.n.NotificationType === input.Notification.NotificationType &&
                x.n.Threshold === input.Notification.Threshold,
            )?.s ?? [],
      }),
    );
  mocks.sns.on(GetTopicAttributesCommand).resolves({
    Attributes: {
      KmsMasterKeyId: KEY,
      Policy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': ACCOUNT },
              ArnLike: { 'aws:SourceArn': `arn:aws:budgets::${ACCOUNT}:*` },
            },
          },
        ],
      }),
    },
  });
  mocks.kms.on(GetKeyPolicyCommand).resolves({
    Policy: JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'budgets.amazonaws.com' },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: '*',
        },
      ],
    }),
  });
  mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [
      { SubscriptionArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:r:1`, Endpoint: 'finops@example.com' },
    ],
  });
  mocks.secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: 'R0UT1NGKEY0123456789ABCDEFabcdef' });
}

beforeEach(healthy);
afterEach(() => {
  for (const m of Object.values(mocks)) m.reset();
});

describe('doctor checks, each in both directions', () => {
  it.each([
    stacksCheck,
    costAllocationTagCheck,
    configRecorderCheck,
    budgetsCheck,
    topicPolicyCheck,
    subscriptionsCheck,
    secretsCheck,
  ])('$name finds nothing in a healthy account', async (check) => {
    // Act / Assess
    expect(await check.run(ctx())).toEqual([]);
  });

  it.each<[string, () => void, typeof stacksCheck, RegExp, 'blocking' | 'warning']>([
    [
      'a stack that is not deployed',
      () =>
        mocks.cloudformation
          .on(DescribeStacksCommand, { StackName: 'MlGuardrails-Paging' })
          .rejects(named('ValidationError', 'Stack with id MlGuardrails-Paging does not exist')),
      stacksCheck,
      /MlGuardrails-Paging is not deployed.*cdk deploy MlGuardrails-Paging/,
      'blocking',
    ],
    [
      'a stack whose first create failed',
      () =>
        mocks.cloudformation
          .on(DescribeStacksCommand, { StackName: 'MlGuardrails-AutoStop' })
          .resolves({
            Stacks: [
              {
                StackName: 'MlGuardrails-AutoStop',
                StackStatus: 'ROLLBACK_COMPLETE',
                CreationTime: new Date(),
              },
            ],
          }),
      stacksCheck,
      /ROLLBACK_COMPLETE.*delete the stack/,
      'blocking',
    ],
    [
      'an inactive cost-allocation tag',
      () =>
        mocks.costExplorer.on(ListCostAllocationTagsCommand).resolves({
          CostAllocationTags: [{ TagKey: 'Project', Type: 'UserDefined', Status: 'Inactive' }],
        }),
      costAllocationTagCheck,
      /"Project" is Inactive.*\$0.*Status=Active/,
      'blocking',
    ],
    [
      'a tag Cost Explorer never saw',
      () =>
        mocks.costExplorer.on(ListCostAllocationTagsCommand).resolves({ CostAllocationTags: [] }),
      costAllocationTagCheck,
      /not a cost-allocation tag yet/,
      'blocking',
    ],
    [
      'no Config recorder',
      () =>
        mocks.config
          .on(DescribeConfigurationRecordersCommand)
          .resolves({ ConfigurationRecorders: [] }),
      configRecorderCheck,
      /no configuration recorder.*createConfigRecorder: true/,
      'blocking',
    ],
    [
      'a recorder that does not record',
      () =>
        mocks.config
          .on(DescribeConfigurationRecorderStatusCommand)
          .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: false }] }),
      configRecorderCheck,
      /not recording.*start-configuration-recorder/,
      'blocking',
    ],
    [
      'a missing budget',
      () =>
        mocks.budgets
          .on(DescribeNotificationsForBudgetCommand, { BudgetName: 'ml-churn-prediction' })
          .rejects(named('NotFoundException')),
      budgetsCheck,
      /ml-churn-prediction \(project churn-prediction\) does not exist/,
      'blocking',
    ],
    [
      'a budget whose auto-stop notification was removed by hand',
      () =>
        mocks.budgets
          .on(DescribeSubscribersForNotificationCommand, {
            BudgetName: 'ml-fraud-detection',
            Notification: {
              NotificationType: 'ACTUAL',
              ComparisonOperator: 'GREATER_THAN',
              Threshold: 95,
              ThresholdType: 'PERCENTAGE',
            },
          })
          .resolves({
            Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'someone@example.com' }],
          }),
      budgetsCheck,
      /ml-fraud-detection differs from the policy: add subscriber SNS arn:aws:sns:eu-west-1:111122223333:ml-guardrails-auto-stop/,
      'blocking',
    ],
    [
      'a topic policy without the Budgets grant',
      () =>
        mocks.sns
          .on(GetTopicAttributesCommand)
          .resolves({ Attributes: { Policy: JSON.stringify({ Statement: [] }) } }),
      topicPolicyCheck,
      /does not allow budgets.amazonaws.com to publish/,
      'blocking',
    ],
    [
      'a key policy whose Budgets grant carries a condition',
      () =>
        mocks.kms.on(GetKeyPolicyCommand).resolves({
          Policy: JSON.stringify({
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'budgets.amazonaws.com' },
                Action: 'kms:*',
                Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
              },
            ],
          }),
        }),
      topicPolicyCheck,
      /does not let budgets.amazonaws.com use kms:GenerateDataKey\* and kms:Decrypt without conditions/,
      'blocking',
    ],
    [
      'a topic on the AWS-managed SNS key',
      () =>
        mocks.sns.on(GetTopicAttributesCommand).resolves({
          Attributes: {
            KmsMasterKeyId: 'alias/aws/sns',
            Policy: JSON.stringify({
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'budgets.amazonaws.com' },
                  Action: 'SNS:Publish',
                },
              ],
            }),
          },
        }),
      topicPolicyCheck,
      /alias\/aws\/sns/,
      'blocking',
    ],
    [
      'an unconfirmed report subscription',
      () =>
        mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({
          Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Endpoint: 'cfo@example.com' }],
        }),
      subscriptionsCheck,
      /cfo@example.com has not confirmed/,
      'warning',
    ],
    [
      'a routing-key secret that does not exist',
      () => mocks.secrets.on(GetSecretValueCommand).rejects(named('ResourceNotFoundException')),
      secretsCheck,
      /does not exist: its pages fail.*create-secret/,
      'blocking',
    ],
    [
      'an empty routing-key secret',
      () => mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: '  ' }),
      secretsCheck,
      /holds no routing key.*put-secret-value/,
      'blocking',
    ],
  ])('finds %s, with the fix', async (_name, breakIt, check, expected, severity) => {
    // Prepare
    breakIt();
    // Act
    const findings = await check.run(ctx());
    // Assess
    expect(findings.length).toBeGreaterThan(0);
    expect(`${findings[0]?.problem} ${findings[0]?.fix}`).toMatch(expected);
    expect(findings[0]?.severity).toBe(severity);
  });

  it('follows NextToken through report subscriptions', async () => {
    // Prepare
    mocks.sns
      .on(ListSubscriptionsByTopicCommand)
      .resolvesOnce({ Subscriptions: [], NextToken: 't' })
      .resolvesOnce({
        Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Endpoint: 'late@example.com' }],
      });
    // Act
    const findings = await subscriptionsCheck.run(ctx());
    // Assess
    expect(findings.map((f) => f.problem)).toEqual([expect.stringContaining('late@example.com')]);
  });
});

describe('runDoctor', () => {
  it('exits 0 with one summary line when nothing is wrong', async () => {
    // Act
    const result = await runDoctor(ctx());
    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.text).toBe('doctor: 8 checks passed in account 111122223333, eu-west-1');
    expect(result.json.ok).toBe(true);
  });

  it('prints one line per problem with its fix and exits 1 on a blocking one', async () => {
    // Prepare
    mocks.config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
    mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Endpoint: 'cfo@example.com' }],
    });
    // Act
    const result = await runDoctor(ctx());
    // Assess
    const lines = result.text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ERROR config-recorder: .*\. Fix: /);
    expect(lines[1]).toMatch(/^WARN {2}report-subscriptions: .*cfo@example.com/);
    expect(lines[2]).toBe('doctor: 1 blocking, 1 warning(s) in account 111122223333, eu-west-1');
    expect(result.exitCode).toBe(1);
  });

  it('exits 0 when only warnings remain', async () => {
    // Prepare
    mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Endpoint: 'cfo@example.com' }],
    });
    // Act
    const result = await runDoctor(ctx());
    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.json.ok).toBe(true);
  });

  it('turns a check it may not run into a blocking finding naming the check', async () => {
    // Prepare
    mocks.costExplorer
      .on(ListCostAllocationTagsCommand)
      .rejects(
        named('AccessDeniedException', 'not authorized to perform ce:ListCostAllocationTags'),
      );
    // Act
    const result = await runDoctor(ctx());
    // Assess
    expect(result.json.findings).toEqual([
      expect.objectContaining({
        check: 'cost-allocation-tag',
        severity: 'blocking',
        problem: expect.stringMatching(/could not check.*ce:ListCostAllocationTags/),
      }),
    ]);
  });

  it('gives --json one document with every check and finding', async () => {
    // Prepare
    mocks.secrets.on(GetSecretValueCommand).rejects(named('ResourceNotFoundException'));
    // Act
    const { json } = await runDoctor(ctx());
    // Assess
    const parsed = JSON.parse(JSON.stringify(json));
    expect(parsed.ok).toBe(false);
    expect(parsed.checks.map((c: { name: string }) => c.name)).toEqual([
      'stacks',
      'cost-allocation-tag',
      'config-recorder',
      'budgets',
      'auto-stop-topic',
      'report-subscriptions',
      'routing-key-secrets',
      'tag-governance',
    ]);
    expect(parsed.findings.every((f: { fix: string }) => f.fix.length > 0)).toBe(true);
    expect(JSON.stringify(parsed)).not.toMatch(/R0UT1NGKEY/);
  });
});

describe('guardrails doctor command', () => {
  it('prints exactly one JSON document on failure with --json', async () => {
    // Act
    const run = await runCli('doctor', '--json', '--policy', '/nonexistent/policy.yaml');
    // Assess
    expect(run.code).toBe(1);
    const parsed = JSON.parse(run.stdout);
    expect(parsed).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ message: expect.stringMatching(/cannot read the policy/) }),
      ],
    });
  });

  it('is listed in the CLI help', async () => {
    // Act
    const run = await runCli('--help');
    // Assess
    expect(run.stdout).toMatch(/doctor\s+Check a deployed account/);
  });
});
