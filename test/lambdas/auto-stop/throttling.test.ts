/**
 * Throttling with the real SDK retry stack (aws-sdk-client-mock bypasses it): the local
 * stand-in answers ThrottlingException over its rate, and every stop must still succeed.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAccount } from '../../../bench/standin/sagemaker';
import { AwsStandin } from '../../../bench/standin/server';
import { actAll } from '../../../lambdas/auto-stop/executor';
import type { Decision } from '../../../lambdas/auto-stop/types';
import { sdkClientConfig } from '../../../lambdas/shared/sdk';
import { examplePolicy } from '../../helpers/app';

const standin = new AwsStandin({
  latencyMs: 5,
  limits: { 'SageMaker.StopTrainingJob': { ratePerSecond: 10, burst: 1 } },
});
let url = '';

beforeAll(async () => {
  url = await standin.start();
});
afterAll(async () => {
  await standin.stop();
});

describe('actAll against a throttling endpoint', () => {
  it('retries ThrottlingException with backoff until every stop succeeds', async () => {
    // Prepare
    const account = new FakeAccount();
    const jobs = Array.from({ length: 12 }, (_, i) =>
      account.add('sagemaker:training-job', `job-${i}`, 'InProgress', {
        Project: 'fraud-detection',
      }),
    );
    account.register(standin);
    const sagemaker = new SageMakerClient({
      ...sdkClientConfig({}),
      endpoint: url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const project = examplePolicy().projects[0];
    if (!project) throw new Error('no project');
    const decisions: Extract<Decision, { type: 'act' }>[] = jobs.map((j) => ({
      type: 'act',
      action: 'stop-training-job',
      reason: 'InProgress and not exempt',
      resource: {
        arn: j.arn,
        kind: 'training-job',
        name: j.name,
        status: 'InProgress',
        tags: j.tags,
      },
    }));
    // Act
    const outcomes = await actAll(
      {
        regions: new Map([
          [
            'eu-west-1',
            {
              sagemaker,
              autoScaling: new ApplicationAutoScalingClient({ region: 'eu-west-1' }),
              tagging: new ResourceGroupsTaggingAPIClient({ region: 'eu-west-1' }),
            },
          ],
        ]),
        handlers: [],
        concurrency: 4,
      },
      decisions,
      { project, settings: project.autoStop, notificationId: 'n', now: () => new Date() },
    );
    // Assess
    expect(outcomes.map((o) => o.result)).toEqual(jobs.map(() => 'done'));
    expect(standin.stats.get('SageMaker.StopTrainingJob')?.throttled).toBeGreaterThan(0);
    expect(account.all((r) => r.status === 'InProgress')).toEqual([]);
  });
});
