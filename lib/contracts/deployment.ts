/**
 * `deployment.yaml`: what a model deployment declares for its Production Readiness Review.
 *
 * The schema checks shape and formats only; almost every section is optional so that a missing
 * section becomes a failed review check (listed with all the others) rather than a parse error
 * that hides the rest of the review.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { parseYamlWithSchema, readYamlText, YamlValidationError } from '../config/load';

const Url = z.url({ message: 'must be a URL' });
/** Kubernetes-style CPU quantity: cores (`2`, `0.5`) or millicores (`500m`). */
const Cpu = z.union([z.number().positive(), z.string()]).refine((v) => cpuCores(v) !== undefined, {
  message: 'must be a CPU quantity like 2, 0.5 or 500m',
});
/** Kubernetes-style memory quantity: `512Mi`, `4Gi`, `1G`, or bytes. */
const Memory = z
  .union([z.number().positive(), z.string()])
  .refine((v) => memoryBytes(v) !== undefined, {
    message: 'must be a memory quantity like 512Mi, 4Gi or 2G',
  });

const ResourceSet = z.strictObject({ cpu: Cpu.optional(), memory: Memory.optional() });
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' });

export const DeploymentSchema = z.strictObject({
  model: z.strictObject({
    /** Model name as listed under the project's `models` in the guardrails policy. */
    name: z.string().min(1),
    version: z.string().min(1),
  }),
  /** Project id in the guardrails policy (its budget pays for this deployment). */
  project: z.string().min(1),
  /** Container image, pinned by digest: `<repository>@sha256:<64 hex>`. */
  image: z.string().min(1).optional(),
  /** Git commit the image (inference code) was built from (full 40-character SHA). */
  commitSha: z.string().min(1).optional(),
  /** Git commit of the training code that produced the artifact. */
  trainingCommitSha: z.string().min(1).optional(),
  /** Version of the training data (a DVC or lakeFS reference, a dataset version id). */
  dataVersion: z.string().min(1).optional(),
  /** Where the feature definitions live (feature store link). */
  featureDefinitions: z.string().min(1).optional(),
  /** Preserved test dataset used to validate this version (URI). */
  testDataset: z.string().min(1).optional(),
  /** Where the hyperparameters are documented (file, registry entry or URL). */
  hyperparameters: z.string().min(1).optional(),
  /** Throughput the service must sustain, in requests per second. */
  targetQps: z.number().positive().optional(),
  autoscaling: z
    .strictObject({
      minInstances: z.number().int().min(0),
      maxInstances: z.number().int().min(1),
      /** Utilisation (percent) above which the service scales out. */
      scaleUpThresholdPct: z.number().gt(0).max(100),
      /** Seconds of low load before scaling in. */
      scaleDownStabilizationSeconds: z.number().int().min(0),
    })
    .optional(),
  /** How the service behaves when each dependency fails, and whether that was tested. */
  dependencies: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        failureBehavior: z.string().min(1),
        tested: z.boolean(),
      }),
    )
    .optional(),
  security: z
    .strictObject({
      /** Requests are validated against a schema before they reach the model. */
      inputValidation: z.boolean(),
      /** Requests per second above which callers are throttled. */
      rateLimitRps: z.number().positive().optional(),
    })
    .optional(),
  /** Cost-allocation tags of the serving resources (CostCenter must be the project's). */
  tags: z.record(z.string(), z.string()).optional(),
  /** Model artifact, e.g. the S3 URI of model.tar.gz and its SHA-256. */
  artifact: z.strictObject({ uri: z.string().min(1), sha256: z.string().optional() }).optional(),
  resources: z
    .strictObject({
      requests: ResourceSet.optional(),
      limits: ResourceSet.optional(),
      /** GPU type and count; `type: none` for CPU-only serving. */
      gpu: z.strictObject({ type: z.string().min(1), count: z.number().int().min(0) }).optional(),
    })
    .optional(),
  resilience: z
    .strictObject({
      /** Per-request timeout of the caller (client or gateway) in milliseconds. */
      timeoutMs: z.number().int().positive().optional(),
      retries: z
        .strictObject({
          maxAttempts: z.number().int().min(1),
          backoff: z.enum(['none', 'fixed', 'exponential', 'exponential-jitter']).optional(),
        })
        .optional(),
      circuitBreaker: z
        .strictObject({
          /** Share of failed requests that opens the breaker. */
          failureThresholdPct: z.number().gt(0).max(100),
          /** How long the breaker stays open before a trial request. */
          openSeconds: z.number().positive(),
        })
        .optional(),
    })
    .optional(),
  /** Serving SLA; the policy's `projects[].models[].sla` wins when both are set. */
  sla: z
    .strictObject({
      p99LatencyMs: z.number().positive().optional(),
      availabilityPct: z.number().gt(0).max(100).optional(),
    })
    .optional(),
  observability: z
    .strictObject({
      dashboards: z.array(Url).optional(),
      runbook: Url.optional(),
      alarms: z.array(z.string().min(1)).optional(),
      /** Log level in production (INFO or WARN; DEBUG leaks payloads and costs). */
      logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).optional(),
      /** Request/response payload logging; payloads are logged only with PII redaction. */
      payloadLogging: z
        .strictObject({ enabled: z.boolean(), piiRedaction: z.boolean() })
        .optional(),
      /** Header that carries the correlation id through every service. */
      correlationIdHeader: z.string().min(1).optional(),
      /** Latency percentiles the service exposes. */
      latencyPercentiles: z.array(z.number().gt(0).max(100)).optional(),
    })
    .optional(),
  /** Model card (Markdown), relative to this file. */
  modelCard: z.string().min(1).optional(),
  /** Load-test results (JSON/YAML summary or a k6 `--summary-export` file), relative to this file. */
  loadTest: z.string().min(1).optional(),
  rollback: z
    .strictObject({
      strategy: z.enum(['blue-green', 'canary', 'rolling', 'redeploy-previous']),
      /** Version to return to; `none` for a first release (then the procedure must say how to withdraw). */
      previousVersion: z.string().min(1).optional(),
      /** Runbook link or the steps themselves. */
      procedure: z.string().min(1).optional(),
      /** Alarms that roll back automatically (e.g. CodeDeploy or SageMaker deployment guardrails). */
      automaticTriggers: z.array(z.string().min(1)).optional(),
      /** Minutes to have the previous version serving again. */
      targetMinutes: z.number().positive().optional(),
      /** Day the rollback was last rehearsed. */
      lastTestedOn: IsoDate.optional(),
    })
    .optional(),
  cost: z
    .strictObject({
      monthlyEstimateUsd: z.number().min(0),
      breakdown: z
        .array(z.strictObject({ item: z.string().min(1), usd: z.number().min(0) }))
        .optional(),
      /** Unit cost × monthly usage per resource (compute, GPU, storage). */
      lineItems: z
        .array(
          z.strictObject({
            resource: z.string().min(1),
            unitCostUsd: z.number().min(0),
            unit: z.string().min(1),
            monthlyUsage: z.number().min(0),
          }),
        )
        .optional(),
    })
    .optional(),
  /** IAM policy document (JSON) of the serving role, relative to this file. */
  iamPolicy: z.string().min(1).optional(),
  /** Secret-scan allowlist: files (globs relative to the model dir) or exact values to ignore. */
  secretScan: z
    .strictObject({
      ignorePaths: z.array(z.string().min(1)).optional(),
      allowValues: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

/** A deployment file and the directory its relative paths resolve against. */
export interface LoadedDeployment {
  readonly file: string;
  readonly dir: string;
  readonly deployment: Deployment;
}

/** Parse deployment.yaml text; throws YamlValidationError with `file:line path: message` problems. */
export function parseDeployment(text: string, file: string): Deployment {
  return parseYamlWithSchema(text, file, DeploymentSchema, { what: 'deployment file' }).data;
}

/** Read and parse a deployment file. */
export function loadDeploymentFile(file: string): LoadedDeployment {
  const text = readYamlText(
    file,
    'deployment file',
    (problems) => new YamlValidationError(file, problems, 'deployment file'),
  );
  return { file, dir: path.dirname(file), deployment: parseDeployment(text, file) };
}

/** CPU quantity in cores, or undefined when it is not one. */
export function cpuCores(v: string | number): number | undefined {
  if (typeof v === 'number') return v > 0 ? v : undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]) / (m[2] === 'm' ? 1000 : 1);
  return n > 0 ? n : undefined;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Memory quantity in bytes, or undefined when it is not one. */
export function memoryBytes(v: string | number): number | undefined {
  if (typeof v === 'number') return v > 0 ? v : undefined;
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * (MEMORY_UNITS[m[2] ?? ''] ?? 1);
  return n > 0 ? n : undefined;
}
