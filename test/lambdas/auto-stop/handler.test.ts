import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ListTrainingJobsCommand,
  SageMakerClient,
  StopTrainingJobCommand,
  type TrainingJobStatus,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Handler from '../../../lambdas/auto-stop/handler';
import { EXAMPLE_POLICY_FILE } from '../../helpers/app';
import { ACCOUNT, arnOf, fakeIdempotencyTable } from '../../helpers/auto-stop';

const sagemaker = mockClient(SageMakerClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const budgets = mockClient(BudgetsClient);
const dynamo = mockClient(DynamoDBClient);
// The document client has its own middleware stack: mock it separately (aws-sdk-client-mock docs).
const documents = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const events = mockClient(EventBridgeClient);

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'auto-stop', name), 'utf8');

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:ml-guardrails-auto-stop';

const context = {
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:auto-stop`,
  getRemainingTimeInMillis: () => 60_000,
  awsRequestId: 'req-1',
} as unknown as Context;

function snsEvent(message: string, messageId = 'msg-1', topicArn = TOPIC): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:ml-guardrails-auto-stop:sub',
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: 'AWS Budgets: ml-fraud-detection has exceeded your alert threshold',
          Message: message,
          Timestamp: '2026-11-26T12:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'x',
          SigningCertUrl: 'https://example.com',
          UnsubscribeUrl: 'https://example.com',
          MessageAttributes: {},
        },
      },
    ],
  };
}

const job = (name: string, status: TrainingJobStatus = 'InProgress') => ({
  TrainingJobName: name,
  TrainingJobArn: arnOf('training-job', name),
  TrainingJobStatus: status,
  CreationTime: new Date(),
});

/** The project's tagged training jobs: two running, one exempt and running, one stale. */
function givenAccount(project = 'fraud-detection', actualSpend = '9612.34') {
  tagging.on(GetResourcesCommand).resolves({
    ResourceTagMappingList: [
      { ResourceARN: arnOf('training-job', 'run-1'), Tags: [{ Key: 'Project', Value: project }] },
      { ResourceARN: arnOf('training-job', 'run-2'), Tags: [{ Key: 'Project', Value: project }] },
      {
        ResourceARN: arnOf('training-job', 'keep'),
        Tags: [
          { Key: 'Project', Value: project },
          { Key: 'ml-guardrails:exempt', Value: 'EXC-2026-014' },
        ],
      },
      { ResourceARN: arnOf('training-job', 'gone'), Tags: [{ Key: 'Project', Value: project }] },
    ],
    PaginationToken: '',
  });
  // Every other listing is empty (listings start before the tagging result is in).
  sagemaker.onAnyCommand().resolves({});
  sagemaker.on(ListTrainingJobsCommand).resolves({
    TrainingJobSummaries: [job('run-1'), job('run-2'), job('keep'), job('someone-else')],
  });
  sagemaker.on(StopTrainingJobCommand).resolves({});
  budgets.on(DescribeBudgetCommand).resolves({
    Budget: {
      BudgetName: `ml-${project}`,
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: '10000.0', Unit: 'USD' },
      CalculatedSpend: { ActualSpend: { Amount: actualSpend, Unit: 'USD' } },
    },
  });
  documents.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
  documents.on(PutCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'report-1' });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  fakeIdempotencyTable(dynamo);
}

let handleSnsEvent: (event: SNSEvent, context: Context) => Promise<void>;

/** The handler wires its clients and settings at module scope: load it after the env is set. */
async function loadHandler(): Promise<void> {
  vi.resetModules();
  const file = path.join(__dirname, '..', '..', '..', 'lambdas', 'auto-stop', 'handler');
  ({ run: handleSnsEvent } = (await import(file)) as typeof Handler);
}

beforeEach(async () => {
  // The example policy's exemption EXC-2026-014 holds until 2026-12-31.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-26T12:00:00Z'));
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AUTO_STOP_TOPIC_ARN', TOPIC);
  vi.stubEnv('GUARDRAILS_POLICY_FILE', EXAMPLE_POLICY_FILE);
  vi.stubEnv('AUDIT_TABLE_NAME', 'audit');
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', 'idempotency');
  vi.stubEnv('REPORT_TOPIC_ARN', 'arn:aws:sns:eu-west-1:111122223333:reports');
  vi.stubEnv('WORK_QUEUE_URL', 'https://sqs.eu-west-1.amazonaws.com/111122223333/work');
  await loadHandler();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  for (const m of [sagemaker, tagging, budgets, dynamo, documents, sns, sqs, events]) m.reset();
});

describe('handleSnsEvent', () => {
  it('stops the running, non-exempt, tagged jobs of the project after the spend is confirmed', async () => {
    // Prepare
    givenAccount();
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context);
    // Assess
    expect(budgets).toHaveReceivedCommandWith(DescribeBudgetCommand, {
      AccountId: ACCOUNT,
      BudgetName: 'ml-fraud-detection',
    });
    // Running candidates first, newest first; then only their tags, by ARN.
    expect(sagemaker).toHaveReceivedCommandWith(ListTrainingJobsCommand, {
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
    });
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, {
      ResourceARNList: [
        arnOf('training-job', 'run-1'),
        arnOf('training-job', 'run-2'),
        arnOf('training-job', 'keep'),
        arnOf('training-job', 'someone-else'),
      ],
    });
    // The project's tagged training jobs (its whole history) are never listed.
    expect(tagging).not.toHaveReceivedCommandWith(GetResourcesCommand, {
      ResourceTypeFilters: expect.arrayContaining(['sagemaker:training-job']),
    });
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 2);
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'run-1',
    });
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'run-2',
    });
    expect(sagemaker).not.toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'keep',
    });
    expect(sagemaker).not.toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'someone-else',
    });
  });

  it('writes an audit item per outcome with the notification that caused it, stops one by one as they complete', async () => {
    givenAccount();
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt'), 'msg-audit'), context);
    const batched =
      documents.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.audit ?? [];
    const stops = documents.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    const items = [...stops, ...batched.map((r) => r.PutRequest?.Item)];
    expect(stops).toHaveLength(2);
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({
      pk: 'PROJECT#fraud-detection',
      sk: expect.stringMatching(/^AUDIT#\d{4}-\d\d-\d\dT.*#arn:aws:sagemaker:/),
      project: 'fraud-detection',
      kind: 'training-job',
      priorState: 'InProgress',
      action: 'stop-training-job',
      result: 'done',
      notificationId: 'msg-audit',
    });
    expect(items.map((i) => i?.result).sort()).toEqual(['done', 'done', 'skipped']);
  });

  it("publishes one plain-text report addressed to the project's finance and owners", async () => {
    givenAccount();
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    // Each address's subscription filters on `recipients`: the project's finance and owners.
    expect(input?.MessageAttributes).toEqual({
      project: { DataType: 'String', StringValue: 'fraud-detection' },
      recipients: {
        DataType: 'String.Array',
        StringValue: JSON.stringify([
          'finops@example.com',
          'risk-finance@example.com',
          'fraud-ml-leads@example.com',
        ]),
      },
    });
    expect(input?.Subject).toMatch(/^\[ml-guardrails\] fraud-detection \w+ \d{4}: 2 stopped$/);
    expect(input?.Message).toContain('Stopped or scaled down (2):');
    expect(input?.Message).toContain('EXC-2026-014');
    expect(input?.Message).toContain('How to bring work back:');
  });

  it('acts once and reports once when SNS delivers the same message twice', async () => {
    // Prepare
    givenAccount();
    const event = snsEvent(fixture('monthly-actual.txt'), 'msg-dup');
    // Act
    await handleSnsEvent(event, context);
    await handleSnsEvent(event, context);
    // Assess
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 2);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('keeps only a small summary in the idempotency record (DynamoDB items are limited to 400 KB)', async () => {
    // Prepare
    givenAccount();
    const records = fakeIdempotencyTable(dynamo);
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt'), 'msg-small'), context);
    // Assess
    const [record] = [...records.values()];
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.data?.M?.counts?.M?.done?.N).toBe('2');
    expect(JSON.stringify(record).length).toBeLessThan(2000);
  });

  it("reads the budget in the function's own account, never the one the message names (no STS call)", async () => {
    // Prepare: the message names 111122223333; the function runs in 999988887777.
    givenAccount();
    const own = {
      ...context,
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:999988887777:function:auto-stop',
    } as Context;
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), own);
    // Assess: the account comes from the function ARN in the context.
    expect(budgets).toHaveReceivedCommandWith(DescribeBudgetCommand, { AccountId: '999988887777' });
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 2);
  });

  it('stops nothing for a forged message that DescribeBudget does not confirm', async () => {
    // Prepare: the message claims $9,612.34, the budget says $120.
    givenAccount('fraud-detection', '120');
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context);
    // Assess
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    expect(tagging).not.toHaveReceivedCommand(GetResourcesCommand);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Message).toContain('not confirmed');
  });

  it('only plans and reports in dry-run mode', async () => {
    // Prepare: real-time-bidding is in dry-run in the example policy (threshold 98 %).
    givenAccount('real-time-bidding', '24600');
    const message = fixture('monthly-actual.txt')
      .replaceAll('ml-fraud-detection', 'ml-real-time-bidding')
      .replace('Budgeted Amount: $10,000.00', 'Budgeted Amount: $25,000.00')
      .replace('Alert Threshold: > $9,500.00', 'Alert Threshold: > $24,500.00')
      .replace('ACTUAL Amount: $9,612.34', 'ACTUAL Amount: $24,600.00');
    budgets.on(DescribeBudgetCommand).resolves({
      Budget: {
        BudgetName: 'ml-real-time-bidding',
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: '25000', Unit: 'USD' },
        CalculatedSpend: { ActualSpend: { Amount: '24600', Unit: 'USD' } },
      },
    });
    // Act
    await handleSnsEvent(snsEvent(message), context);
    // Assess
    expect(sagemaker).toHaveReceivedCommand(ListTrainingJobsCommand);
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    // EXC-2026-014 is approved for fraud-detection only: here the request is refused, and said.
    expect(input?.Subject).toMatch(
      /^\[ml-guardrails\] real-time-bidding \w+ \d{4}: 3 would be stopped \(dry-run\)$/,
    );
    expect(input?.Message).toContain('Would have been stopped (dry-run: left running) (3):');
    const audited = documents
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => c.args[0].input.RequestItems?.audit ?? [])
      .map((r) => r.PutRequest?.Item);
    expect(audited.find((i) => i?.name === 'keep')?.reason).toContain(
      'exemption refused: tagged ml-guardrails:exempt=EXC-2026-014',
    );
  });

  it.each([
    ['JSON', '{"AlarmName":"x"}'],
    ['an empty message', ''],
    ['text that is not a budget notification', 'hello'],
    [
      'a budget of no project',
      fixture('monthly-actual.txt').replaceAll('ml-fraud-detection', 'ml-unknown'),
    ],
  ])('acknowledges %s without acting, reporting or throwing', async (_name, message) => {
    givenAccount();
    await expect(handleSnsEvent(snsEvent(message), context)).resolves.toBeUndefined();
    expect(budgets).not.toHaveReceivedCommand(DescribeBudgetCommand);
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('ignores FORECASTED alerts without reading the budget', async () => {
    givenAccount();
    await handleSnsEvent(snsEvent(fixture('forecasted.txt')), context);
    expect(budgets).not.toHaveReceivedCommand(DescribeBudgetCommand);
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
  });

  it('acknowledges an event without records', async () => {
    await expect(handleSnsEvent({} as SNSEvent, context)).resolves.toBeUndefined();
  });

  it('stops up to the inline limit itself and queues the rest for the worker', async () => {
    // Prepare
    vi.stubEnv('AUTO_STOP_INLINE_LIMIT', '1');
    await loadHandler();
    givenAccount();
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context);
    // Assess
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 1);
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'run-1',
    });
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries).toHaveLength(1);
    const body = JSON.parse(entries[0]?.MessageBody ?? '{}');
    expect(body).toMatchObject({ projectId: 'fraud-detection', notificationId: 'msg-1' });
    expect(body.items.map((i: { name: string }) => i.name)).toEqual(['run-2']);
    const report = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message;
    expect(report).toContain(
      'Being stopped (handed to a second worker; results in the audit records) (1):',
    );
  });

  it('queues a stop that is still throttled after the SDK retries instead of dropping it', async () => {
    // Prepare
    givenAccount();
    sagemaker
      .on(StopTrainingJobCommand, { TrainingJobName: 'run-2' })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context);
    // Assess
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    const body = JSON.parse(entries[0]?.MessageBody ?? '{}');
    expect(body.items.map((i: { name: string }) => i.name)).toEqual(['run-2']);
  });

  it('fails the invocation when stop requests cannot be queued, and the retry goes through', async () => {
    // Prepare
    vi.stubEnv('AUTO_STOP_INLINE_LIMIT', '1');
    await loadHandler();
    givenAccount();
    sqs
      .on(SendMessageBatchCommand)
      .rejects(Object.assign(new Error('queue down'), { name: 'InternalError' }));
    // Act / Assess
    await expect(handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context)).rejects.toThrow(
      'queue down',
    );
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    // The retry of the same message is not blocked by the idempotency record of the failed run.
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('lets AWS errors escape so Lambda retries and the on-failure queue keeps the event', async () => {
    givenAccount();
    budgets
      .on(DescribeBudgetCommand)
      .rejects(Object.assign(new Error('boom'), { name: 'InternalErrorException' }));
    await expect(handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context)).rejects.toThrow(
      'boom',
    );
  });

  it('acts once when the same alert is re-published with a new MessageId (keyed on budget, period, threshold)', async () => {
    // Prepare
    givenAccount();
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt'), 'msg-first'), context);
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt'), 'msg-republished'), context);
    // Assess
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 2);
    expect(budgets).toHaveReceivedCommandTimes(DescribeBudgetCommand, 1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('refuses a record from any topic but the auto-stop topic, even with a genuine message', async () => {
    // Prepare
    givenAccount();
    const other = 'arn:aws:sns:eu-west-1:111122223333:someone-elses-topic';
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt'), 'msg-x', other), context);
    // Assess
    expect(budgets).not.toHaveReceivedCommand(DescribeBudgetCommand);
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
  });

  it('stops nothing when the live budget limit was lowered below the policy amount, and reports why', async () => {
    // Prepare: a genuine 95 % alert, but someone set the budget to $9,700 (spend $9,612 > 95 %).
    givenAccount();
    budgets.on(DescribeBudgetCommand).resolves({
      Budget: {
        BudgetName: 'ml-fraud-detection',
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: '9700', Unit: 'USD' },
        CalculatedSpend: { ActualSpend: { Amount: '9612.34', Unit: 'USD' } },
      },
    });
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt')), context);
    // Assess
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Message).toContain("differs from the policy's $10,000.00");
  });

  it('puts one change event for a run that stopped jobs, summarising them, never one per resource', async () => {
    // Prepare
    givenAccount();
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt'), 'msg-change'), context);
    // Assess
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entries = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      Source: 'ml-guardrails.auto-stop',
      DetailType: 'Auto-stop action',
    });
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({
      project: 'fraud-detection',
      action: 'stopped',
      counts: { stopped: 2 },
      total: 2,
      mode: 'enforce',
      resources: expect.arrayContaining([
        expect.objectContaining({ kind: 'training-job', name: 'run-1' }),
        expect.objectContaining({ kind: 'training-job', name: 'run-2' }),
      ]),
    });
  });

  it('still stops, reports and records the run when PutEvents fails', async () => {
    // Prepare
    givenAccount();
    const records = fakeIdempotencyTable(dynamo);
    events
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt'), 'msg-change-fails'), context);
    // Assess
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 2);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const [record] = [...records.values()];
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.data?.M?.counts?.M?.done?.N).toBe('2');
  });

  it('puts no change event for a run that changed nothing', async () => {
    // Prepare: every job is already stopped.
    givenAccount();
    sagemaker.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
    // Act
    await handleSnsEvent(snsEvent(fixture('monthly-actual.txt'), 'msg-nothing'), context);
    // Assess
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    expect(events).not.toHaveReceivedCommand(PutEventsCommand);
  });
});
