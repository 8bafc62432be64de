import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveEndpointState } from '../../lambdas/endpoints';
import { main } from '../../lib/cli/main';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';
import { savedEndpoint } from '../helpers/endpoints';
import { type FakeAuditTable, fakeAuditTable } from '../helpers/fake-audit-table';

const sm = mockClient(SageMakerClient);
mockClient(ApplicationAutoScalingClient);
let table: FakeAuditTable;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const parked = savedEndpoint({
  variants: [{ variantName: 'AllTraffic', desiredInstanceCount: 1 }],
});

async function park(): Promise<void> {
  await saveEndpointState(
    { ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName: 'audit' },
    parked,
  );
}

const base = ['restore', '--policy', EXAMPLE_POLICY_FILE, '--table', 'audit'];

beforeEach(() => {
  table = fakeAuditTable();
});
afterEach(() => {
  sm.reset();
  table.mock.reset();
});

describe('guardrails restore', () => {
  it('says there is nothing to restore and exits 0', async () => {
    const { io, out } = capture();
    const code = await main([...base, '--project', 'fraud-detection'], io);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/fraud-detection: nothing to restore/);
  });

  it('prints the documented JSON report', async () => {
    // Prepare
    await park();
    sm.on(DescribeEndpointCommand).rejects(
      Object.assign(new Error('Could not find endpoint "fraud-rt".'), {
        name: 'ValidationException',
      }),
    );
    sm.on(DescribeEndpointConfigCommand).resolves({});
    sm.on(DescribeModelCommand).resolves({});
    sm.on(CreateEndpointCommand).resolves({});
    const { io, out } = capture();
    // Act
    const code = await main([...base, '--project', 'fraud-detection', '--json'], io);
    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report).toMatchObject({
      projectId: 'fraud-detection',
      runId: expect.stringMatching(/^cli:/),
      nothingSaved: false,
      outcomes: [
        {
          endpointName: 'fraud-rt',
          endpointArn: parked.endpointArn,
          savedAction: 'park-endpoint',
          decision: 'recreate',
          result: 'recreated',
          reason: expect.any(String),
        },
      ],
    });
  });

  it('plans without changing anything with --dry-run', async () => {
    await park();
    sm.on(DescribeEndpointCommand).rejects(
      Object.assign(new Error('Could not find endpoint "fraud-rt".'), {
        name: 'ValidationException',
      }),
    );
    sm.on(DescribeEndpointConfigCommand).resolves({});
    sm.on(DescribeModelCommand).resolves({});
    const { io, out } = capture();
    const code = await main([...base, '--project', 'fraud-detection', '--dry-run'], io);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(
      /fraud-rt\s+planned\s+re-create fraud-rt from config fraud-rt-config/,
    );
    expect(sm).not.toHaveReceivedCommand(CreateEndpointCommand);
    expect(table.auditItems()).toHaveLength(0);
    expect(table.savedItems()).toHaveLength(1);
  });

  it('exits 1 when an endpoint needs a person (config deleted)', async () => {
    await park();
    const missing = (m: string) =>
      Object.assign(new Error(`Could not find ${m}.`), { name: 'ValidationException' });
    sm.on(DescribeEndpointCommand).rejects(missing('endpoint'));
    sm.on(DescribeEndpointConfigCommand).rejects(missing('endpoint configuration'));
    const { io, out } = capture();
    const code = await main(
      [...base, '--project', 'fraud-detection', '--endpoint', 'fraud-rt'],
      io,
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(
      /fraud-rt\s+blocked\s+endpoint config fraud-rt-config was deleted/,
    );
  });

  it.each([
    ['no --project', [] as string[], /--project is required/],
    ['an unknown project', ['--project', 'nope'], /"nope" is not a project of the policy/],
    ['an unknown option', ['--project', 'fraud-detection', '--force'], /force/],
  ])('rejects %s with exit code 2', async (_name, extra, message) => {
    const { io, err } = capture();
    const code = await main([...base, ...extra], io);
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('requires a table name', async () => {
    const { io, err } = capture();
    const saved = process.env.AUDIT_TABLE_NAME;
    delete process.env.AUDIT_TABLE_NAME;
    const code = await main(['restore', '--project', 'fraud-detection'], io);
    if (saved !== undefined) process.env.AUDIT_TABLE_NAME = saved;
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/AUDIT_TABLE_NAME is required/);
  });
});
