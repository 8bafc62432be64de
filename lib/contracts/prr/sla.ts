/** The serving SLA a deployment is reviewed against. */
import type { GuardrailsPolicy } from '../../config/schema';
import type { Deployment } from '../deployment';

/** The SLA to meet: the policy's model SLA wins (it is the agreed contract), field by field. */
export function effectiveSla(
  deployment: Deployment,
  policy: GuardrailsPolicy,
): { p99LatencyMs?: number; availabilityPct?: number; source: string } {
  const model = policy.projects
    .find((p) => p.id === deployment.project)
    ?.models.find((m) => m.name === deployment.model.name);
  const fromPolicy = model?.sla ?? {};
  const fromFile = deployment.sla ?? {};
  const p99 = fromPolicy.p99LatencyMs ?? fromFile.p99LatencyMs;
  const availability = fromPolicy.availabilityPct ?? fromFile.availabilityPct;
  const source = fromPolicy.p99LatencyMs !== undefined ? 'guardrails policy' : 'deployment.yaml';
  return {
    ...(p99 === undefined ? {} : { p99LatencyMs: p99 }),
    ...(availability === undefined ? {} : { availabilityPct: availability }),
    source,
  };
}

/** Where deployment.yaml promises less than the policy's SLA (a looser p99 or availability). */
export function slaConflicts(deployment: Deployment, policy: GuardrailsPolicy): string[] {
  const model = policy.projects
    .find((p) => p.id === deployment.project)
    ?.models.find((m) => m.name === deployment.model.name);
  const agreed = model?.sla;
  const declared = deployment.sla;
  if (!agreed || !declared) return [];
  const out: string[] = [];
  if (
    agreed.p99LatencyMs !== undefined &&
    declared.p99LatencyMs !== undefined &&
    declared.p99LatencyMs > agreed.p99LatencyMs
  )
    out.push(
      `deployment.yaml declares p99 ${declared.p99LatencyMs} ms, looser than the policy's ${agreed.p99LatencyMs} ms (the policy applies)`,
    );
  if (
    agreed.availabilityPct !== undefined &&
    declared.availabilityPct !== undefined &&
    declared.availabilityPct < agreed.availabilityPct
  )
    out.push(
      `deployment.yaml declares availability ${declared.availabilityPct}%, below the policy's ${agreed.availabilityPct}% (the policy applies)`,
    );
  return out;
}
