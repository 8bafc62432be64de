/**
 * The tag-compliance orchestrator: one periodic evaluation of the AWS Config rule. Audits the tags
 * of the SageMaker resources Config does not record in every region the policy lists, reports
 * every verdict with PutEvaluations, then sends each owner team one message. Clients, logger and
 * metrics come in as parameters (see handler.ts).
 */
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SNSClient } from '@aws-sdk/client-sns';
import { projectRegions } from '../../lib/config/naming';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import type { RetryOptions } from '../shared/retry';
import { type AuditClients, auditAccount, emailTeamsOf } from './audit';
import { PutEvaluationsFailedError, previouslyEvaluated, putEvaluations } from './config';
import { EVALUATION_RESOURCE_TYPE, ownerReports, summarize, toEvaluations } from './evaluate';
import { parseConfigRuleEvent } from './event';
import { publishOwnerReports } from './notify';

export interface TagAuditDeps {
  readonly sagemaker: SageMakerClient;
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly config: ConfigServiceClient;
  readonly sns: SNSClient;
  readonly policy: GuardrailsPolicy;
  readonly ownerTopicArn: string;
  readonly region?: string;
  /**
   * Clients for another region the policy lists (`regions`); `sagemaker` and `tagging` serve
   * `region`. @default - none: only `region` is audited
   */
  readonly clientsFor?: (region: string) => AuditClients;
  readonly retry?: RetryOptions;
  readonly now?: () => Date;
  readonly logger: {
    readonly appendKeys: (keys: Record<string, unknown>) => void;
    readonly debug: (message: string, extra?: Record<string, unknown>) => void;
    readonly info: (message: string, extra?: Record<string, unknown>) => void;
    readonly error: (message: string, extra?: Record<string, unknown>) => void;
  };
  /** Adds to a count metric (one metric per figure of the summary, plus throttled requests). */
  readonly count: (metric: string, value: number) => void;
}

export interface TagAuditSummary {
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
  readonly putEvaluationsCalls: number;
  readonly ownerMessages: number;
}

/** One evaluation run; throws if Config rejects any evaluation, so the invocation fails visibly. */
export async function runTagAudit(raw: unknown, deps: TagAuditDeps): Promise<TagAuditSummary> {
  const event = parseConfigRuleEvent(raw);
  const now = deps.now ?? (() => new Date());
  const { logger } = deps;
  logger.appendKeys({ configRuleName: event.configRuleName });

  // One retry policy for every call; throttled requests are counted for one metric at the end.
  let throttled = 0;
  const retry: RetryOptions = {
    ...deps.retry,
    onRetry: (attempt, err) => {
      throttled++;
      logger.debug('throttled, retrying', { attempt, error: String(err) });
    },
  };
  // One audit per region the policy's projects run in, with that region's clients. The rule
  // reports every resource under AWS::::Account with its ARN, so other regions' resources fit.
  const regions = auditRegions(deps.policy, deps.region);
  let reported: Promise<readonly string[]> | undefined;
  const reportedIn = async (region: string | undefined) => {
    reported ??= previouslyEvaluated(
      deps.config,
      event.configRuleName,
      EVALUATION_RESOURCE_TYPE,
      retry,
    ).then((r) => r.resourceIds);
    const all = await reported;
    return region === undefined ? all : all.filter((arn) => arnRegion(arn) === region);
  };
  const audits = [];
  for (const region of regions.length > 0 ? regions : [deps.region]) {
    const clients =
      region === undefined || region === deps.region ? deps : deps.clientsFor?.(region);
    if (!clients) throw new Error(`Tag audit: no clients for region ${region}`);
    audits.push(
      await auditAccount(clients, deps.policy, {
        previouslyEvaluated: () => reportedIn(region),
        retry,
        jobLookbackDays: deps.policy.tagCompliance.jobLookbackDays,
        now,
      }),
    );
  }
  const audit = {
    verdicts: audits.flatMap((a) => a.verdicts),
    requests: audits.map((a) => a.requests),
  };
  const counts = summarize(audit.verdicts);
  logger.info('tag audit evaluated', { ...counts, requests: audit.requests });

  // Periodic evaluations are stamped with the notification time; an unreadable one falls back to now.
  const notified = new Date(event.invokingEvent.notificationCreationTime ?? Number.NaN);
  const timestamp = Number.isNaN(notified.getTime()) ? now() : notified;
  const put = await putEvaluations(
    deps.config,
    event.resultToken,
    toEvaluations(audit.verdicts, timestamp),
    { retry },
  );
  if (put.failed.length > 0) {
    logger.error('AWS Config rejected evaluations', { failed: put.failed.slice(0, 10) });
    throw new PutEvaluationsFailedError(put.failed);
  }

  const reports = ownerReports(audit.verdicts, {
    emailTeams: emailTeamsOf(deps.policy),
    platformTeam: deps.policy.paging.platformTeam,
    accountId: event.accountId,
    region: regions.join(', '),
  });
  const sent = await publishOwnerReports(deps.sns, deps.ownerTopicArn, reports, retry);

  deps.count('resourcesCompliant', counts.COMPLIANT);
  deps.count('resourcesNonCompliant', counts.NON_COMPLIANT);
  deps.count('resourcesNotApplicable', counts.NOT_APPLICABLE);
  deps.count('ownerMessagesSent', sent);
  deps.count('throttledRequests', throttled);
  return {
    compliant: counts.COMPLIANT,
    nonCompliant: counts.NON_COMPLIANT,
    notApplicable: counts.NOT_APPLICABLE,
    putEvaluationsCalls: put.calls,
    ownerMessages: sent,
  };
}

/**
 * Regions to audit: every region a project lists (`projectRegions`), the function's own region
 * for projects that list none. Without a known own region, only the listed ones.
 */
export function auditRegions(
  policy: Pick<GuardrailsPolicy, 'projects'>,
  ownRegion: string | undefined,
): string[] {
  const regions = new Set<string>();
  for (const project of policy.projects)
    for (const region of ownRegion ? projectRegions(project, ownRegion) : project.regions)
      regions.add(region);
  return [...regions].sort();
}

/** Region field of an ARN (`arn:partition:service:region:account:resource`). */
const arnRegion = (arn: string) => arn.split(':')[3];
