/**
 * The restore function's orchestrator: validates the invocation payload (a person's
 * `{ "projectId", "endpointName"? }` or the next-period schedule's `{ "projectId", "trigger" }`),
 * runs the restore and sends its change event and report. Dependencies come in as parameters
 * (see handler.ts).
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import type { Project } from '../../lib/config/schema';
import type { ChangeEventSink } from '../shared/eventbridge';
import { publishReport } from '../shared/report-topic';
import '../shared/zod-messages';
import { restoreChangeDetail } from './change-events';
import { formatRestoreReport } from './report';
import { type RestoreReport, runRestore } from './restore';
import type { EndpointClients } from './to-zero';

/** The invocation payload. */
export const RestoreEventSchema = z.strictObject({
  projectId: z.string().check(z.minLength(1)),
  endpointName: z.optional(z.string().check(z.minLength(1), z.maxLength(63))),
  dryRun: z.optional(z.boolean()),
  /** What started the run: a person (default) or the next-period schedule. */
  trigger: z.optional(z.enum(['on-request', 'next-period'])),
});
export type RestoreEvent = z.infer<typeof RestoreEventSchema>;

/** Kept from the function's timeout after the waits: audit records, the report, the change event. */
export const FINISH_MS = 60_000;

/**
 * How long the restore function waits for re-created endpoints: until a minute before its
 * timeout, not the fixed 8 minutes of IN_SERVICE_WAIT (which `guardrails endpoints restore`
 * keeps). Creation can take longer than that: the AWS SDKs' `endpointInService` waiter polls
 * DescribeEndpoint every 30 seconds, at most 120 times, so for up to an hour (AWS SDK for
 * JavaScript v2 API reference, `SageMaker.waitFor('endpointInService')`).
 */
export function restoreWaitMs(remainingMs: number): number {
  return Math.max(0, remainingMs - FINISH_MS);
}

/** A payload that does not name a known project. */
export class RestoreInputError extends Error {
  override readonly name = 'RestoreInputError';
}

/** Validate the event against the schema and the policy's projects. */
export function parseRestoreEvent(event: unknown, projectIds: readonly string[]): RestoreEvent {
  const parsed = RestoreEventSchema.safeParse(event);
  if (!parsed.success)
    throw new RestoreInputError(
      `Invalid restore event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      { cause: parsed.error },
    );
  if (!projectIds.includes(parsed.data.projectId))
    throw new RestoreInputError(
      `Invalid restore event: projectId "${parsed.data.projectId}" is not a project of the policy (${projectIds.join(', ')})`,
    );
  return parsed.data;
}

/** The business metric of one restore result: `endpointsRestored`, `endpointsBlocked`, ... */
export function resultMetric(result: string): string {
  return `endpoints${result[0]?.toUpperCase()}${result.slice(1)}`;
}

/** Sends the report somewhere people read it (an SNS topic in the function). */
export type ReportSink = (projectId: string, subject: string, text: string) => Promise<void>;

/** What one restore invocation needs; the handler wires the real ones. */
export interface RestoreEventDeps {
  readonly clients: EndpointClients;
  readonly projectIds: readonly string[];
  readonly now?: () => Date;
  readonly runId: string;
  readonly report?: ReportSink;
  /** Sends the run's change event to PagerDuty's timeline (never rejects). */
  readonly changeEvents?: ChangeEventSink;
  readonly count: (metric: string, value: number) => void;
  readonly logger: {
    readonly appendKeys: (keys: Record<string, unknown>) => void;
    readonly info: (message: string, extra?: Record<string, unknown>) => void;
  };
}

/** One restore invocation: validate the event, restore, count, tell PagerDuty and the readers. */
export async function handleRestoreEvent(
  event: unknown,
  deps: RestoreEventDeps,
): Promise<RestoreReport> {
  const { logger } = deps;
  const input = parseRestoreEvent(event, deps.projectIds);
  logger.appendKeys({ projectId: input.projectId, endpointName: input.endpointName });
  const report = await runRestore(deps.clients, input, {
    now: deps.now ?? (() => new Date()),
    runId: deps.runId,
  });
  for (const o of report.outcomes) deps.count(resultMetric(o.result), 1);
  logger.info('restore finished', { report, trigger: input.trigger ?? 'on-request' });
  const change = restoreChangeDetail(report, input.trigger);
  if (change) await deps.changeEvents?.(change);
  // A scheduled run with nothing saved is the normal case: no message for it.
  if (deps.report && !report.nothingSaved)
    await deps.report(
      input.projectId,
      `ml-guardrails: endpoints restored for ${input.projectId}${input.trigger === 'next-period' ? ' (new budget period)' : ''}`,
      formatRestoreReport(report),
    );
  return report;
}

/**
 * The report topic as the sink: addressed to the project's finance and owner emails, like the
 * auto-stop report (the topic's subscriptions filter on the `recipients` attribute).
 */
export function snsReport(
  client: SNSClient,
  topicArn: string,
  projects: readonly Pick<Project, 'id' | 'financeEmails' | 'ownerEmails'>[],
): ReportSink {
  return async (projectId, subject, text) => {
    const project = projects.find((p) => p.id === projectId);
    if (project) await publishReport(client, topicArn, project, { subject, body: text });
  };
}
