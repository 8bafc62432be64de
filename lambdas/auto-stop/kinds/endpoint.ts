/**
 * Auto-stop's `endpoint` kind: a thin adapter to the endpoint lifecycle module (lambdas/endpoints),
 * which reads, plans and takes endpoints to zero cost and brings them back.
 */
import {
  actOnEndpoint,
  discoverEndpoints,
  type EndpointClients,
  planEndpoint,
} from '../../endpoints';
import type { KindHandler } from '../types';

/** The `endpoint` kind handler for the auto-stop orchestrator. */
export const endpointHandler: KindHandler<EndpointClients> = {
  kinds: ['endpoint'],
  taggingTypes: ['sagemaker:endpoint'],
  discover: (clients, tagged, ctx) => discoverEndpoints(clients, tagged, ctx),
  plan: (resource, settings) => planEndpoint(resource, settings),
  act: (clients, decision, ctx) => actOnEndpoint(clients, decision, ctx),
};
