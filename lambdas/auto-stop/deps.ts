/**
 * The orchestrator's dependencies from settings and clients, for the handler, the worker and the
 * CLI: the endpoint handler adapted to the orchestrator's clients, the audit log, the work queue
 * and the listing pace.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { AuditLog } from './audit';
import type { AutoStopSdk } from './clients';
import { endpointHandler } from './kinds/endpoint';
import type { AutoStopDeps } from './orchestrator';
import { Pacer } from './pacer';
import type { AutoStopEnv } from './settings';
import type { KindHandler, Progress, SageMakerClients } from './types';
import { WorkQueue } from './work-queue';

/**
 * The endpoint handler on the orchestrator's clients. Before changing an endpoint it saves what
 * restore needs in the audit table, so acting needs the table; discovery and planning do not.
 */
export function endpointKindHandler(
  dynamo: DynamoDBDocumentClient,
  tableName: string | undefined,
): KindHandler<SageMakerClients> {
  const clients = (c: SageMakerClients, table = '') => ({
    sagemaker: c.sagemaker,
    autoscaling: c.autoScaling,
    ddb: dynamo,
    tableName: table,
  });
  return {
    kinds: endpointHandler.kinds,
    taggingTypes: endpointHandler.taggingTypes,
    discover: (c, tagged, ctx) => endpointHandler.discover(clients(c), tagged, ctx),
    plan: (resource, settings) => endpointHandler.plan(resource, settings),
    act: async (c, decision, ctx) => {
      if (!tableName)
        throw new Error(
          'Changing endpoints needs AUDIT_TABLE_NAME: their state is saved there for restore',
        );
      return endpointHandler.act(clients(c, tableName), decision, ctx);
    },
  };
}

/** The orchestrator's dependencies from the documented settings. */
export function buildDeps(
  policy: GuardrailsPolicy,
  sdk: AutoStopSdk,
  env: AutoStopEnv,
  options: { accountId?: string; now?: () => Date; onProgress?: (p: Progress) => void } = {},
): AutoStopDeps {
  const pacer = new Pacer(env.listRate);
  return {
    policy,
    budgets: sdk.budgets,
    regions: sdk.regions,
    deploymentRegion: env.region,
    accountId: options.accountId,
    handlers: [endpointKindHandler(sdk.dynamo, env.auditTableName)],
    concurrency: env.concurrency,
    inlineActionLimit: env.inlineActionLimit,
    pace: (operation) => pacer.wait(operation),
    ...(env.auditTableName ? { audit: new AuditLog(sdk.dynamo, env.auditTableName) } : {}),
    ...(env.workQueueUrl ? { workQueue: new WorkQueue(sdk.sqs, env.workQueueUrl) } : {}),
    now: options.now ?? (() => new Date()),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}
