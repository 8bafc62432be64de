import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { endpointHandler } from '../../../lambdas/auto-stop/kinds/endpoint';
import type { Decision } from '../../../lambdas/auto-stop/types';
import {
  decisionsOf,
  WorkMessageSchema,
  WorkQueue,
  workMessages,
} from '../../../lambdas/auto-stop/work-queue';
import { resource, settings } from '../../helpers/endpoints';

type Act = Extract<Decision, { type: 'act' }>;

function parkDecision(name: string, padding = 0): Act {
  const endpoint = resource({ endpointName: name });
  const decision = endpointHandler.plan(
    { ...endpoint, details: { ...endpoint.details, padding: 'x'.repeat(padding) } },
    settings('park'),
  );
  if (decision.type !== 'act') throw new Error(`expected act, got ${decision.type}`);
  return decision;
}

describe('work queue messages', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('carry an endpoint decision, details included, through JSON and back unchanged', () => {
    // Prepare
    const decision = parkDecision('fraud-detection-prod');
    // Act: what the worker receives from SQS
    const [message] = workMessages('fraud-detection', 'n-1', [decision]).map((m) =>
      WorkMessageSchema.parse(JSON.parse(JSON.stringify(m))),
    );
    // Assess: `act` gets the same decision the orchestrator made
    expect(message && decisionsOf(message)).toEqual([decision]);
  });

  it('split by size as well as count, so no message or batch outgrows SQS', async () => {
    // Prepare: 30 decisions of about 20 KB each
    const decisions = Array.from({ length: 30 }, (_, i) => parkDecision(`ep-${i}`, 20_000));
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    // Act
    const messages = workMessages('fraud-detection', 'n-1', decisions);
    await new WorkQueue(new SQSClient({}), 'https://queue', { sleep: async () => {} }).send(
      messages,
    );
    // Assess
    const sizes = messages.map((m) => Buffer.byteLength(JSON.stringify(m)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(62_000);
    expect(messages.flatMap((m) => m.items)).toHaveLength(30);
    for (const call of sqs.commandCalls(SendMessageBatchCommand)) {
      const entries = call.args[0].input.Entries ?? [];
      expect(entries.length).toBeLessThanOrEqual(10);
      expect(
        entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody ?? ''), 0),
      ).toBeLessThanOrEqual(240_000);
    }
  });

  it('keep job decisions 25 to a message, as before', () => {
    const job = (i: number): Act => ({
      type: 'act',
      action: 'stop-training-job',
      reason: 'InProgress',
      resource: {
        arn: `arn:aws:sagemaker:eu-west-1:1:training-job/j${i}`,
        kind: 'training-job',
        name: `j${i}`,
        status: 'InProgress',
        tags: {},
      },
    });
    expect(
      workMessages(
        'p',
        'n',
        Array.from({ length: 60 }, (_, i) => job(i)),
      ).map((m) => m.items.length),
    ).toEqual([25, 25, 10]);
  });
});
