/**
 * Adapter: the one writer of audit items in the auto-stop DynamoDB table
 * (pk `PROJECT#<id>`, sk `AUDIT#<ISO time>#<resource ARN>`). The `SAVED#` key space of the same
 * table belongs to the endpoint handler. Actions are written one by one as they complete
 * (`put`); skips and plans in batches at the end of a run (`write`).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../shared/concurrency';
import { isRetryableError, type RetryOptions, retry } from '../shared/retry';
import type { Outcome } from './types';

/** IAM actions the audit writer needs on the table. */
export const AUDIT_WRITE_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'] as const;

/** BatchWriteItem takes at most 25 items per call. */
const BATCH = 25;
const WRITE_CONCURRENCY = 4;

export interface AuditContext {
  readonly projectId: string;
  readonly notificationId: string;
  readonly time: Date;
}

/** The audit item for one outcome. */
export function auditItem(ctx: AuditContext, outcome: Outcome): Record<string, unknown> {
  const time = ctx.time.toISOString();
  return {
    pk: `PROJECT#${ctx.projectId}`,
    sk: `AUDIT#${time}#${outcome.resourceArn}`,
    project: ctx.projectId,
    resourceArn: outcome.resourceArn,
    kind: outcome.kind,
    name: outcome.name,
    priorState: outcome.priorState,
    action: outcome.action,
    result: outcome.result,
    reason: outcome.reason,
    ...(outcome.error ? { error: outcome.error } : {}),
    time,
    notificationId: ctx.notificationId,
  };
}

/** BatchWriteItem left items unprocessed (throttled): retried like a throttling error. */
export class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
}

export class AuditLog {
  private readonly retryOptions: RetryOptions;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    retryOptions: RetryOptions = {},
  ) {
    this.retryOptions = {
      attempts: 8,
      retryOn: (err) => err instanceof UnprocessedItemsError || isRetryableError(err),
      ...retryOptions,
    };
  }

  /** One outcome, written at once (an action that just completed). */
  async put(ctx: AuditContext, outcome: Outcome): Promise<void> {
    await retry(
      () =>
        this.client.send(
          new PutCommand({ TableName: this.tableName, Item: auditItem(ctx, outcome) }),
        ),
      this.retryOptions,
    );
  }

  /** Many outcomes, in batches of 25 with unprocessed items retried. */
  async write(ctx: AuditContext, outcomes: readonly Outcome[]): Promise<void> {
    const batches: Outcome[][] = [];
    for (let i = 0; i < outcomes.length; i += BATCH) batches.push(outcomes.slice(i, i + BATCH));
    // A few batches in flight: 1,000 outcomes are 40 calls, which in a row would add seconds.
    await mapLimit(batches, WRITE_CONCURRENCY, (batch) => this.writeBatch(ctx, batch));
  }

  private async writeBatch(ctx: AuditContext, batch: readonly Outcome[]): Promise<void> {
    let requests = batch.map((o) => ({ PutRequest: { Item: auditItem(ctx, o) } }));
    await retry(async () => {
      const reply = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
      );
      requests = (reply.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      if (requests.length > 0)
        throw new UnprocessedItemsError(
          `Audit table ${this.tableName}: ${requests.length} items unprocessed`,
        );
    }, this.retryOptions);
  }
}
