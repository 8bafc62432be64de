/**
 * Saved endpoint state and restore audit records in the auto-stop audit table (partition key
 * `pk`, sort key `sk`): `PROJECT#<id>` / `SAVED#<endpointName>` holds what is needed to bring an
 * endpoint back; `PROJECT#<id>` / `AUDIT#<ISO time>#<arn>` is one audit record.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { awsErrorName } from '../shared/errors';
import type { RetryOptions } from '../shared/retry';
import { withRetry } from './aws';
import type { SavedEndpoint } from './types';

/** IAM actions this adapter needs on the table. */
export const ENDPOINT_STATE_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
] as const;

export interface StateStore {
  readonly ddb: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly retry?: RetryOptions;
}

export function projectPk(projectId: string): string {
  return `PROJECT#${projectId}`;
}

export function savedSk(endpointName: string): string {
  return `SAVED#${endpointName}`;
}

/** Drop `undefined` (DynamoDB rejects it unless the client is told to remove it). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Save an endpoint's state unless a saved state already exists: the first save holds the values
 * from before auto-stop, so a second notification (which sees minimums already at 0) never
 * overwrites them. Returns `kept-existing` when an earlier save was kept.
 */
export async function saveEndpointState(
  store: StateStore,
  saved: SavedEndpoint,
): Promise<'saved' | 'kept-existing'> {
  try {
    await withRetry(
      () =>
        store.ddb.send(
          new PutCommand({
            TableName: store.tableName,
            Item: {
              pk: projectPk(saved.projectId),
              sk: savedSk(saved.endpointName),
              recordType: 'saved-endpoint',
              ...plain(saved),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      store.retry,
    );
    return 'saved';
  } catch (err) {
    if (
      err instanceof ConditionalCheckFailedException ||
      awsErrorName(err) === 'ConditionalCheckFailedException'
    )
      return 'kept-existing';
    throw err;
  }
}

function toSaved(item: Record<string, unknown>): SavedEndpoint {
  const { pk: _pk, sk: _sk, recordType: _type, ...rest } = item;
  return rest as unknown as SavedEndpoint;
}

/** The saved endpoints of a project (one when `endpointName` is given), read to the last page. */
export async function loadSavedEndpoints(
  store: StateStore,
  projectId: string,
  endpointName?: string,
): Promise<SavedEndpoint[]> {
  if (endpointName !== undefined) {
    const got = await withRetry(
      () =>
        store.ddb.send(
          new GetCommand({
            TableName: store.tableName,
            Key: { pk: projectPk(projectId), sk: savedSk(endpointName) },
            ConsistentRead: true,
          }),
        ),
      store.retry,
    );
    return got.Item ? [toSaved(got.Item)] : [];
  }
  const out: SavedEndpoint[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await withRetry(
      () =>
        store.ddb.send(
          new QueryCommand({
            TableName: store.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :saved)',
            ExpressionAttributeValues: { ':pk': projectPk(projectId), ':saved': 'SAVED#' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      store.retry,
    );
    for (const item of page.Items ?? []) out.push(toSaved(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Record that restore re-issued CreateEndpoint, so its scaling is put back on a later run. */
export async function markRecreated(
  store: StateStore,
  saved: Pick<SavedEndpoint, 'projectId' | 'endpointName'>,
  at: string,
): Promise<void> {
  await withRetry(
    () =>
      store.ddb.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: { pk: projectPk(saved.projectId), sk: savedSk(saved.endpointName) },
          UpdateExpression: 'SET recreatedAt = :at',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    store.retry,
  );
}

/** Forget a saved endpoint once it is fully restored. */
export async function deleteSavedEndpoint(
  store: StateStore,
  saved: Pick<SavedEndpoint, 'projectId' | 'endpointName'>,
): Promise<void> {
  await withRetry(
    () =>
      store.ddb.send(
        new DeleteCommand({
          TableName: store.tableName,
          Key: { pk: projectPk(saved.projectId), sk: savedSk(saved.endpointName) },
        }),
      ),
    store.retry,
  );
}

/** One audit record (same layout as the auto-stop records). */
export interface AuditRecord {
  readonly projectId: string;
  readonly resourceArn: string;
  readonly kind: string;
  readonly name: string;
  readonly priorState: string;
  readonly action: string;
  readonly result: string;
  readonly reason: string;
  readonly error?: string;
  /** ISO time of the action. */
  readonly time: string;
  /** What caused it: a notification id, or `restore:<run id>`. */
  readonly notificationId: string;
}

/**
 * Write one audit record; with `forget`, also delete that saved endpoint in the same transaction,
 * so a finished restore is recorded and forgotten together (or neither, and the next run repeats
 * it). Transactions need no IAM action of their own: "Permissions for Put, Update, Delete, and Get
 * actions are governed by the permissions used for the underlying PutItem, UpdateItem,
 * DeleteItem, and GetItem operations" (DynamoDB Developer Guide, "Using IAM with DynamoDB
 * transactions").
 */
export async function writeAuditRecord(
  store: StateStore,
  record: AuditRecord,
  forget?: Pick<SavedEndpoint, 'projectId' | 'endpointName'>,
): Promise<void> {
  const item = {
    pk: projectPk(record.projectId),
    sk: `AUDIT#${record.time}#${record.resourceArn}`,
    recordType: 'audit',
    ...plain(record),
  };
  if (!forget) {
    await withRetry(
      () => store.ddb.send(new PutCommand({ TableName: store.tableName, Item: item })),
      store.retry,
    );
    return;
  }
  await withRetry(
    () =>
      store.ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: store.tableName, Item: item } },
            {
              Delete: {
                TableName: store.tableName,
                Key: { pk: projectPk(forget.projectId), sk: savedSk(forget.endpointName) },
              },
            },
          ],
        }),
      ),
    store.retry,
  );
}
