/**
 * Checks on what deployment.yaml declares for operating the model: dashboards and runbook,
 * versioning, resources, resilience settings and the rollback plan.
 */
import { cpuCores, memoryBytes } from '../../deployment';
import { effectiveSla } from '../sla';
import type { CheckStatus, PrrCheck } from '../types';

type Outcome = { status: CheckStatus; details: string[] };
const fail = (...details: string[]): Outcome => ({ status: 'fail', details });

/** https only: a dashboard or runbook behind plain http is a phishing and MITM risk. */
function httpsProblems(urls: readonly string[]): string[] {
  return urls.filter((u) => !u.startsWith('https://')).map((u) => `${u} is not an https link`);
}

export const dashboardsCheck: PrrCheck = {
  id: 'dashboards',
  title: 'Dashboard links',
  blocking: false,
  evaluate: ({ deployment }) => {
    const dashboards = deployment.observability?.dashboards ?? [];
    if (dashboards.length === 0) return fail('observability.dashboards is empty or missing');
    const bad = httpsProblems(dashboards);
    return bad.length > 0 ? fail(...bad) : { status: 'pass', details: [...dashboards] };
  },
};

export const runbookCheck: PrrCheck = {
  id: 'runbook',
  title: 'Runbook link',
  blocking: true,
  evaluate: ({ deployment }) => {
    const runbook = deployment.observability?.runbook;
    if (runbook === undefined) return fail('observability.runbook is missing');
    const bad = httpsProblems([runbook]);
    return bad.length > 0 ? fail(...bad) : { status: 'pass', details: [runbook] };
  },
};

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const FULL_SHA = /^[0-9a-f]{40}$/;
const SHORT_SHA = /^[0-9a-f]{7,39}$/;

export const versioningCheck: PrrCheck = {
  id: 'versioning',
  title: 'Code and image versioned (commit SHA, image digest)',
  blocking: true,
  evaluate: ({ deployment: d }) => {
    const problems: string[] = [];
    const warnings: string[] = [];
    const found: string[] = [];
    if (d.commitSha === undefined) problems.push('commitSha is missing');
    else if (FULL_SHA.test(d.commitSha)) found.push(`commit ${d.commitSha}`);
    else if (SHORT_SHA.test(d.commitSha))
      warnings.push(`commitSha ${d.commitSha} is abbreviated; use the full 40-character SHA`);
    else problems.push(`commitSha "${d.commitSha}" is not a git commit SHA`);
    if (d.image === undefined) problems.push('image is missing');
    else if (DIGEST.test(d.image)) found.push(`image ${d.image}`);
    // A tag can be moved to another image; only a digest names the bytes that were reviewed.
    else problems.push(`image ${d.image} is not pinned by digest (<repository>@sha256:<64 hex>)`);
    if (d.artifact === undefined)
      warnings.push('artifact (model artifact URI and sha256) is not declared');
    else if (d.artifact.sha256 === undefined)
      warnings.push(`artifact ${d.artifact.uri} has no sha256`);
    else found.push(`artifact ${d.artifact.uri}`);
    if (problems.length > 0) return fail(...problems, ...warnings);
    return { status: warnings.length > 0 ? 'warn' : 'pass', details: [...found, ...warnings] };
  },
};

export const resourcesCheck: PrrCheck = {
  id: 'resources',
  title: 'Memory and CPU requests and limits',
  blocking: true,
  evaluate: ({ deployment }) => {
    const r = deployment.resources;
    const problems: string[] = [];
    for (const kind of ['requests', 'limits'] as const)
      for (const res of ['cpu', 'memory'] as const)
        if (r?.[kind]?.[res] === undefined) problems.push(`resources.${kind}.${res} is missing`);
    const req = r?.requests;
    const lim = r?.limits;
    if (req?.cpu !== undefined && lim?.cpu !== undefined) {
      const [a, b] = [cpuCores(req.cpu), cpuCores(lim.cpu)];
      if (a !== undefined && b !== undefined && b < a)
        problems.push(`CPU limit ${lim.cpu} is below the request ${req.cpu}`);
    }
    if (req?.memory !== undefined && lim?.memory !== undefined) {
      const [a, b] = [memoryBytes(req.memory), memoryBytes(lim.memory)];
      if (a !== undefined && b !== undefined && b < a)
        problems.push(`memory limit ${lim.memory} is below the request ${req.memory}`);
    }
    if (problems.length > 0) return fail(...problems);
    return {
      status: 'pass',
      details: [
        `requests cpu ${req?.cpu} memory ${req?.memory}; limits cpu ${lim?.cpu} memory ${lim?.memory}`,
      ],
    };
  },
};

/** More attempts than this multiply load on a struggling model (retry storms). */
export const MAX_RETRY_ATTEMPTS = 5;

export const resilienceCheck: PrrCheck = {
  id: 'resilience',
  title: 'Timeout, retries and circuit breaker',
  blocking: true,
  evaluate: ({ deployment, policy }) => {
    const r = deployment.resilience;
    const problems: string[] = [];
    const warnings: string[] = [];
    if (r?.timeoutMs === undefined) problems.push('resilience.timeoutMs is missing');
    if (r?.retries === undefined) problems.push('resilience.retries is missing');
    if (r?.circuitBreaker === undefined) problems.push('resilience.circuitBreaker is missing');
    if (r?.retries && r.retries.maxAttempts > MAX_RETRY_ATTEMPTS)
      warnings.push(
        `retries.maxAttempts ${r.retries.maxAttempts} is above ${MAX_RETRY_ATTEMPTS}: retries multiply load on a struggling model`,
      );
    if (r?.retries && r.retries.maxAttempts > 1 && (r.retries.backoff ?? 'none') === 'none')
      warnings.push('retries without backoff: use exponential (with jitter)');
    const p99 = effectiveSla(deployment, policy).p99LatencyMs;
    if (r?.timeoutMs !== undefined && p99 !== undefined && r.timeoutMs < p99)
      warnings.push(
        `timeout ${r.timeoutMs} ms is below the p99 SLA of ${p99} ms: requests within SLA would time out`,
      );
    if (problems.length > 0) return fail(...problems, ...warnings);
    return {
      status: warnings.length > 0 ? 'warn' : 'pass',
      details: [
        `timeout ${r?.timeoutMs} ms, ${r?.retries?.maxAttempts} attempts (${r?.retries?.backoff ?? 'no'} backoff), breaker opens at ${r?.circuitBreaker?.failureThresholdPct}% failures for ${r?.circuitBreaker?.openSeconds} s`,
        ...warnings,
      ],
    };
  },
};

export const rollbackCheck: PrrCheck = {
  id: 'rollback',
  title: 'Rollback plan',
  blocking: true,
  evaluate: ({ deployment }) => {
    const r = deployment.rollback;
    if (r === undefined) return fail('rollback is missing');
    if (r.previousVersion === undefined && r.procedure === undefined)
      return fail('rollback needs previousVersion or a procedure');
    const first = r.previousVersion === undefined || r.previousVersion === 'none';
    if (first && r.procedure === undefined)
      return fail('a first release (previousVersion none) needs a procedure to withdraw it');
    const details = [
      `${r.strategy}${first ? ' (first release)' : ` to ${r.previousVersion}`}${r.procedure ? `; procedure: ${r.procedure}` : ''}`,
    ];
    if ((r.automaticTriggers ?? []).length === 0) {
      details.push('no automatic rollback triggers (alarms) declared');
      return { status: 'warn', details };
    }
    details.push(`automatic on: ${r.automaticTriggers?.join(', ')}`);
    return { status: 'pass', details };
  },
};
