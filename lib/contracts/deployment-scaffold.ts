/**
 * `prr init --deployment-output`: a deployment.yaml with every field the review reads, each
 * commented, filled with example values to replace. It parses as it is, so a team starts from a
 * file the review understands and sees each check fail or pass as they fill it in.
 */
export interface ScaffoldInput {
  readonly model: string;
  readonly version: string;
  readonly project?: string;
}

/** The commented deployment file. */
export function renderDeploymentScaffold(input: ScaffoldInput): string {
  const q = (s: string) => JSON.stringify(s);
  return `# deployment.yaml: what this model version declares for its Production Readiness Review.
# \`guardrails prr check <model-dir>\` reads it; paths are relative to this file and must stay
# inside the model directory. Replace every example value.

model:
  name: ${q(input.model)} # as listed under the project's models in the guardrails policy
  version: ${q(input.version)}
project: ${q(input.project ?? 'my-project')} # project id in the guardrails policy (its budget pays)

# Reproducibility
image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/model@sha256:${'0'.repeat(64)} # pinned by digest
commitSha: "${'0'.repeat(40)}" # inference code, full SHA
trainingCommitSha: "${'0'.repeat(40)}" # training code, full SHA
artifact: { uri: s3://bucket/model.tar.gz, sha256: "${'0'.repeat(64)}" }
dataVersion: dvc:data/train@v1 # DVC / lakeFS reference of the training data
featureDefinitions: https://feature-store.example.com/features # feature store link
testDataset: s3://bucket/test-set/v1/ # preserved for validation
hyperparameters: docs/hyperparameters.md
modelCard: MODEL_CARD.md # needs Intended use, Training data, Evaluation, Limitations

# Observability
observability:
  dashboards: [https://dashboards.example.com/model]
  runbook: https://runbooks.example.com/model
  alarms: [model-latency-p99]
  logLevel: INFO # DEBUG fails the review
  payloadLogging: { enabled: true, piiRedaction: true } # payloads only with PII redaction
  correlationIdHeader: X-Request-Id
  latencyPercentiles: [50, 95, 99]

# Scalability and performance
sla: { p99LatencyMs: 200, availabilityPct: 99.9 } # the policy's model SLA wins when both are set
targetQps: 100 # the load test must reach it
loadTest: load-test.json # p99LatencyMs, requests, requestsPerSecond, errorRatePct (or a k6 summary)
resources:
  requests: { cpu: "1", memory: 2Gi }
  limits: { cpu: "2", memory: 4Gi }
  gpu: { type: none, count: 0 } # e.g. { type: ml.g5.xlarge (A10G), count: 1 }
autoscaling:
  minInstances: 2
  maxInstances: 10
  scaleUpThresholdPct: 70 # utilisation that scales out
  scaleDownStabilizationSeconds: 300

# Failure modes
dependencies: # tested: false fails the review
  - { name: Feature store, failureBehavior: return cached value, tested: true }
resilience:
  timeoutMs: 1000
  retries: { maxAttempts: 3, backoff: exponential-jitter }
  circuitBreaker: { failureThresholdPct: 50, openSeconds: 30 }
rollback:
  strategy: blue-green # blue-green, canary, rolling or redeploy-previous
  previousVersion: none # the version to return to; none for a first release
  procedure: https://runbooks.example.com/model#rollback
  automaticTriggers: [model-latency-p99]
  targetMinutes: 5 # at most 5
  lastTestedOn: "2026-01-01" # within the last 90 days

# Cost estimate
cost:
  monthlyEstimateUsd: 730
  lineItems: # unit cost × monthly usage must add up to the estimate
    - { resource: Compute, unitCostUsd: 1.0, unit: hour, monthlyUsage: 730 }
tags: { CostCenter: CC-0000 } # must be the project's costCenter

# Security
iamPolicy: iam-policy.json # serving role policy: no wildcard actions
security: { inputValidation: true, rateLimitRps: 200 }
# secretScan: exceptions to the secret scan; each entry must be listed under
# "Secret-scan exceptions" in the signed review, or the review fails.
#   ignorePaths: [tests/fixtures/**]
#   allowValues: [a-known-test-value]
`;
}
