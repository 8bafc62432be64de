/**
 * Adapter for the period guard's DynamoDB table (pk `PROJECT#<id>`; TTL attribute `expiresAt`):
 * - `HOLD`: the project's hold, expiring when the budget period ends;
 * - `CLAIM#<period>#<arn>`: the last verdict carried out for a resource in the period;
 * - `DIGEST#<day>#<time>#<arn>`: one line of the project's daily digest;
 * - `DIGESTSENT#<day>`: the digest of that day went out.
 * Hold changes (recorded, released, lifted) are also written to the auto-stop audit table, in
 * its `AUDIT#<time>#<subject>` key space.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ResourceKind } from '../../../lib/config/schema';
import type { OutcomeResult } from '../types';
import { ACT_LEASE_MS, type Claim, type Hold } from './decide';

/** IAM actions the guard needs on its table. */
export const GUARD_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
] as const;

/** Digest lines are kept this long after their day (re-sending a digest, investigations). */
const DIGEST_RETENTION_SECONDS = 40 * 24 * 3600;
/** Claims outlive their period by a day, so a late event of the old period finds them. */
const CLAIM_GRACE_SECONDS = 24 * 3600;

/** One line of a project's daily digest. */
export interface DigestEntry {
  /** ISO time of the decision. */
  readonly time: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly result: OutcomeResult;
  readonly action: string;
  readonly reason: string;
  /** Found by a state-change event or by the sweep. */
  readonly source: 'event' | 'sweep';
  readonly hourlyUsd?: number;
  readonly error?: string;
}

/** The guard's state, as the orchestrator sees it (tests use an in-memory implementation). */
export interface GuardStore {
  getHold(projectId: string): Promise<Hold | undefined>;
  putHold(hold: Hold): Promise<void>;
  /** Removes the hold; resolves to the removed hold, if there was one. */
  deleteHold(projectId: string): Promise<Hold | undefined>;
  /** Records `verdict` for the resource if {@link claimAllowed}; false when another run has it. */
  claim(hold: Hold, arn: string, verdict: Claim['verdict'], nowMs: number): Promise<boolean>;
  /** Forgets a claim (the action failed), so the next event or sweep tries again. */
  unclaim(hold: Hold, arn: string): Promise<void>;
  addDigestEntry(projectId: string, entry: DigestEntry): Promise<void>;
  digestEntries(projectId: string, day: string): Promise<DigestEntry[]>;
  /** Marks the day's digest as sent; false if it already was. */
  markDigestSent(projectId: string, day: string, nowMs: number): Promise<boolean>;
  unmarkDigestSent(projectId: string, day: string): Promise<void>;
}

const pk = (projectId: string) => `PROJECT#${projectId}`;
const epochSeconds = (ms: number) => Math.floor(ms / 1000);

function conditionFailed(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException'
  );
}

/** {@link GuardStore} on DynamoDB. */
export class DynamoGuardStore implements GuardStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getHold(projectId: string): Promise<Hold | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(projectId), sk: 'HOLD' },
        ConsistentRead: true,
      }),
    );
    return Item ? holdOf(Item) : undefined;
  }

  async putHold(hold: Hold): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: pk(hold.projectId),
          sk: 'HOLD',
          ...hold,
          expiresAt: epochSeconds(Date.parse(hold.periodEnd)),
        },
      }),
    );
  }

  async deleteHold(projectId: string): Promise<Hold | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: pk(projectId), sk: 'HOLD' },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes ? holdOf(Attributes) : undefined;
  }

  async claim(hold: Hold, arn: string, verdict: Claim['verdict'], nowMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: pk(hold.projectId),
            sk: `CLAIM#${hold.periodId}#${arn}`,
            verdict,
            claimedAt: nowMs,
            expiresAt: epochSeconds(Date.parse(hold.periodEnd)) + CLAIM_GRACE_SECONDS,
          },
          // claimAllowed, as a condition: new, another verdict, or a stop repeated after the lease.
          ConditionExpression:
            'attribute_not_exists(pk) OR verdict <> :verdict OR (verdict = :act AND claimedAt < :leaseStart)',
          ExpressionAttributeValues: {
            ':verdict': verdict,
            ':act': 'act',
            ':leaseStart': nowMs - ACT_LEASE_MS,
          },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }

  async unclaim(hold: Hold, arn: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: pk(hold.projectId), sk: `CLAIM#${hold.periodId}#${arn}` },
      }),
    );
  }

  async addDigestEntry(projectId: string, entry: DigestEntry): Promise<void> {
    const day = entry.time.slice(0, 10);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: pk(projectId),
          sk: `DIGEST#${day}#${entry.time}#${entry.arn}`,
          ...entry,
          expiresAt: epochSeconds(Date.parse(`${day}T00:00:00Z`)) + DIGEST_RETENTION_SECONDS,
        },
      }),
    );
  }

  async digestEntries(projectId: string, day: string): Promise<DigestEntry[]> {
    const entries: DigestEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk(projectId), ':prefix': `DIGEST#${day}#` },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) entries.push(digestEntryOf(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  async markDigestSent(projectId: string, day: string, nowMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: pk(projectId),
            sk: `DIGESTSENT#${day}`,
            sentAt: new Date(nowMs).toISOString(),
            expiresAt: epochSeconds(nowMs) + DIGEST_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }

  async unmarkDigestSent(projectId: string, day: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: pk(projectId), sk: `DIGESTSENT#${day}` },
      }),
    );
  }
}

function str(item: Record<string, unknown>, key: string): string {
  const v = item[key];
  return typeof v === 'string' ? v : '';
}

function holdOf(item: Record<string, unknown>): Hold {
  const mode = str(item, 'mode');
  return {
    projectId: str(item, 'projectId'),
    periodId: str(item, 'periodId'),
    periodEnd: str(item, 'periodEnd'),
    mode: mode === 'dry-run' || mode === 'off' ? mode : 'enforce',
    accountId: str(item, 'accountId'),
    budgetName: str(item, 'budgetName'),
    createdAt: str(item, 'createdAt'),
    reason: str(item, 'reason'),
    notificationId: str(item, 'notificationId'),
  };
}

function digestEntryOf(item: Record<string, unknown>): DigestEntry {
  const hourly = item.hourlyUsd;
  return {
    time: str(item, 'time'),
    kind: str(item, 'kind') as ResourceKind,
    name: str(item, 'name'),
    arn: str(item, 'arn'),
    region: str(item, 'region'),
    result: str(item, 'result') as OutcomeResult,
    action: str(item, 'action'),
    reason: str(item, 'reason'),
    source: str(item, 'source') === 'sweep' ? 'sweep' : 'event',
    ...(typeof hourly === 'number' ? { hourlyUsd: hourly } : {}),
    ...(typeof item.error === 'string' ? { error: item.error } : {}),
  };
}

/** A change to a hold, for the audit table. */
export interface HoldAuditEvent {
  readonly projectId: string;
  readonly action: 'record-hold' | 'release-hold' | 'lift-hold';
  readonly periodId: string;
  readonly reason: string;
  /** Who: `notification:<id>`, `cli:<user>`, `sweep`. */
  readonly by: string;
  readonly time: Date;
}

/** Writes one audit item per hold change, next to the resource audit items of the project. */
export async function writeHoldAudit(
  client: DynamoDBDocumentClient,
  auditTableName: string,
  event: HoldAuditEvent,
): Promise<void> {
  const time = event.time.toISOString();
  await client.send(
    new PutCommand({
      TableName: auditTableName,
      Item: {
        pk: pk(event.projectId),
        sk: `AUDIT#${time}#hold/${event.periodId}`,
        project: event.projectId,
        kind: 'hold',
        action: event.action,
        result: 'done',
        reason: event.reason,
        by: event.by,
        periodId: event.periodId,
        time,
        notificationId: event.by,
      },
    }),
  );
}
