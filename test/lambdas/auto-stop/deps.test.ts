import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { endpointKindHandler } from '../../../lambdas/auto-stop/deps';
import { endpointHandler } from '../../../lambdas/auto-stop/kinds/endpoint';
import { resource, runContext, settings } from '../../helpers/endpoints';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const clients = {
  sagemaker: new SageMakerClient({}),
  autoScaling: new ApplicationAutoScalingClient({}),
};

describe('endpointKindHandler', () => {
  it.each(['report-only', 'park'] as const)(
    'plans endpoints exactly as the endpoint handler does (classic: %s)',
    (classic) => {
      // Prepare: a classic instance-based endpoint
      const endpoint = resource();
      // Act + Assess: the adapter only supplies clients
      expect(endpointKindHandler(dynamo, 'audit').plan(endpoint, settings(classic))).toEqual(
        endpointHandler.plan(endpoint, settings(classic)),
      );
    },
  );

  it('refuses to change an endpoint without the audit table, where restore state must be saved first', async () => {
    // Prepare
    const decision = endpointHandler.plan(resource(), settings('park'));
    if (decision.type !== 'act') throw new Error(`expected an act decision, got ${decision.type}`);
    // Act + Assess
    await expect(
      endpointKindHandler(dynamo, undefined).act(clients, decision, runContext('park')),
    ).rejects.toThrow('Changing endpoints needs AUDIT_TABLE_NAME');
  });
});
