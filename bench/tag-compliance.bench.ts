/**
 * Tag audit at scale: the periodic Config rule's `run` (real SDK clients, real adapters) against
 * the stand-in with 10,000 live SageMaker resources, throttled like AWS (SageMaker List* about
 * 2 requests/s, as reported in aws/sagemaker-python-sdk issues). Figures: API calls by operation, throttled calls, wall time.
 */
import * as path from 'node:path';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { logger } from '../lambdas/shared/powertools';
import { runTagAudit } from '../lambdas/tag-compliance/orchestrator';
import { loadPolicyFile } from '../lib/config/load';
import { AwsStandin } from './standin/server';
import { buildDataset, registerTagAudit } from './standin/tag-compliance';
import { type BenchSuite, type BenchTarget, printTable } from './suite';

const EXAMPLE_POLICY_FILE = path.join(__dirname, '..', 'config', 'guardrails.yaml');

/** The Lambda maximum is 15 minutes; "well within" means under a third of it. */
const WALL_TIME_TARGET_MS = 5 * 60_000;
const SIZES = [1_000, 10_000];

const suite: BenchSuite = {
  name: 'tag-compliance',
  async run() {
    process.env.AWS_ACCESS_KEY_ID ??= 'bench';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
    process.env.AWS_REGION ??= 'eu-west-1';
    logger.setLogLevel('SILENT');
    // Quotas below are assumptions: SageMaker List* about 2 req/s (aws/sagemaker-python-sdk issues), guesses for the rest.
    const listLimit = { ratePerSecond: 2, burst: 2 };
    const standin = new AwsStandin({
      latencyMs: 30,
      limits: {
        'SageMaker.ListTrainingJobs': listLimit,
        'SageMaker.ListProcessingJobs': listLimit,
        'SageMaker.ListTransformJobs': listLimit,
        'SageMaker.ListHyperParameterTuningJobs': listLimit,
        'SageMaker.ListEndpoints': listLimit,
        'SageMaker.ListInferenceComponents': listLimit,
        'ResourceGroupsTaggingAPI_20170126.GetResources': { ratePerSecond: 5, burst: 5 },
        'StarlingDoveService.PutEvaluations': { ratePerSecond: 5, burst: 5 },
        'StarlingDoveService.GetComplianceDetailsByConfigRule': { ratePerSecond: 5, burst: 5 },
        Publish: { ratePerSecond: 10 },
      },
    });
    const url = await standin.start();
    process.env.AWS_ENDPOINT_URL = url;
    // Clients are created per run below, after AWS_ENDPOINT_URL points at the stand-in.
    const rows: Record<string, string | number>[] = [];
    const targets: BenchTarget[] = [];
    try {
      for (const size of SIZES) {
        const data = buildDataset(size);
        standin.resetStats();
        const counters = registerTagAudit(standin, data);
        const event = {
          configRuleName: 'ml-guardrails-sagemaker-required-tags',
          resultToken: `token-${size}`,
          accountId: '111122223333',
          invokingEvent: JSON.stringify({
            messageType: 'ScheduledNotification',
            notificationCreationTime: new Date().toISOString(),
          }),
        };
        const started = performance.now();
        const summary = await runTagAudit(event, {
          sagemaker: new SageMakerClient({}),
          tagging: new ResourceGroupsTaggingAPIClient({}),
          config: new ConfigServiceClient({}),
          sns: new SNSClient({}),
          policy: loadPolicyFile(EXAMPLE_POLICY_FILE),
          ownerTopicArn: 'arn:aws:sns:eu-west-1:111122223333:owners',
          region: 'eu-west-1',
          logger: { appendKeys: () => {}, debug: () => {}, info: () => {}, error: () => {} },
          count: () => {},
        });
        const wallMs = Math.round(performance.now() - started);
        const stat = (op: string) => standin.stats.get(op) ?? { calls: 0, throttled: 0 };
        const listCalls = [...standin.stats.entries()]
          .filter(([op]) => op.startsWith('SageMaker.List'))
          .reduce((n, [, s]) => n + s.calls, 0);
        const listThrottled = [...standin.stats.entries()]
          .filter(([op]) => op.startsWith('SageMaker.List'))
          .reduce((n, [, s]) => n + s.throttled, 0);
        rows.push({
          resources: size,
          stale: data.stale.length,
          previouslyEvaluated: data.previouslyEvaluated.length,
          complianceDetailsCalls: stat('StarlingDoveService.GetComplianceDetailsByConfigRule')
            .calls,
          wallSeconds: (wallMs / 1000).toFixed(1),
          sagemakerListCalls: listCalls,
          sagemakerThrottled: listThrottled,
          getResourcesCalls: stat('ResourceGroupsTaggingAPI_20170126.GetResources').calls,
          putEvaluationsCalls: stat('StarlingDoveService.PutEvaluations').calls,
          putEvaluationsThrottled: stat('StarlingDoveService.PutEvaluations').throttled,
          maxBatch: counters.largestPutEvaluations,
          evaluations: counters.evaluations,
          compliant: summary.compliant,
          nonCompliant: summary.nonCompliant,
          notApplicable: summary.notApplicable,
          ownerMessages: counters.published.length,
          largestMessageKB: (Math.max(0, ...counters.published.map((p) => p.bytes)) / 1024).toFixed(
            1,
          ),
          totalCalls: standin.totalCalls(),
        });
        const correct =
          summary.compliant === data.expected.compliant &&
          summary.nonCompliant === data.expected.nonCompliant &&
          summary.notApplicable === data.expected.notApplicable &&
          counters.evaluations === size + data.expected.notApplicable;
        targets.push(
          {
            description: `${size} resources: every resource evaluated exactly once, verdicts as seeded`,
            actual: `${counters.evaluations} evaluations; ${summary.compliant}/${summary.nonCompliant}/${summary.notApplicable} vs ${data.expected.compliant}/${data.expected.nonCompliant}/${data.expected.notApplicable}`,
            met: correct,
          },
          {
            description: `${size} resources: PutEvaluations batches of at most 100 with the event's result token`,
            actual: `largest ${counters.largestPutEvaluations}, tokens ${[...counters.resultTokens].join(',')}`,
            met: counters.largestPutEvaluations <= 100 && counters.resultTokens.size === 1,
          },
          {
            description: `${size} resources: finishes well within the 15-minute Lambda limit (< 5 min)`,
            actual: `${(wallMs / 1000).toFixed(1)} s`,
            met: wallMs < WALL_TIME_TARGET_MS,
          },
          {
            description: `${size} resources: one owner message per team, not per resource`,
            actual: `${counters.published.length} messages to ${[...new Set(counters.published.map((p) => p.team))].join(', ')}`,
            met: counters.published.length === new Set(counters.published.map((p) => p.team)).size,
          },
        );
      }
    } finally {
      await standin.stop();
    }
    printTable(rows);
    return { rows, targets };
  },
};

export default suite;
