/**
 * The checklist items of the review that deployment.yaml declares: logging practice,
 * reproducibility records, throughput and autoscaling, dependency failures, rollback
 * rehearsal, unit costs and the cost-center tag, input validation and rate limiting.
 */
import type { CheckStatus, PrrCheck } from '../types';

type Outcome = { status: CheckStatus; details: string[] };
const outcome = (problems: string[], found: string[], warnings: string[] = []): Outcome =>
  problems.length > 0
    ? { status: 'fail', details: [...problems, ...warnings] }
    : { status: warnings.length > 0 ? 'warn' : 'pass', details: [...found, ...warnings] };

const DAY_MS = 86_400_000;

export const loggingPracticeCheck: PrrCheck = {
  id: 'logging-practice',
  title: 'Log level, payload logging with PII redaction, correlation ids, latency percentiles',
  blocking: true,
  evaluate: ({ deployment }) => {
    const o = deployment.observability ?? {};
    const problems: string[] = [];
    const found: string[] = [];
    if (o.logLevel === undefined) problems.push('observability.logLevel is missing');
    else if (o.logLevel === 'DEBUG')
      problems.push('observability.logLevel is DEBUG: use INFO in production');
    else found.push(`log level ${o.logLevel}`);
    if (o.payloadLogging === undefined) problems.push('observability.payloadLogging is missing');
    else if (o.payloadLogging.enabled && !o.payloadLogging.piiRedaction)
      problems.push('payloads are logged without PII redaction');
    else found.push(`payload logging ${o.payloadLogging.enabled ? 'with PII redaction' : 'off'}`);
    if (o.correlationIdHeader === undefined)
      problems.push('observability.correlationIdHeader is missing');
    else found.push(`correlation id in ${o.correlationIdHeader}`);
    const pct = o.latencyPercentiles ?? [];
    const absent = [50, 95, 99].filter((p) => !pct.includes(p));
    if (absent.length > 0)
      problems.push(`observability.latencyPercentiles lacks p${absent.join(', p')}`);
    else found.push(`latency p${pct.join(', p')}`);
    return outcome(problems, found);
  },
};

export const reproducibilityCheck: PrrCheck = {
  id: 'reproducibility',
  title: 'Training code, data version, feature definitions, test dataset, hyperparameters',
  blocking: true,
  evaluate: ({ deployment: d }) => {
    const problems: string[] = [];
    const found: string[] = [];
    if (d.trainingCommitSha === undefined) problems.push('trainingCommitSha is missing');
    else if (!/^[0-9a-f]{40}$/.test(d.trainingCommitSha))
      problems.push(`trainingCommitSha "${d.trainingCommitSha}" is not a full git commit SHA`);
    else found.push(`training code ${d.trainingCommitSha}`);
    for (const key of [
      'dataVersion',
      'featureDefinitions',
      'testDataset',
      'hyperparameters',
    ] as const) {
      const v = d[key];
      if (v === undefined) problems.push(`${key} is missing`);
      else found.push(`${key} ${v}`);
    }
    return outcome(problems, found);
  },
};

export const throughputCheck: PrrCheck = {
  id: 'throughput',
  title: 'Target throughput, GPU and autoscaling',
  blocking: true,
  evaluate: ({ deployment: d }) => {
    const problems: string[] = [];
    const found: string[] = [];
    if (d.targetQps === undefined) problems.push('targetQps is missing');
    else found.push(`target ${d.targetQps} QPS`);
    const gpu = d.resources?.gpu;
    if (gpu === undefined) problems.push('resources.gpu is missing (type: none for CPU-only)');
    else
      found.push(gpu.type === 'none' || gpu.count === 0 ? 'no GPU' : `${gpu.count} × ${gpu.type}`);
    const a = d.autoscaling;
    if (a === undefined) problems.push('autoscaling is missing');
    else {
      if (a.maxInstances < a.minInstances)
        problems.push(
          `autoscaling.maxInstances ${a.maxInstances} is below minInstances ${a.minInstances}`,
        );
      if (a.minInstances < 1)
        problems.push('autoscaling.minInstances 0 leaves no instance to serve');
      if (a.scaleDownStabilizationSeconds === 0)
        problems.push('autoscaling.scaleDownStabilizationSeconds 0 lets the service flap');
      found.push(
        `autoscaling ${a.minInstances}–${a.maxInstances}, out above ${a.scaleUpThresholdPct}%, in after ${a.scaleDownStabilizationSeconds} s`,
      );
    }
    return outcome(problems, found);
  },
};

export const dependenciesCheck: PrrCheck = {
  id: 'dependencies',
  title: 'Dependency failures handled and tested',
  blocking: true,
  evaluate: ({ deployment }) => {
    const deps = deployment.dependencies;
    if (deps === undefined || deps.length === 0)
      return {
        status: 'fail',
        details: [
          'dependencies is missing: list each dependency, its failure behaviour and whether it was tested',
        ],
      };
    const untested = deps
      .filter((x) => !x.tested)
      .map((x) => `${x.name}: "${x.failureBehavior}" not tested`);
    return outcome(
      untested,
      deps.map((x) => `${x.name}: ${x.failureBehavior} (tested)`),
    );
  },
};

/** The chapter's rollback target: the previous version deployable in under five minutes. */
export const ROLLBACK_MAX_MINUTES = 5;
/** A rollback rehearsal older than this no longer says the procedure works. */
export const ROLLBACK_TEST_MAX_AGE_DAYS = 90;

export const rollbackRehearsalCheck: PrrCheck = {
  id: 'rollback-rehearsal',
  title: `Rollback within ${ROLLBACK_MAX_MINUTES} minutes, tested in the last ${ROLLBACK_TEST_MAX_AGE_DAYS} days`,
  blocking: true,
  evaluate: ({ deployment, today }) => {
    const r = deployment.rollback;
    const problems: string[] = [];
    const found: string[] = [];
    if (r?.targetMinutes === undefined) problems.push('rollback.targetMinutes is missing');
    else if (r.targetMinutes > ROLLBACK_MAX_MINUTES)
      problems.push(
        `rollback.targetMinutes ${r.targetMinutes} is over ${ROLLBACK_MAX_MINUTES} minutes`,
      );
    else found.push(`rollback in ${r.targetMinutes} min`);
    if (r?.lastTestedOn === undefined) problems.push('rollback.lastTestedOn is missing');
    else {
      const age = Math.floor((Date.parse(today) - Date.parse(r.lastTestedOn)) / DAY_MS);
      if (Number.isNaN(age)) problems.push(`rollback.lastTestedOn ${r.lastTestedOn} is not a date`);
      else if (age < 0) problems.push(`rollback.lastTestedOn ${r.lastTestedOn} is in the future`);
      else if (age > ROLLBACK_TEST_MAX_AGE_DAYS)
        problems.push(
          `rollback last tested ${age} days ago (${r.lastTestedOn}): rehearse it again`,
        );
      else found.push(`tested ${r.lastTestedOn} (${age} days ago)`);
    }
    return outcome(problems, found);
  },
};

export const costAttributionCheck: PrrCheck = {
  id: 'cost-attribution',
  title: 'Unit costs add up and the CostCenter tag is the project’s',
  blocking: true,
  evaluate: ({ deployment: d, policy }) => {
    const problems: string[] = [];
    const found: string[] = [];
    const items = d.cost?.lineItems ?? [];
    if (items.length === 0) problems.push('cost.lineItems (unit cost × monthly usage) is missing');
    else {
      const total = items.reduce((sum, i) => sum + i.unitCostUsd * i.monthlyUsage, 0);
      found.push(
        ...items.map(
          (i) =>
            `${i.resource}: $${i.unitCostUsd}/${i.unit} × ${i.monthlyUsage} = $${(i.unitCostUsd * i.monthlyUsage).toFixed(2)}`,
        ),
      );
      const estimate = d.cost?.monthlyEstimateUsd;
      // Within 1 %: rounding in a spreadsheet is fine, a forgotten resource is not.
      if (estimate !== undefined && Math.abs(total - estimate) > Math.max(1, estimate * 0.01))
        problems.push(
          `the line items add up to $${total.toFixed(2)}, not the estimate of $${estimate}`,
        );
    }
    const project = policy.projects.find((p) => p.id === d.project);
    const tag = d.tags?.CostCenter;
    if (tag === undefined) problems.push('tags.CostCenter is missing');
    else if (project && tag !== project.costCenter)
      problems.push(
        `tags.CostCenter ${tag} is not the project's cost center ${project.costCenter}`,
      );
    else found.push(`CostCenter ${tag}`);
    return outcome(problems, found);
  },
};

export const requestSafetyCheck: PrrCheck = {
  id: 'request-safety',
  title: 'Input validation and rate limiting',
  blocking: true,
  evaluate: ({ deployment }) => {
    const s = deployment.security;
    const problems: string[] = [];
    if (s === undefined) problems.push('security is missing');
    else {
      if (!s.inputValidation) problems.push('security.inputValidation is false');
      if (s.rateLimitRps === undefined) problems.push('security.rateLimitRps is missing');
    }
    return outcome(problems, s ? [`input validated, rate limit ${s.rateLimitRps} rps`] : []);
  },
};
