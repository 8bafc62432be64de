/**
 * Powertools singletons, created once per cold start. Service name and metrics namespace come
 * from POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE (set by GuardrailFunction).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const logger = new Logger();
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MlGuardrails',
});
export const tracer = new Tracer();
