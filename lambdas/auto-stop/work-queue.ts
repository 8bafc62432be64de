/**
 * Fan-out: `act` decisions that one invocation cannot safely finish are sent in batches to an SQS
 * work queue, consumed by the worker function. The message carries everything `act` needs, so
 * the worker does not rediscover.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { RESOURCE_KINDS } from '../../lib/config/constants';
import '../shared/zod-messages';
import { isRetryableError, type RetryOptions, retry } from '../shared/retry';
import type { Decision } from './types';

/** IAM action the orchestrator needs on the work queue. */
export const WORK_QUEUE_SEND_ACTIONS = ['sqs:SendMessage'] as const;

/** Decisions per message: large enough to keep calls few. */
export const DECISIONS_PER_MESSAGE = 25;
/**
 * Bytes per message and per SendMessageBatch call: SQS caps a message, and the sum of a batch,
 * at 256 KiB. Endpoint decisions carry their details (variants, scaling), so size counts too.
 */
const MAX_MESSAGE_BYTES = 60_000;
const MAX_BATCH_BYTES = 240_000;
/** SendMessageBatch takes at most 10 entries. */
const ENTRIES_PER_CALL = 10;

export const WorkItemSchema = z.object({
  arn: z.string().check(z.minLength(1)),
  kind: z.enum(RESOURCE_KINDS),
  name: z.string().check(z.minLength(1)),
  status: z.string(),
  tags: z.record(z.string(), z.string()),
  action: z.string().check(z.minLength(1)),
  reason: z.string(),
  /** Kind-specific facts `act` needs (an endpoint's variants and scaling); absent for jobs. */
  details: z.optional(z.record(z.string(), z.unknown())),
});

/** One work-queue message. */
export const WorkMessageSchema = z.object({
  version: z.literal(1),
  notificationId: z.string().check(z.minLength(1)),
  projectId: z.string().check(z.minLength(1)),
  items: z.array(WorkItemSchema).check(z.minLength(1)),
});
export type WorkMessage = z.infer<typeof WorkMessageSchema>;
type WorkItem = z.infer<typeof WorkItemSchema>;

/** The message bodies for a list of `act` decisions. */
export function workMessages(
  projectId: string,
  notificationId: string,
  decisions: readonly Extract<Decision, { type: 'act' }>[],
): WorkMessage[] {
  const messages: WorkMessage[] = [];
  let items: WorkItem[] = [];
  let bytes = 0;
  const flush = () => {
    if (items.length > 0) messages.push({ version: 1, notificationId, projectId, items });
    items = [];
    bytes = 0;
  };
  for (const d of decisions) {
    const item: WorkItem = {
      arn: d.resource.arn,
      kind: d.resource.kind,
      name: d.resource.name,
      status: d.resource.status,
      tags: { ...d.resource.tags },
      action: d.action,
      reason: d.reason,
      ...(d.resource.details ? { details: { ...d.resource.details } } : {}),
    };
    const size = Buffer.byteLength(JSON.stringify(item));
    if (
      items.length >= DECISIONS_PER_MESSAGE ||
      (items.length > 0 && bytes + size > MAX_MESSAGE_BYTES)
    )
      flush();
    items.push(item);
    bytes += size;
  }
  flush();
  return messages;
}

/** The decisions a work message carries, back in the shape `act` takes. */
export function decisionsOf(message: WorkMessage): Extract<Decision, { type: 'act' }>[] {
  return message.items.map((i) => ({
    type: 'act',
    action: i.action,
    reason: i.reason,
    resource: {
      arn: i.arn,
      kind: i.kind,
      name: i.name,
      status: i.status,
      tags: i.tags,
      ...(i.details ? { details: i.details } : {}),
    },
  }));
}

/** SendMessageBatch left entries failed: retried like a throttling error. */
export class FailedEntriesError extends Error {
  override readonly name = 'FailedEntriesError';
}

/** Sends work messages; throws if any entry still fails after retries (nothing is dropped silently). */
export class WorkQueue {
  private readonly retryOptions: RetryOptions;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    retryOptions: RetryOptions = {},
  ) {
    this.retryOptions = {
      attempts: 5,
      retryOn: (err) => err instanceof FailedEntriesError || isRetryableError(err),
      ...retryOptions,
    };
  }

  async send(messages: readonly WorkMessage[]): Promise<number> {
    for (const batch of batches(messages.map((m) => JSON.stringify(m)))) {
      let entries = batch;
      await retry(async () => {
        const reply = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((reply.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length > 0)
          throw new FailedEntriesError(
            `Work queue: ${entries.length} batches of stop requests could not be sent`,
          );
      }, this.retryOptions);
    }
    return messages.length;
  }
}

/** Message bodies grouped into SendMessageBatch calls: at most 10 entries and 240 KB each. */
function batches(bodies: readonly string[]): { Id: string; MessageBody: string }[][] {
  const calls: { Id: string; MessageBody: string }[][] = [];
  let current: { Id: string; MessageBody: string }[] = [];
  let bytes = 0;
  bodies.forEach((body, i) => {
    const size = Buffer.byteLength(body);
    if (
      current.length >= ENTRIES_PER_CALL ||
      (current.length > 0 && bytes + size > MAX_BATCH_BYTES)
    ) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ Id: String(i), MessageBody: body });
    bytes += size;
  });
  if (current.length > 0) calls.push(current);
  return calls;
}
