import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import {
  type BundlingOptions,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { BUNDLED_POLICY_FILE } from '../../lambdas/shared/policy';
import { loadPolicyFile } from '../config/load';
import type { GuardrailsPolicy } from '../config/schema';

export { BUNDLED_POLICY_FILE };

/**
 * Modules the SDK imports lazily, on paths a deployed function never takes; left out of every
 * bundle. If one were ever reached, Node.js would resolve it from the runtime's own SDK copy
 * (`/var/runtime/node_modules` is on NODE_PATH in the Node.js runtimes).
 * - The links of the default credential chain after `fromEnv`: Lambda sets AWS_ACCESS_KEY_ID,
 *   AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the execution role ("Defined runtime
 *   environment variables", AWS Lambda Developer Guide), so the chain stops at its first link,
 *   which stays bundled. The SSO, INI, process, web-identity, container and instance-metadata
 *   providers and the STS/SSO clients they use are about 110 KB of every bundle.
 * - Event-stream serialization, imported only by operations with event streams, which no function
 *   calls.
 * The CLI (bin/build-cli.js) keeps the whole chain: it runs with profiles and SSO.
 */
export const RUNTIME_PROVIDED_MODULES = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
  '@smithy/core/event-streams',
] as const;

/**
 * The esbuild settings of every function, exported so the cold-start benchmark and the bundle
 * tests build exactly what is deployed.
 * - `mainFields: module, main`: the ES module builds of the AWS SDK and Powertools, which esbuild
 *   can tree-shake to the commands a function sends (the CommonJS builds are one file per
 *   client with every command and schema).
 * - `GUARDRAILS_BUNDLE`: makes the runtime policy loader read only the bundled JSON, so the YAML
 *   loader, yaml and zod drop out (see lambdas/shared/policy.ts).
 * - An external source map (`index.js.map` in the asset, without a `sourceMappingURL` comment)
 *   that Node.js does not load: `--enable-source-maps` parses the map at every cold start, and
 *   `process.setSourceMapsEnabled(true)` maps only files loaded after the call, so it cannot be
 *   switched on when an error happens. Stack traces in the logs keep their `index.js:line:column`
 *   positions, which the shipped map translates offline (bench/README.md, "Cold start").
 * - Legal comments (`/*!`, `@license`, `@preserve`) go to `index.js.LEGAL.txt` in the asset
 *   instead of the end of the code Node.js parses at every cold start.
 */
export const GUARDRAIL_BUNDLING = {
  format: OutputFormat.CJS,
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  define: { 'process.env.GUARDRAILS_BUNDLE': JSON.stringify('true') },
  sourceMap: true,
  sourceMapMode: SourceMapMode.EXTERNAL,
  esbuildArgs: { '--legal-comments': 'external' },
} as const satisfies BundlingOptions;

/**
 * The same settings as esbuild build options (entry and output file added), for the benchmark
 * and the tests that inspect a bundle's metafile without synthesizing a stack.
 */
export function guardrailEsbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: GUARDRAIL_BUNDLING.format,
    target: GUARDRAIL_BUNDLING.target,
    minify: GUARDRAIL_BUNDLING.minify,
    mainFields: [...GUARDRAIL_BUNDLING.mainFields],
    define: { ...GUARDRAIL_BUNDLING.define },
    sourcemap: 'external',
    legalComments: GUARDRAIL_BUNDLING.esbuildArgs['--legal-comments'],
    external: [...RUNTIME_PROVIDED_MODULES],
    metafile: true,
    logLevel: 'warning',
  };
}

const validated = new Map<string, GuardrailsPolicy>();

/** The policy, validated and normalized as the app does it (once per file and synth). */
function validatedPolicy(file: string): GuardrailsPolicy {
  let policy = validated.get(file);
  if (!policy) {
    policy = loadPolicyFile(file);
    validated.set(file, policy);
  }
  return policy;
}

/** Validate a policy file and write it as the JSON a bundled function reads; returns its path. */
export function writeBundledPolicy(outputDir: string, policyFile: string): string {
  const file = path.join(outputDir, BUNDLED_POLICY_FILE);
  writeFileSync(file, JSON.stringify(validatedPolicy(path.resolve(policyFile))));
  return file;
}

/**
 * Write the validated policy as JSON next to the handler. Plain file operations, no shell: the
 * policy path never reaches a command line. CDK renders the hooks once more for Docker bundling
 * with the container's output path, which does not exist here; GuardrailFunction bundles
 * locally with the project's esbuild, so that rendering is ignored.
 */
function finishBundle(outputDir: string, policyFile: string | undefined): void {
  if (!existsSync(outputDir)) return;
  if (policyFile !== undefined) writeBundledPolicy(outputDir, policyFile);
}

export interface GuardrailFunctionProps {
  /** Entry file relative to the repository root, e.g. `lambdas/auto-stop/handler.ts`. */
  readonly entry: string;
  /** Powertools service name (logs, metrics, traces). */
  readonly serviceName: string;
  /** One sentence for the console. */
  readonly description: string;
  /** Memory in MB. @default 512 */
  readonly memorySize?: number;
  /** Timeout. @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** Environment variables besides the Powertools ones. @default {} */
  readonly environment?: Record<string, string>;
  /** Policy YAML; validated at synth and bundled as JSON next to the handler (GUARDRAILS_POLICY_FILE). @default - none */
  readonly policyFile?: string;
  /** Maximum concurrent executions. @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** Log retention. @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

const REPO_ROOT = path.join(__dirname, '..', '..');

/**
 * NodejsFunction with the house defaults: ARM64, Node.js 24, X-Ray tracing, explicit memory and
 * timeout, a retained log group, a small tree-shaken bundle with the validated policy as JSON,
 * Powertools settings and an on-failure queue for asynchronous invocations (SNS, EventBridge),
 * so no failed event is lost.
 *
 * @example
 * new GuardrailFunction(this, 'AutoStop', { entry: 'lambdas/auto-stop/handler.ts', serviceName: 'auto-stop', description: '...' });
 */
export class GuardrailFunction extends NodejsFunction {
  /** Every GuardrailFunction under a scope (the benchmark and the bundle tests build each one). */
  public static all(scope: Construct): GuardrailFunction[] {
    return scope.node
      .findAll()
      .filter((c): c is GuardrailFunction => c instanceof GuardrailFunction);
  }

  /** Receives asynchronous invocations that failed after Lambda's retries. */
  public readonly failureQueue: sqs.Queue;
  /** Entry file relative to the repository root, as given. */
  public readonly entryFile: string;
  /** Powertools service name. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: GuardrailFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const failureQueue = new sqs.Queue(scope, `${id}FailureQueue`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the failure destination (dead-letter queue) of the function.',
    });
    const policyFile = props.policyFile ? path.resolve(props.policyFile) : undefined;

    super(scope, id, {
      entry: path.join(REPO_ROOT, props.entry),
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      projectRoot: REPO_ROOT,
      // The newest Node.js runtime (cdk-nag AwsSolutions-L1); the code itself also runs on Node.js 20.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(1),
      description: props.description,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'MlGuardrails',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...(policyFile ? { GUARDRAILS_POLICY_FILE: `/var/task/${BUNDLED_POLICY_FILE}` } : {}),
        ...props.environment,
      },
      bundling: {
        ...GUARDRAIL_BUNDLING,
        define: { ...GUARDRAIL_BUNDLING.define },
        mainFields: [...GUARDRAIL_BUNDLING.mainFields],
        esbuildArgs: { ...GUARDRAIL_BUNDLING.esbuildArgs },
        // The runtime's bundled SDK lags behind; ship the pinned clients so tests match production,
        // all but the modules only reached on paths a function never takes.
        externalModules: [...RUNTIME_PROVIDED_MODULES],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, outputDir: string) => {
            finishBundle(outputDir, policyFile);
            return [];
          },
        },
      },
    });
    this.failureQueue = failureQueue;
    this.entryFile = props.entry;
    this.serviceName = props.serviceName;
    this.configureAsyncInvoke({
      onFailure: new SqsDestination(failureQueue),
      retryAttempts: 2,
    });
  }
}
