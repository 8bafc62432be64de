/**
 * The SDK clients of the auto-stop functions, created only by handlers and the CLI: one set of
 * SageMaker, Application Auto Scaling and tagging clients per region the policy lists, and one
 * of the account-wide services. Endpoint, credentials and region stay on the SDK's standard
 * chain (AWS_ENDPOINT_URL works); only the region of the per-region clients is set.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { projectRegions } from '../../lib/config/naming';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { sdkClientConfig } from '../shared/sdk';
import type { RegionClients } from './find-resources';

export interface AutoStopSdk {
  readonly regions: ReadonlyMap<string, RegionClients>;
  readonly budgets: BudgetsClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly rawDynamo: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/** Every region a project whose auto-stop is not off may run SageMaker work in. */
export function policyRegions(policy: GuardrailsPolicy, deploymentRegion: string): string[] {
  const regions = new Set<string>([deploymentRegion]);
  for (const p of policy.projects)
    if (p.autoStop.mode !== 'off')
      for (const r of projectRegions(p, deploymentRegion)) regions.add(r);
  return [...regions];
}

/** One set of clients per region, with the one SDK client configuration (lambdas/shared/sdk.ts). */
export function createClients(
  regions: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): AutoStopSdk {
  const config = sdkClientConfig(env);
  const rawDynamo = new DynamoDBClient(config);
  return {
    regions: new Map(
      regions.map((region) => [
        region,
        {
          sagemaker: new SageMakerClient({ ...config, region }),
          // Listings are paced client-side (AUTO_STOP_LIST_RATE): standard retry, own retry state.
          sagemakerList: new SageMakerClient({ ...config, retryMode: 'standard', region }),
          autoScaling: new ApplicationAutoScalingClient({ ...config, region }),
          tagging: new ResourceGroupsTaggingAPIClient({ ...config, region }),
        },
      ]),
    ),
    budgets: new BudgetsClient(config),
    rawDynamo,
    dynamo: DynamoDBDocumentClient.from(rawDynamo, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
  };
}
