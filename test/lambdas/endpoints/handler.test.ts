/**
 * The restore function's wiring: loaded with its environment as Lambda loads it, invoked with a
 * Lambda context. The orchestrator's behaviour is covered in restore.test.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveEndpointState } from '../../../lambdas/endpoints';
import { FINISH_MS, restoreWaitMs } from '../../../lambdas/endpoints/restore-event';
import { VARIANT_DIMENSION } from '../../../lambdas/endpoints/types';
import { EXAMPLE_POLICY_FILE } from '../../helpers/app';
import { savedEndpoint } from '../../helpers/endpoints';
import { type FakeAuditTable, fakeAuditTable } from '../../helpers/fake-audit-table';

describe('restore wait bound', () => {
  it.each([
    [15 * 60_000, 14 * 60_000],
    [FINISH_MS + 1, 1],
    [FINISH_MS, 0],
    [10_000, 0],
  ])('with %i ms left, waits at most %i ms', (remaining, bound) => {
    expect(restoreWaitMs(remaining)).toBe(bound);
  });
});

describe('restore function (handler entry point)', () => {
  const sm = mockClient(SageMakerClient);
  const events = mockClient(EventBridgeClient);
  let table: FakeAuditTable;
  let run: typeof import('../../../lambdas/endpoints/handler.js').run;

  beforeAll(async () => {
    process.env.GUARDRAILS_POLICY_FILE = EXAMPLE_POLICY_FILE;
    process.env.AUDIT_TABLE_NAME = 'audit';
    ({ run } = await import('../../../lambdas/endpoints/handler.js'));
  });
  afterAll(() => {
    sm.restore();
    events.restore();
    table.mock.restore();
    delete process.env.AUDIT_TABLE_NAME;
  });

  it('waits for a re-created endpoint only as long as the invocation has time left', async () => {
    // Prepare: a parked endpoint with scaling to put back; once re-created it stays Creating.
    table = fakeAuditTable();
    await saveEndpointState(
      { ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName: 'audit' },
      savedEndpoint({
        scalableTargets: [
          {
            resourceId: 'endpoint/fraud-rt/variant/AllTraffic',
            scalableDimension: VARIANT_DIMENSION,
            minCapacity: 1,
            maxCapacity: 4,
            policies: [],
            createdByGuardrails: false,
          },
        ],
      }),
    );
    sm.on(DescribeEndpointCommand)
      .rejectsOnce(
        Object.assign(new Error('Could not find endpoint "fraud-rt".'), {
          name: 'ValidationException',
        }),
      )
      .resolves({ EndpointName: 'fraud-rt', EndpointStatus: 'Creating' });
    sm.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: 'fraud-rt-config' });
    sm.on(DescribeModelCommand).resolves({ ModelName: 'fraud-model' });
    sm.on(CreateEndpointCommand).resolves({ EndpointArn: 'arn' });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    // Act: a minute left, all of it kept for the audit records, the report and the change event
    // (with the 8-minute default, this run would outlast the test's timeout).
    const report = await run(
      { projectId: 'fraud-detection' },
      { awsRequestId: 'req-1', getRemainingTimeInMillis: () => FINISH_MS },
    );
    // Assess: re-created, recorded as waiting for the next run, the saved state kept.
    expect(report).toMatchObject({
      runId: 'req-1',
      outcomes: [expect.objectContaining({ endpointName: 'fraud-rt', result: 'waiting' })],
    });
    expect(sm).toHaveReceivedCommandTimes(CreateEndpointCommand, 1);
    expect(table.savedItems()).toHaveLength(1);
    expect(table.auditItems()).toEqual([expect.objectContaining({ result: 'waiting' })]);
  });
});
