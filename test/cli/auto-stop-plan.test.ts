import * as path from 'node:path';
import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ListTrainingJobsCommand,
  SageMakerClient,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';
import { arnOf } from '../helpers/auto-stop';

const sagemaker = mockClient(SageMakerClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const budgets = mockClient(BudgetsClient);
const documents = mockClient(DynamoDBDocumentClient);
const MESSAGE = path.join(__dirname, '..', 'fixtures', 'auto-stop', 'monthly-actual.txt');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

beforeEach(() => {
  vi.stubEnv('AUDIT_TABLE_NAME', '');
  vi.stubEnv('REPORT_TOPIC_ARN', '');
  vi.stubEnv('WORK_QUEUE_URL', '');
  tagging.on(GetResourcesCommand).resolves({
    ResourceTagMappingList: [
      {
        ResourceARN: arnOf('training-job', 'run-1'),
        Tags: [{ Key: 'Project', Value: 'fraud-detection' }],
      },
    ],
  });
  // Every other listing is empty (listings start before the tagging result is in).
  sagemaker.onAnyCommand().resolves({});
  sagemaker.on(ListTrainingJobsCommand).resolves({
    TrainingJobSummaries: [
      {
        TrainingJobName: 'run-1',
        TrainingJobArn: arnOf('training-job', 'run-1'),
        TrainingJobStatus: 'InProgress',
        CreationTime: new Date(),
      },
    ],
  });
  sagemaker.on(StopTrainingJobCommand).resolves({});
  budgets.on(DescribeBudgetCommand).resolves({
    Budget: {
      BudgetName: 'ml-fraud-detection',
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: '10000', Unit: 'USD' },
      CalculatedSpend: { ActualSpend: { Amount: '9612.34', Unit: 'USD' } },
    },
  });
  documents.on(BatchWriteCommand).resolves({});
  documents.on(PutCommand).resolves({});
});

afterEach(() => {
  vi.unstubAllEnvs();
  for (const m of [sagemaker, tagging, budgets, documents]) m.reset();
});

describe('guardrails auto-stop plan', () => {
  it('plans a project without changing anything and prints the documented JSON', async () => {
    // Prepare
    const t = io();
    // Act
    const code = await main(
      [
        'auto-stop',
        'plan',
        '--project',
        'fraud-detection',
        '--json',
        '--policy',
        EXAMPLE_POLICY_FILE,
      ],
      t.io,
    );
    // Assess
    expect(code).toBe(0);
    const doc = JSON.parse(t.out.join(''));
    expect(doc).toMatchObject({
      version: 1,
      project: { id: 'fraud-detection', budgetName: 'ml-fraud-detection' },
      mode: 'enforce',
      executed: false,
      proceed: true,
      tagged: 1,
      decisions: [
        { type: 'act', kind: 'training-job', name: 'run-1', action: 'stop-training-job' },
      ],
      outcomes: [{ result: 'would-do' }],
      counts: { 'would-do': 1, done: 0 },
    });
    expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    // Progress goes to stderr, but never with --json.
    expect(t.err.join('\n')).toBe('');
  });

  it('explains a notification step by step: parsed fields, threshold, spend check, plan', async () => {
    const t = io();
    const code = await main(
      [
        'auto-stop',
        'plan',
        '--message',
        MESSAGE,
        '--policy',
        EXAMPLE_POLICY_FILE,
        '--account',
        '111122223333',
      ],
      t.io,
    );
    expect(code).toBe(0);
    const out = t.out.join('\n');
    expect(out).toContain(
      'Notification: budget ml-fraud-detection, ACTUAL, $9,612.34 of $10,000.00',
    );
    expect(out).toContain('Threshold: ACTUAL spend');
    expect(out).toContain('Spend check: DescribeBudget: actual spend $9,612.34 >= $9,500.00');
    expect(out).toContain('act    training-job run-1 [InProgress] stop-training-job');
    expect(out).toContain('Nothing was changed');
  });

  it('acts as the function would with --execute, auditing every stop', async () => {
    vi.stubEnv('AUDIT_TABLE_NAME', 'audit');
    const t = io();
    const code = await main(
      [
        'auto-stop',
        'plan',
        '--message',
        MESSAGE,
        '--execute',
        '--json',
        '--policy',
        EXAMPLE_POLICY_FILE,
        '--account',
        '111122223333',
      ],
      t.io,
    );
    expect(code).toBe(0);
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, {
      TrainingJobName: 'run-1',
    });
    // The stop is audited as soon as it completes.
    expect(documents).toHaveReceivedCommand(PutCommand);
    expect(JSON.parse(t.out.join('')).counts.done).toBe(1);
  });

  it.each([
    ['neither --project nor --message', ['auto-stop', 'plan'], /exactly one of/],
    [
      'both --project and --message',
      ['auto-stop', 'plan', '--project', 'x', '--message', MESSAGE],
      /exactly one of/,
    ],
    [
      '--execute without an audit table',
      ['auto-stop', 'plan', '--project', 'fraud-detection', '--execute'],
      /AUDIT_TABLE_NAME/,
    ],
    [
      'an unknown project',
      ['auto-stop', 'plan', '--project', 'nope', '--policy', EXAMPLE_POLICY_FILE],
      /--project "nope" is not a project of the policy \(fraud-detection, /,
    ],
  ])('rejects %s with exit code 2', async (_name, argv, message) => {
    const t = io();
    expect(await main(argv, t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(message);
  });

  it('fails (exit 1, like every missing input file) on an unreadable message file', async () => {
    const t = io();
    const argv = [
      'auto-stop',
      'plan',
      '--message',
      '/nonexistent',
      '--policy',
      EXAMPLE_POLICY_FILE,
    ];
    expect(await main(argv, t.io)).toBe(1);
    expect(t.err.join('\n')).toMatch(/cannot read --message \/nonexistent: file not found/);
  });
});
