/**
 * The public face of the endpoint lifecycle: what auto-stop's endpoint kind, the restore CLI
 * command, the infrastructure and the benchmark use. Everything else in this folder is internal.
 */

export { MIN_ZERO_SUFFIX } from './config-name';
export { type RunningCost, runningCost } from './cost';
export { planEndpoint } from './plan';
export { formatRestoreReport } from './report';
export type { RestoreInput, RestoreOutcome, RestoreReport } from './restore';
export { runRestore } from './restore';
export { ENDPOINT_STATE_TABLE_ACTIONS, saveEndpointState } from './state';
export {
  actOnEndpoint,
  discoverEndpoints,
  type EndpointClients,
  recheckAndAct,
} from './to-zero';
export type {
  DiscoveredEndpoint,
  EndpointActDecision,
  EndpointDecision,
  EndpointOutcome,
  EndpointResource,
  EndpointRunContext,
  SavedEndpoint,
  TaggedEndpoint,
} from './types';
export { COPY_COUNT_DIMENSION, GUARDRAILS_TARGET_TAG, VARIANT_DIMENSION } from './types';
