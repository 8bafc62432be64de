import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Where a function's bundle finds the policy: copied next to the handler at bundling time. */
export const BUNDLED_POLICY_FILE = 'guardrails-policy.yaml';

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
  /** Policy file to bundle next to the handler (read at cold start via GUARDRAILS_POLICY_FILE). @default - none */
  readonly policyFile?: string;
  /** Maximum concurrent executions. @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** Log retention. @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

const REPO_ROOT = path.join(__dirname, '..', '..');

/**
 * NodejsFunction with the house defaults: ARM64, Node.js 24, X-Ray tracing, explicit memory and
 * timeout, a retained log group, source maps, Powertools settings and an on-failure queue for
 * asynchronous invocations (SNS, EventBridge), so no failed event is lost.
 *
 * @example
 * new GuardrailFunction(this, 'AutoStop', { entry: 'lambdas/auto-stop/handler.ts', serviceName: 'auto-stop', description: '...' });
 */
export class GuardrailFunction extends NodejsFunction {
  /** Receives asynchronous invocations that failed after Lambda's retries. */
  public readonly failureQueue: sqs.Queue;

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
        NODE_OPTIONS: '--enable-source-maps',
        ...(policyFile ? { GUARDRAILS_POLICY_FILE: `/var/task/${BUNDLED_POLICY_FILE}` } : {}),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.CJS,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // The runtime's bundled SDK lags behind; ship the pinned clients so tests match production.
        externalModules: [],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, outputDir: string) =>
            policyFile ? [`cp "${policyFile}" "${path.join(outputDir, BUNDLED_POLICY_FILE)}"`] : [],
        },
      },
    });
    this.failureQueue = failureQueue;
    this.configureAsyncInvoke({
      onFailure: new SqsDestination(failureQueue),
      retryAttempts: 2,
    });
  }
}
