/**
 * AWS Config adapter: reports evaluations with the event's result token, in calls of at most 100
 * (API_PutEvaluations), and reads which resources this rule reported before so that resources
 * gone since are marked NOT_APPLICABLE rather than left with a stale result.
 */
import {
  type ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
  type Evaluation,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { type RetryOptions, retry as retryThrottled } from '../shared/retry';
import { type ConfigEvaluation, chunk, MAX_EVALUATIONS_PER_CALL } from './evaluate';
import type { RecorderState } from './recorder';

/** IAM actions this adapter needs. */
export const CONFIG_ACTIONS = [
  'config:PutEvaluations',
  'config:GetComplianceDetailsByConfigRule',
] as const;

/** `GetComplianceDetailsByConfigRule` returns at most 100 results per page (`Limit`). */
const DETAILS_PAGE_SIZE = 100;

/** Raised when Config refused some evaluations; the invocation fails so Lambda retries it. */
export class PutEvaluationsFailedError extends Error {
  override readonly name = 'PutEvaluationsFailedError';
  constructor(readonly failed: readonly Evaluation[]) {
    super(
      `AWS Config rejected ${failed.length} evaluation(s), first: ${failed[0]?.ComplianceResourceId ?? '?'}`,
    );
  }
}

export interface PutResult {
  readonly calls: number;
  readonly failed: Evaluation[];
}

/** Send every evaluation, `concurrency` calls at a time (default 2); returns the ones Config rejected. */
export async function putEvaluations(
  client: ConfigServiceClient,
  resultToken: string,
  evaluations: readonly ConfigEvaluation[],
  options: { readonly concurrency?: number; readonly retry?: RetryOptions } = {},
): Promise<PutResult> {
  const batches = chunk(evaluations, MAX_EVALUATIONS_PER_CALL);
  const failed: Evaluation[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      if (!batch) break;
      const out = await retryThrottled(
        () =>
          client.send(
            new PutEvaluationsCommand({ ResultToken: resultToken, Evaluations: [...batch] }),
          ),
        options.retry,
      );
      failed.push(...(out.FailedEvaluations ?? []));
    }
  };
  // Two calls in flight: gentle on a quota we do not know, and enough for 10,000 resources (bench).
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, batches.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { calls: batches.length, failed };
}

/** Resource ids this rule last reported as COMPLIANT or NON_COMPLIANT, all pages. */
export async function previouslyEvaluated(
  client: ConfigServiceClient,
  configRuleName: string,
  resourceType: string,
  retry: RetryOptions = {},
): Promise<{ resourceIds: string[]; pages: number }> {
  const resourceIds: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await retryThrottled(
      () =>
        client.send(
          new GetComplianceDetailsByConfigRuleCommand({
            ConfigRuleName: configRuleName,
            ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
            Limit: DETAILS_PAGE_SIZE,
            NextToken: token,
          }),
        ),
      retry,
    );
    pages++;
    for (const r of out.EvaluationResults ?? []) {
      const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
      if (q?.ResourceId && q.ResourceType === resourceType) resourceIds.push(q.ResourceId);
    }
    token = out.NextToken || undefined;
  } while (token !== undefined);
  return { resourceIds, pages };
}

/** IAM actions {@link readRecorders} needs (no resource-level permissions: `Resource: *`). */
export const RECORDER_READ_ACTIONS = [
  'config:DescribeConfigurationRecorders',
  'config:DescribeConfigurationRecorderStatus',
] as const;

/** The configuration recorders of the client's account and region, with whether each records. */
export async function readRecorders(
  client: ConfigServiceClient,
  retry?: RetryOptions,
): Promise<RecorderState[]> {
  const recorders = await retryThrottled(
    () => client.send(new DescribeConfigurationRecordersCommand({})),
    retry,
  );
  const names = (recorders.ConfigurationRecorders ?? []).flatMap((r) => (r.name ? [r.name] : []));
  if (names.length === 0) return [];
  const status = await retryThrottled(
    () =>
      client.send(
        new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: names }),
      ),
    retry,
  );
  return names.map((name) => ({
    name,
    recording:
      status.ConfigurationRecordersStatus?.find((s) => s.name === name)?.recording === true,
  }));
}
