/**
 * `prr init`: the Production Readiness Review document, with what deployment.yaml already says
 * filled in (checked boxes) and everything else left as open checkboxes for the reviewers.
 */
import type { GuardrailsPolicy } from '../../config/schema';
import type { Deployment } from '../deployment';
import { effectiveSla } from './sla';

export interface PrrTemplateInput {
  readonly model: string;
  readonly version: string;
  readonly deployment?: Deployment;
  readonly policy?: GuardrailsPolicy;
}

const item = (value: string | number | undefined, label: string, hint: string): string =>
  value === undefined || value === '' ? `- [ ] ${label}: _${hint}_` : `- [x] ${label}: ${value}`;

/** The review document as Markdown. */
export function renderPrrTemplate(input: PrrTemplateInput): string {
  const d = input.deployment;
  const project = input.policy?.projects.find((p) => p.id === d?.project);
  const sla = d && input.policy ? effectiveSla(d, input.policy) : d?.sla;
  const r = d?.resources;
  const res = d?.resilience;
  const budget = project?.monthlyBudgetUsd;
  const estimate = d?.cost?.monthlyEstimateUsd;
  const share =
    estimate !== undefined && budget !== undefined
      ? ` (${((estimate / budget) * 100).toFixed(1)}% of the ${project?.id} budget of $${budget.toLocaleString('en-US')})`
      : '';
  const groups = input.policy?.raci.groups ?? [];
  const approvers = [
    ...groups.map((g) => g.name),
    'Finance',
    ...(groups.length === 0 ? ['Data Science', 'ML Engineering', 'Platform'] : []),
  ];
  return [
    `# Production Readiness Review: ${input.model} ${input.version}`,
    '',
    item(d?.project, 'Project', 'project id in the guardrails policy'),
    item(project?.team, 'Owning team', 'team from the guardrails policy'),
    item(project?.ownerEmails.join(', '), 'Owners', 'owner emails'),
    '',
    'Run `guardrails prr check <model-dir> --deployment deployment.yaml` for the automated part;',
    'this document records what a human must confirm.',
    '',
    '## Observability',
    '',
    '- [ ] Structured logging in the serving code (request id, model version, latency)',
    '- [ ] Metrics exposed (latency, errors, throughput, prediction distribution)',
    item(d?.observability?.dashboards?.join(', '), 'Dashboards', 'dashboard links'),
    item(d?.observability?.runbook, 'Runbook', 'runbook link'),
    item(d?.observability?.alarms?.join(', '), 'Alarms', 'alarm names routed to PagerDuty'),
    '',
    '## Reproducibility',
    '',
    item(d?.commitSha, 'Commit SHA', 'full 40-character git SHA'),
    item(d?.image, 'Image (by digest)', '<repository>@sha256:<digest>'),
    item(d?.artifact?.uri, 'Model artifact', 'artifact URI and sha256'),
    item(d?.modelCard, 'Model card', 'path to the model card'),
    '- [ ] Training data version and training code recorded in the model registry',
    '',
    '## Scalability and performance',
    '',
    item(sla?.p99LatencyMs && `${sla.p99LatencyMs} ms`, 'p99 latency SLA', 'p99 target in ms'),
    item(
      sla?.availabilityPct && `${sla.availabilityPct}%`,
      'Availability SLA',
      'availability target',
    ),
    item(d?.loadTest, 'Load-test results', 'results file with p99 at or under the SLA'),
    item(
      r?.requests && `cpu ${r.requests.cpu ?? '?'}, memory ${r.requests.memory ?? '?'}`,
      'Resource requests',
      'cpu and memory requests',
    ),
    item(
      r?.limits && `cpu ${r.limits.cpu ?? '?'}, memory ${r.limits.memory ?? '?'}`,
      'Resource limits',
      'cpu and memory limits',
    ),
    '- [ ] Autoscaling policy (min, max, target metric) reviewed',
    '',
    '## Failure modes',
    '',
    item(res?.timeoutMs && `${res.timeoutMs} ms`, 'Timeout', 'caller timeout in ms'),
    item(
      res?.retries && `${res.retries.maxAttempts} attempts, ${res.retries.backoff ?? 'no'} backoff`,
      'Retries',
      'attempts and backoff',
    ),
    item(
      res?.circuitBreaker &&
        `opens at ${res.circuitBreaker.failureThresholdPct}% failures for ${res.circuitBreaker.openSeconds} s`,
      'Circuit breaker',
      'threshold and open time',
    ),
    item(
      d?.rollback &&
        `${d.rollback.strategy}${d.rollback.previousVersion ? ` to ${d.rollback.previousVersion}` : ''}${d.rollback.procedure ? ` (${d.rollback.procedure})` : ''}`,
      'Rollback plan',
      'strategy, previous version, procedure',
    ),
    '- [ ] Behaviour when a dependency (feature store, upstream API) is down',
    '- [ ] Fallback when the model is unavailable (default decision, cached score)',
    '',
    '## Cost estimate',
    '',
    item(
      estimate !== undefined ? `$${estimate.toLocaleString('en-US')} per month${share}` : undefined,
      'Monthly estimate',
      'USD per month',
    ),
    ...(d?.cost?.breakdown ?? []).map((b) => `  - ${b.item}: $${b.usd.toLocaleString('en-US')}`),
    item(
      budget !== undefined ? `$${budget.toLocaleString('en-US')}` : undefined,
      'Project budget',
      'from the guardrails policy',
    ),
    '',
    '## Security',
    '',
    item(d?.iamPolicy, 'IAM policy of the serving role', 'path to the policy document'),
    '- [ ] IAM policy reviewed: no wildcard actions, resources scoped (`prr check` checks the actions)',
    '- [ ] No secrets in the code or image (secrets come from Secrets Manager or SSM)',
    '- [ ] Data classification and PII handling reviewed',
    '- [ ] Network exposure (VPC, auth on the endpoint) reviewed',
    '',
    '## Approvals',
    '',
    '| Role | Name | Date | Approved |',
    '| --- | --- | --- | :---: |',
    ...approvers.map((a) => `| ${a} | | | [ ] |`),
    '',
  ].join('\n');
}
