import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { holdRecorder } from '../../../../lambdas/auto-stop/period-guard/recorder';
import { budgetNotification, runReport } from '../../../helpers/auto-stop';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const NOW = new Date('2026-11-29T10:00:00Z');

const report = runReport({
  notificationId: 'msg-1',
  notification: budgetNotification({ accountId: undefined }),
  decision: 'ACTUAL spend crossed 95 %',
});

afterEach(() => ddb.reset());

describe('holdRecorder (the notification function side)', () => {
  it('is absent when the guard table is not configured', () => {
    expect(holdRecorder(client, {})).toBeUndefined();
  });

  it('records the hold in the guard table and audits it, using the function account when the message names none', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const record = holdRecorder(
      client,
      { GUARD_TABLE_NAME: 'guard', AUDIT_TABLE_NAME: 'audit' },
      () => NOW,
    );
    // Act
    await record?.(report, '111122223333');
    // Assess
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'guard',
      Item: expect.objectContaining({
        sk: 'HOLD',
        periodId: '2026-11',
        accountId: '111122223333',
        expiresAt: Date.parse('2026-12-01T00:00:00Z') / 1000,
      }),
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'audit',
      Item: expect.objectContaining({ action: 'record-hold', by: 'notification:msg-1' }),
    });
  });

  it('records nothing for a notification that did not proceed', async () => {
    const record = holdRecorder(client, { GUARD_TABLE_NAME: 'guard' }, () => NOW);
    await record?.({ ...report, proceed: false }, '111122223333');
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });
});
