/**
 * Incident runbooks for SageMaker models, in the structure of the chapter's runbook template
 * (section 32.8.3): trigger, a diagnosis that fits in five minutes, mitigation options,
 * escalation by minutes, post-incident duties. `renderRunbook` fills it from the policy;
 * `checkRunbooks` finds models without one and runbooks that lack a section. Pure.
 */
import type { GuardrailsPolicy } from '../config/schema';

/** Headings every runbook needs, in order. */
export const RUNBOOK_SECTIONS = [
  'Trigger',
  'Quick diagnosis',
  'Mitigation options',
  'Escalation',
  'Post-incident',
] as const;

/** The incident a runbook is written for when none is named: the chapter's example. */
export const DEFAULT_INCIDENT = 'endpoint-latency';

export class RunbookInputError extends Error {
  override readonly name = 'RunbookInputError';
}

/** File name of a model's runbook for one incident type. */
export function runbookFileName(model: string, incident: string): string {
  return `${model}--${incident}.md`;
}

interface Context {
  readonly model: string;
  readonly projectId: string;
  readonly endpoint: string;
  readonly incident: GuardrailsPolicy['raci']['incidentTypes'][number];
  readonly team: GuardrailsPolicy['teams'][number] | undefined;
  readonly p99Ms?: number;
  readonly platformTeam: string;
}

function context(policy: GuardrailsPolicy, model: string, incidentId: string): Context {
  const project = policy.projects.find((p) => p.models.some((m) => m.name === model));
  const m = project?.models.find((x) => x.name === model);
  if (!project || !m)
    throw new RunbookInputError(
      `model "${model}" is not in the policy (known: ${policy.projects.flatMap((p) => p.models.map((x) => x.name)).join(', ')})`,
    );
  const incident = policy.raci.incidentTypes.find((t) => t.id === incidentId);
  if (!incident)
    throw new RunbookInputError(
      `incident type "${incidentId}" is not in the policy (known: ${policy.raci.incidentTypes.map((t) => t.id).join(', ')})`,
    );
  // Whom the router pages: the revenue-critical team for those models, else the A role's team.
  const revenue = policy.paging.revenueCritical;
  const roleId = Object.entries(incident.assignments).find(([, v]) => v === 'A')?.[0];
  const teamId = revenue?.models.includes(model)
    ? revenue.team
    : policy.raci.roles.find((r) => r.id === roleId)?.team;
  return {
    model,
    projectId: project.id,
    // The first endpoint pattern with its wildcard shown as a placeholder to fill in.
    endpoint: (m.endpoints[0] ?? `${model}-endpoint`).replace(/\*/g, '<suffix>'),
    incident,
    team: policy.teams.find((t) => t.id === teamId),
    ...(m.sla?.p99LatencyMs === undefined ? {} : { p99Ms: m.sla.p99LatencyMs }),
    platformTeam:
      policy.teams.find((t) => t.id === policy.paging.platformTeam)?.name ??
      policy.paging.platformTeam,
  };
}

const sh = (...lines: string[]) => ['```bash', ...lines, '```'];

// Metric names, namespaces and units: SageMaker Developer Guide, "Amazon SageMaker AI metrics
// in Amazon CloudWatch" (Invocations and ModelLatency in AWS/SageMaker, ModelLatency in
// microseconds; CPU, memory and GPU utilisation in /aws/sagemaker/Endpoints). Scaling commands:
// "Automatic scaling of Amazon SageMaker AI models" (resource id endpoint/<name>/variant/<variant>,
// dimension sagemaker:variant:DesiredInstanceCount) and the UpdateEndpointWeightsAndCapacities
// and UpdateEndpoint API references.

/** The runbook of one model and incident type, as Markdown. */
export function renderRunbook(
  policy: GuardrailsPolicy,
  model: string,
  incidentId = DEFAULT_INCIDENT,
): string {
  const c = context(policy, model, incidentId);
  const ep = c.endpoint;
  const severity = c.incident.severity === 'critical' ? 'P1' : 'P2';
  const dims = `Name=EndpointName,Value=${ep} Name=VariantName,Value=AllTraffic`;
  const window =
    '--start-time "$(date -u -d \'-1 hour\' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)" --period 60';
  const trigger =
    c.incident.id === 'endpoint-latency' && c.p99Ms !== undefined
      ? `\`ModelLatency\` p99 of ${ep} above ${c.p99Ms} ms (${c.p99Ms * 1000} µs: SageMaker reports ModelLatency in microseconds) for 5 minutes`
      : `${c.incident.name}${c.incident.description ? `: ${c.incident.description}` : ''}`;
  const chain = c.team?.onCall.escalation ?? [];
  return [
    `# Incident runbook: [${severity}] ${c.incident.name} on ${model}`,
    '',
    `Project \`${c.projectId}\`, endpoint \`${ep}\`, paged team ${c.team?.name ?? 'not set'}.`,
    '',
    '## Trigger',
    '',
    `- ${trigger}`,
    `- Alert source: PagerDuty${c.team?.pagerdutyService ? ` (service \`${c.team.pagerdutyService}\`)` : ''}, routed by ml-guardrails`,
    `- Severity: ${severity} (${c.incident.severity})`,
    '',
    '## Quick diagnosis (< 5 minutes)',
    '',
    '### Step 1: Traffic',
    '',
    'Is the request rate more than twice its normal level?',
    '',
    ...sh(
      `aws cloudwatch get-metric-statistics --namespace AWS/SageMaker --metric-name Invocations \\`,
      `  --dimensions ${dims} --statistics Sum ${window}`,
    ),
    '',
    '- **Yes**: a traffic spike. Check that autoscaling is scaling (Step 4).',
    '- **No**: go to Step 2.',
    '',
    '### Step 2: Dependencies',
    '',
    '| Dependency | Status check |',
    '| --- | --- |',
    "| Feature store | the feature group's online store latency and errors in CloudWatch |",
    '| Database | the RDS or DynamoDB metrics of the lookup tables |',
    '| Model artifact in S3 | `aws s3 ls <artifact-uri>` (a missing artifact stops new instances) |',
    '',
    `- **Any degraded**: escalate to ${c.platformTeam}. Stop here.`,
    '- **All healthy**: go to Step 3.',
    '',
    '### Step 3: Instance and GPU utilisation',
    '',
    ...sh(
      `for m in CPUUtilization MemoryUtilization GPUUtilization GPUMemoryUtilization; do`,
      `  aws cloudwatch get-metric-statistics --namespace /aws/sagemaker/Endpoints --metric-name "$m" \\`,
      `    --dimensions ${dims} --statistics Maximum ${window}`,
      'done',
    ),
    '',
    '| Metric | Healthy | Current |',
    '| --- | --- | --- |',
    '| CPU | < 80 % | __ % |',
    '| Memory | < 90 % | __ % |',
    '| GPU | < 95 % | __ % |',
    '',
    '- **Saturated**: go to Step 5 (scale).',
    '- **Not saturated**: go to Step 6 (bad release).',
    '',
    '### Step 4: Autoscaling',
    '',
    ...sh(
      `aws application-autoscaling describe-scalable-targets --service-namespace sagemaker \\`,
      `  --resource-ids endpoint/${ep}/variant/AllTraffic`,
      `aws application-autoscaling describe-scaling-activities --service-namespace sagemaker \\`,
      `  --resource-id endpoint/${ep}/variant/AllTraffic --max-items 10`,
    ),
    '',
    'At the maximum capacity? Raise it:',
    '',
    ...sh(
      `aws application-autoscaling register-scalable-target --service-namespace sagemaker \\`,
      `  --resource-id endpoint/${ep}/variant/AllTraffic \\`,
      `  --scalable-dimension sagemaker:variant:DesiredInstanceCount --min-capacity <min> --max-capacity <new-max>`,
    ),
    '',
    '### Step 5: Scale by hand',
    '',
    ...sh(
      `aws sagemaker update-endpoint-weights-and-capacities --endpoint-name ${ep} \\`,
      `  --desired-weights-and-capacities VariantName=AllTraffic,DesiredInstanceCount=<n>`,
    ),
    '',
    'Watch the latency for 2 minutes; if it drops, the incident is mitigated.',
    '',
    '### Step 6: Recent deployments',
    '',
    ...sh(
      `aws sagemaker describe-endpoint --endpoint-name ${ep} \\`,
      `  --query '{config: EndpointConfigName, modified: LastModifiedTime, status: EndpointStatus}'`,
      `aws sagemaker list-endpoint-configs --name-contains ${model.replace(/_/g, '-')} --sort-by CreationTime --sort-order Descending --max-results 5`,
    ),
    '',
    'A deployment in the last hour? Roll back to the previous configuration now:',
    '',
    ...sh(
      `aws sagemaker update-endpoint --endpoint-name ${ep} --endpoint-config-name <previous-config>`,
    ),
    '',
    '## Mitigation options',
    '',
    '### Option A: degraded mode',
    '',
    'Serve cached predictions from the last known good state (the fallback declared in',
    "deployment.yaml `dependencies`), through the caller's feature flag.",
    '',
    '### Option B: shed load',
    '',
    'Lower the rate limit in front of the endpoint (API Gateway stage or usage-plan throttling)',
    'so the endpoint serves what it can within its SLA.',
    '',
    '## Escalation',
    '',
    '| After | Escalate to |',
    '| --- | --- |',
    ...chain.map((l) => `| ${l.afterMinutes} min | ${l.notify} |`),
    ...(chain.length === 0
      ? ['| _minutes_ | _set teams[].onCall.escalation in the policy_ |']
      : []),
    '',
    '## Post-incident',
    '',
    '- [ ] Timeline documented in the incident ticket',
    '- [ ] Root cause identified',
    '- [ ] Action items created',
    `- [ ] Post-mortem scheduled${severity === 'P1' || severity === 'P2' ? ' (required for P1 and P2)' : ''}`,
    '',
  ].join('\n');
}

export interface RunbookFile {
  readonly name: string;
  readonly text: string;
}

export interface RunbookProblem {
  readonly model?: string;
  readonly file?: string;
  readonly message: string;
}

/** Models of the policy without a runbook, and runbooks without a required section. */
export function checkRunbooks(
  policy: GuardrailsPolicy,
  files: readonly RunbookFile[],
): RunbookProblem[] {
  const out: RunbookProblem[] = [];
  const models = policy.projects.flatMap((p) => p.models.map((m) => m.name));
  for (const model of models)
    if (!files.some((f) => f.name === `${model}.md` || f.name.startsWith(`${model}--`)))
      out.push({
        model,
        message: `model ${model} has no runbook (guardrails runbook init --model ${model})`,
      });
  for (const f of files) {
    const headings = f.text
      .split(/\r?\n/)
      .filter((l) => /^##\s/.test(l))
      .map((l) => l.replace(/^##\s+/, '').toLowerCase());
    for (const s of RUNBOOK_SECTIONS)
      if (!headings.some((h) => h.startsWith(s.toLowerCase())))
        out.push({ file: f.name, message: `${f.name} has no "## ${s}" section` });
  }
  return out;
}
