/**
 * The one call the notification function makes into the period guard: after a verified
 * notification crossed the threshold (enforce or dry-run), record the hold for the period.
 * Without GUARD_TABLE_NAME (the guard is not deployed, or a local run) nothing is recorded.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RunReport } from '../run-report';
import { recordHold } from './guard';
import { DynamoGuardStore, writeHoldAudit } from './store';

export type HoldRecorder = (
  report: RunReport,
  fallbackAccountId: string | undefined,
) => Promise<void>;

export function holdRecorder(
  dynamo: DynamoDBDocumentClient,
  env: NodeJS.ProcessEnv = process.env,
  now: () => Date = () => new Date(),
): HoldRecorder | undefined {
  const guardTable = env.GUARD_TABLE_NAME;
  if (!guardTable) return undefined;
  const auditTable = env.AUDIT_TABLE_NAME;
  const store = new DynamoGuardStore(dynamo, guardTable);
  return async (report, fallbackAccountId) => {
    await recordHold(
      {
        store,
        ...(auditTable ? { holdAudit: (event) => writeHoldAudit(dynamo, auditTable, event) } : {}),
      },
      report,
      fallbackAccountId,
      now(),
    );
  };
}
