/**
 * The one SDK client configuration of every function (and the CLI's clients): the same retry
 * mode, attempts and timeouts everywhere. Region, credentials and endpoint are deliberately not
 * set, so the SDK's default chains apply unchanged (AWS_REGION, the credential provider chain,
 * AWS_ENDPOINT_URL for local stand-ins and emulators).
 *
 * | Variable | Meaning | Default |
 * | --- | --- | --- |
 * | AWS_RETRY_MODE | SDK retry strategy (`standard`, `adaptive`) | adaptive |
 * | AWS_MAX_ATTEMPTS | attempts per call, first try included | 10 |
 *
 * Both are the SDK's own settings ("Retry behavior", AWS SDKs and Tools Reference Guide), so
 * their meaning is the documented one; only the defaults differ from the SDK's (standard, 3).
 */
import { optionalEnv } from './env';

/** Milliseconds to open a TCP/TLS connection before the attempt fails and is retried. */
export const CONNECTION_TIMEOUT_MS = 5_000;
/** Milliseconds a socket may stay idle waiting for a response before the attempt fails. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** What every handler passes to `new XxxClient(...)`. */
export interface SdkClientConfig {
  readonly retryMode: string;
  readonly maxAttempts: number;
  /** Options for the default Node.js HTTP handler (the SDK builds the handler from them). */
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number };
}

/**
 * Adaptive retry (client-side rate limiting after throttling) and more attempts than the SDK's
 * default 3: the guardrails act on throttled SageMaker and tagging APIs and must not give up
 * early. Without timeouts a half-open connection would hold an invocation until the Lambda
 * timeout; with them the attempt fails and is retried.
 */
export function sdkClientConfig(env: NodeJS.ProcessEnv = process.env): SdkClientConfig {
  const attempts = Number(optionalEnv('AWS_MAX_ATTEMPTS', '10', env));
  return {
    retryMode: optionalEnv('AWS_RETRY_MODE', 'adaptive', env),
    maxAttempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 10,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
    },
  };
}
