/**
 * Auto-stop's `endpoint` kind: a thin adapter to the endpoint lifecycle module (lambdas/endpoints),
 * which reads, plans and takes endpoints to zero cost and brings them back.
 */
import {
  actOnEndpoint,
  discoverEndpoints,
  type EndpointClients,
  planEndpoint,
  recheckAndAct,
} from '../../endpoints';
import type { KindHandler } from '../types';

/** The `endpoint` kind handler for the auto-stop orchestrator. */
export const endpointHandler: KindHandler<EndpointClients> = {
  kinds: ['endpoint'],
  taggingTypes: ['sagemaker:endpoint'],
  discover: (clients, tagged, ctx) => discoverEndpoints(clients, tagged, ctx),
  plan: (resource, settings) => planEndpoint(resource, settings),
  act: (clients, decision, ctx) => actOnEndpoint(clients, decision, ctx),
  // From the work queue: re-read the endpoint from its ARN and derive its targets live.
  actQueued: (clients, decision, ctx) =>
    recheckAndAct(
      clients,
      { arn: decision.resource.arn, action: decision.action },
      decision.resource.tags,
      ctx,
    ),
};
