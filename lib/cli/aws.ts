/**
 * Before a command calls AWS: is there a region, are there credentials, is AWS reachable? Each
 * check is bounded in time, so without configuration or network the CLI answers in seconds with
 * one line naming the fix, instead of after the SDK's retries (10 attempts in auto-stop).
 */
import { lookup } from 'node:dns/promises';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CliError } from './command';

export interface AwsCheckDeps {
  /** The region the SDK's standard chain selects (throws "Region is missing" when none). */
  readonly region: () => Promise<string>;
  /** Resolves the SDK's default credential chain (throws CredentialsProviderError when empty). */
  readonly credentials: () => Promise<unknown>;
  /** DNS lookup of a host; omitted when the network is not checked (in-process tests). */
  readonly lookup?: (host: string) => Promise<unknown>;
}

export interface AwsCheckOptions {
  readonly timeoutMs: number;
  /** Set when AWS_ENDPOINT_URL points somewhere else than AWS: no DNS check then. */
  readonly endpointUrl?: string;
}

/** Reject with `CliError(message)` when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the checks in order; errors are classified by `explainError` in the router. */
export async function checkAwsAccess(deps: AwsCheckDeps, options: AwsCheckOptions): Promise<void> {
  const seconds = Math.round(options.timeoutMs / 1000);
  const region = await withTimeout(
    deps.region(),
    options.timeoutMs,
    `no AWS region after ${seconds} s: pass --region <region> or set AWS_REGION`,
  );
  await withTimeout(
    deps.credentials(),
    options.timeoutMs,
    `no AWS credentials after ${seconds} s: pass --profile <name> or set AWS_PROFILE (the instance metadata service did not answer)`,
  );
  if (deps.lookup && !options.endpointUrl) {
    // Regional endpoint names: "AWS service endpoints", AWS General Reference.
    const host = `sts.${region}.amazonaws.com`;
    await withTimeout(
      deps.lookup(host),
      options.timeoutMs,
      `cannot reach AWS: no answer for ${host} within ${seconds} s; check the network connection`,
    );
  }
}

/** The real checks, through the SDK's default chain (main.ts loads this module on demand). */
export function sdkAwsCheckDeps(checkNetwork: boolean): AwsCheckDeps {
  const client = new SageMakerClient({});
  const deps: AwsCheckDeps = {
    region: () => client.config.region(),
    credentials: () => client.config.credentials(),
  };
  return checkNetwork ? { ...deps, lookup: (host) => lookup(host) } : deps;
}
