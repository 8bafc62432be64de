/**
 * Adapter: one audit item per outcome in the auto-stop DynamoDB table
 * (pk `PROJECT#<id>`, sk `AUDIT#<ISO time>#<resource ARN>`). The `SAVED#` key space of the same
 * table belongs to the endpoint handler.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../shared/concurrency';
import type { Outcome } from './types';

/** IAM actions the audit writer needs on the table. */
export const AUDIT_WRITE_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'] as const;

/** BatchWriteItem takes at most 25 items per call. */
const BATCH = 25;
const MAX_ATTEMPTS = 8;
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

/** Writes audit items in batches of 25, retrying unprocessed items with backoff. */
export class AuditLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
  ) {}

  async write(ctx: AuditContext, outcomes: readonly Outcome[]): Promise<void> {
    const batches: Outcome[][] = [];
    for (let i = 0; i < outcomes.length; i += BATCH) batches.push(outcomes.slice(i, i + BATCH));
    // A few batches in flight: 1,000 outcomes are 40 calls, which in a row would add seconds.
    await mapLimit(batches, WRITE_CONCURRENCY, (batch) => this.writeBatch(ctx, batch));
  }

  private async writeBatch(ctx: AuditContext, batch: readonly Outcome[]): Promise<void> {
    let requests = batch.map((o) => ({ PutRequest: { Item: auditItem(ctx, o) } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS)
        throw new Error(
          `Audit table ${this.tableName}: ${requests.length} items still unprocessed after ${MAX_ATTEMPTS} attempts`,
        );
      const reply = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
      );
      requests = (reply.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      if (requests.length > 0) await this.sleep(Math.min(2000, 50 * 2 ** attempt));
    }
  }
}
