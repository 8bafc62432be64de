/**
 * `prr init`: the Production Readiness Review document in the six sections of the review
 * (observability, reproducibility, scalability and performance, failure modes, cost, security),
 * then the secret-scan exceptions and the approvals table the leads sign. What deployment.yaml
 * declares is filled in and ticked; everything else is an open checkbox for the reviewers.
 * `prr check --review` fails while any box is open or any approval lacks a name, signature or
 * date.
 */
import type { GuardrailsPolicy } from '../../config/schema';
import type { Deployment } from '../deployment';
import { REQUIRED_APPROVERS } from './review';
import { effectiveSla } from './sla';

export interface PrrTemplateInput {
  readonly model: string;
  readonly version: string;
  /** Review date (YYYY-MM-DD). */
  readonly date: string;
  readonly deployment?: Deployment;
  readonly policy?: GuardrailsPolicy;
}

const item = (value: string | number | undefined, label: string, hint: string): string =>
  value === undefined || value === '' ? `- [ ] ${label}: _${hint}_` : `- [x] ${label}: ${value}`;
const manual = (label: string) => `- [ ] ${label}`;
const usd = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;

/** The review document as Markdown. */
export function renderPrrTemplate(input: PrrTemplateInput): string {
  const d = input.deployment;
  const o = d?.observability;
  const project = input.policy?.projects.find((p) => p.id === d?.project);
  const sla = d && input.policy ? effectiveSla(d, input.policy) : d?.sla;
  const r = d?.resources;
  const res = d?.resilience;
  const a = d?.autoscaling;
  const budget = project?.monthlyBudgetUsd;
  const estimate = d?.cost?.monthlyEstimateUsd;
  const share =
    estimate !== undefined && budget !== undefined
      ? ` (${((estimate / budget) * 100).toFixed(1)}% of the ${project?.id} budget of ${usd(budget)})`
      : '';
  const pct = o?.latencyPercentiles;
  const exceptions = [
    ...(d?.secretScan?.ignorePaths ?? []).map((p) => `ignorePaths: ${p}`),
    ...(d?.secretScan?.allowValues ?? []).map((v) => `allowValues: ${v}`),
  ];
  const gpu = r?.gpu;
  return [
    `# Production Readiness Review: ${input.model} ${input.version}`,
    '',
    `Date: ${input.date}`,
    '',
    item(d?.project, 'Project', 'project id in the guardrails policy'),
    item(project?.team, 'Owning team', 'team from the guardrails policy'),
    item(project?.ownerEmails.join(', '), 'Owners', 'owner emails'),
    '',
    'Run `guardrails prr check <model-dir> --review <this file>` for the automated part; this',
    'document records what people confirm and sign.',
    '',
    '## 1. Observability',
    '',
    '### Logging',
    '',
    manual('Structured JSON logging in the serving code'),
    item(o?.logLevel, 'Log level in production', 'INFO'),
    item(
      o?.payloadLogging &&
        (o.payloadLogging.enabled
          ? `logged${o.payloadLogging.piiRedaction ? ' with PII redaction' : ' WITHOUT PII redaction'}`
          : 'not logged'),
      'Request/response payloads',
      'logged with PII redaction, or not logged',
    ),
    item(o?.correlationIdHeader, 'Correlation ids propagated in', 'header name'),
    '',
    '### Metrics',
    '',
    item(pct && `p${pct.join(', p')}`, 'Latency histogram', 'p50, p95, p99'),
    manual('Request count exposed'),
    manual('Error rate exposed'),
    manual('Business metrics exposed (e.g. predictions by category)'),
    '',
    '### Dashboards and alerts',
    '',
    item(o?.dashboards?.join(', '), 'Dashboards', 'dashboard links'),
    item(o?.alarms?.join(', '), 'Alarms paged through PagerDuty', 'alarm names'),
    item(o?.runbook, 'Runbook', 'runbook link (guardrails runbook init)'),
    '',
    '## 2. Reproducibility',
    '',
    '### Code',
    '',
    item(d?.trainingCommitSha, 'Training code commit', 'full git SHA'),
    item(d?.commitSha, 'Inference code commit', 'full git SHA'),
    item(d?.image, 'Image (by digest)', '<repository>@sha256:<digest>'),
    '',
    '### Data',
    '',
    item(d?.dataVersion, 'Training data version', 'DVC or lakeFS reference'),
    item(d?.featureDefinitions, 'Feature definitions', 'feature store link'),
    item(d?.testDataset, 'Test dataset preserved', 'URI'),
    '',
    '### Model',
    '',
    item(d?.artifact?.uri, 'Model artifact in the registry', 'artifact URI and sha256'),
    item(d?.modelCard, 'Model card', 'path to the model card'),
    item(d?.hyperparameters, 'Hyperparameters documented', 'where they are recorded'),
    '',
    '## 3. Scalability and performance',
    '',
    '### Load testing',
    '',
    item(d?.targetQps && `${d.targetQps} QPS`, 'Target throughput', 'requests per second'),
    item(d?.loadTest, 'Load test results', 'results file'),
    item(
      sla?.p99LatencyMs && `${sla.p99LatencyMs} ms`,
      'p99 latency SLA (the load test must stay under it)',
      'p99 target in ms',
    ),
    item(
      sla?.availabilityPct && `${sla.availabilityPct}%`,
      'Availability SLA',
      'availability target',
    ),
    '',
    '### Resources',
    '',
    item(r?.requests?.memory, 'Memory request', 'e.g. 4Gi'),
    item(r?.limits?.memory, 'Memory limit', 'e.g. 8Gi'),
    item(r?.requests?.cpu, 'CPU request', 'e.g. 2'),
    item(r?.limits?.cpu, 'CPU limit', 'e.g. 4'),
    item(
      gpu && (gpu.type === 'none' || gpu.count === 0 ? 'none' : `${gpu.count} × ${gpu.type}`),
      'GPU',
      'type and count, or none',
    ),
    '',
    '### Autoscaling',
    '',
    item(a && `min ${a.minInstances}, max ${a.maxInstances}`, 'Instances', 'min and max'),
    item(a && `${a.scaleUpThresholdPct}%`, 'Scale-up threshold', 'utilisation percent'),
    item(a && `${a.scaleDownStabilizationSeconds} s`, 'Scale-down stabilization', 'seconds'),
    '',
    '## 4. Failure modes',
    '',
    '### Dependency failures',
    '',
    '| Dependency | Failure behaviour | Tested? |',
    '| --- | --- | :---: |',
    ...(d?.dependencies ?? []).map(
      (x) => `| ${x.name} | ${x.failureBehavior} | ${x.tested ? '✅' : '❌'} |`,
    ),
    ...(d?.dependencies?.length ? [] : ['| _dependency_ | _behaviour when it fails_ | |']),
    '',
    '### Graceful degradation',
    '',
    item(
      res?.circuitBreaker &&
        `opens at ${res.circuitBreaker.failureThresholdPct}% failures for ${res.circuitBreaker.openSeconds} s`,
      'Circuit breaker',
      'threshold and open time',
    ),
    item(res?.timeoutMs && `${res.timeoutMs} ms`, 'Timeout', 'caller timeout in ms'),
    item(
      res?.retries && `${res.retries.maxAttempts} attempts, ${res.retries.backoff ?? 'no'} backoff`,
      'Retry policy',
      'attempts and backoff',
    ),
    '',
    '### Rollback',
    '',
    item(
      d?.rollback?.targetMinutes && `${d.rollback.targetMinutes} min (${d.rollback.strategy})`,
      'Previous version deployable in under 5 minutes',
      'minutes and strategy',
    ),
    item(d?.rollback?.lastTestedOn, 'Rollback tested on', 'YYYY-MM-DD, within 90 days'),
    '',
    '## 5. Cost estimate',
    '',
    '| Resource | Unit cost | Monthly usage | Monthly cost |',
    '| --- | ---: | ---: | ---: |',
    ...(d?.cost?.lineItems ?? []).map(
      (l) =>
        `| ${l.resource} | ${usd(l.unitCostUsd)}/${l.unit} | ${l.monthlyUsage.toLocaleString('en-US')} | ${usd(l.unitCostUsd * l.monthlyUsage)} |`,
    ),
    `| **Total** | | | **${estimate === undefined ? '_USD per month_' : usd(estimate)}** |`,
    '',
    item(
      estimate !== undefined ? `${usd(estimate)} per month${share}` : undefined,
      'Cost below budget',
      'USD per month',
    ),
    item(d?.tags?.CostCenter, 'CostCenter tag applied', project?.costCenter ?? 'cost center'),
    '',
    '## 6. Security',
    '',
    manual('No secrets in the code (`prr check` scans every file)'),
    item(d?.iamPolicy, 'IAM role follows least privilege', 'path to the policy document'),
    item(d?.security?.inputValidation ? 'yes' : undefined, 'Input validation', 'schema'),
    item(
      d?.security?.rateLimitRps && `${d.security.rateLimitRps} requests/s`,
      'Rate limiting',
      'requests per second',
    ),
    '',
    '## Secret-scan exceptions',
    '',
    "Signing this review accepts these entries of the deployment file's `secretScan`:",
    '',
    ...(exceptions.length > 0 ? exceptions.map((e) => `- \`${e}\``) : ['None.']),
    '',
    '## Approvals',
    '',
    '| Role | Name | Signature | Date |',
    '| --- | --- | --- | --- |',
    ...[...REQUIRED_APPROVERS, 'Finance (optional)'].map((role) => `| ${role} | | | |`),
    '',
  ].join('\n');
}
