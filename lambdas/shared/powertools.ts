/**
 * Powertools singletons, created once per cold start. Service name and metrics namespace come
 * from POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE (set by GuardrailFunction).
 *
 * Tracing is the Lambda runtime's: GuardrailFunction turns on active tracing, so X-Ray records
 * every invocation with its Init, Invocation and Overhead segments ("Visualize Lambda function
 * invocations using AWS X-Ray", AWS Lambda Developer Guide) without an SDK in the function.
 * The Powertools Tracer would add one subsegment per AWS call, but it brings the X-Ray SDK: about
 * 120 KB of each bundle and, loaded alone, three times the module-init time of the Logger
 * (bench/README.md, "Cold start"); each call's outcome is already in the structured logs.
 * So handlers neither wrap clients nor add a tracing middleware.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger();
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MlGuardrails',
});
