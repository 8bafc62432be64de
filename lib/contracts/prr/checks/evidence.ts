/**
 * Checks on the evidence files deployment.yaml points to: model card, load-test results and the
 * monthly cost estimate against the project's budget in the guardrails policy.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { effectiveSla, slaConflicts } from '../sla';
import type { CheckStatus, PrrCheck, PrrContext, ReferencedFile } from '../types';

type Outcome = { status: CheckStatus; details: string[] };
const fail = (...details: string[]): Outcome => ({ status: 'fail', details });

function missing(file: ReferencedFile | undefined, key: string): Outcome | undefined {
  if (file === undefined) return fail(`${key} is not set in the deployment file`);
  if ('error' in file) return fail(`${key} ${file.path}: ${file.error}`);
  return undefined;
}

/** Sections a model card is expected to have (Mitchell et al., "Model Cards for Model Reporting"). */
export const MODEL_CARD_SECTIONS = [
  'intended use',
  'training data',
  'evaluation',
  'limitations',
] as const;

export const modelCardCheck: PrrCheck = {
  id: 'model-card',
  title: 'Model card',
  blocking: true,
  evaluate: ({ modelCard }) => {
    const m = missing(modelCard, 'modelCard');
    if (m || !modelCard || 'error' in modelCard) return m ?? fail('modelCard is missing');
    if (modelCard.text.trim() === '') return fail(`${modelCard.path} is empty`);
    const headings = modelCard.text
      .split('\n')
      .filter((l) => /^#{1,6}\s/.test(l))
      .map((l) => l.toLowerCase());
    const absent = MODEL_CARD_SECTIONS.filter((s) => !headings.some((h) => h.includes(s)));
    if (absent.length > 0)
      return {
        status: 'warn',
        details: [`${modelCard.path} has no section for: ${absent.join(', ')}`],
      };
    return { status: 'pass', details: [modelCard.path] };
  },
};

/** The summary format of this project (JSON or YAML). */
const LoadTestSummarySchema = z.object({
  p99LatencyMs: z.number().nonnegative(),
  p50LatencyMs: z.number().nonnegative().optional(),
  requests: z.number().int().nonnegative().optional(),
  errorRatePct: z.number().min(0).max(100).optional(),
  requestsPerSecond: z.number().nonnegative().optional(),
  tool: z.string().optional(),
});

export interface LoadTestResult {
  readonly p99LatencyMs: number;
  readonly requestsPerSecond?: number;
  readonly requests?: number;
  readonly errorRatePct?: number;
  readonly format: string;
}

/** Fewer requests than this make a p99 mostly noise (the tail is a handful of samples). */
export const MIN_LOAD_TEST_REQUESTS = 1000;

/**
 * Read a load-test summary: this project's format, or k6's end-of-test JSON (handleSummary
 * `metrics.http_req_duration.values["p(99)"]` or `--summary-export` without `values`), in ms.
 * k6 reports only avg/min/med/max/p(90)/p(95) by default, so p(99) must be added to
 * `summaryTrendStats` (k6 docs, "End of test").
 */
export function parseLoadTest(text: string): LoadTestResult | string {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return `is not valid JSON or YAML (${(err as Error).message.split('\n')[0]})`;
  }
  const own = LoadTestSummarySchema.safeParse(raw);
  if (own.success)
    return {
      p99LatencyMs: own.data.p99LatencyMs,
      ...(own.data.requests === undefined ? {} : { requests: own.data.requests }),
      ...(own.data.errorRatePct === undefined ? {} : { errorRatePct: own.data.errorRatePct }),
      ...(own.data.requestsPerSecond === undefined
        ? {}
        : { requestsPerSecond: own.data.requestsPerSecond }),
      format: own.data.tool ?? 'summary',
    };
  const k6 = (raw as { metrics?: Record<string, Record<string, unknown>> } | null)?.metrics;
  const duration = k6?.http_req_duration;
  if (duration) {
    const stats = (duration.values ?? duration) as Record<string, unknown>;
    const p99 = stats['p(99)'];
    if (typeof p99 !== 'number')
      return 'is a k6 summary without p(99) of http_req_duration: add "p(99)" to summaryTrendStats';
    const reqs = (k6.http_reqs?.values ?? k6.http_reqs) as Record<string, unknown> | undefined;
    const failed = (k6.http_req_failed?.values ?? k6.http_req_failed) as
      | Record<string, unknown>
      | undefined;
    const count = reqs?.count;
    const rps = reqs?.rate;
    const rate = failed?.rate ?? failed?.value;
    return {
      p99LatencyMs: p99,
      ...(typeof count === 'number' ? { requests: count } : {}),
      ...(typeof rps === 'number' ? { requestsPerSecond: rps } : {}),
      ...(typeof rate === 'number' ? { errorRatePct: rate * 100 } : {}),
      format: 'k6',
    };
  }
  return 'has neither p99LatencyMs nor a k6 metrics.http_req_duration p(99)';
}

export const loadTestCheck: PrrCheck = {
  id: 'load-test',
  title: 'Load test p99 within the SLA',
  blocking: true,
  evaluate: (ctx: PrrContext) => {
    const m = missing(ctx.loadTest, 'loadTest');
    const file = ctx.loadTest;
    if (m || !file || 'error' in file) return m ?? fail('loadTest is missing');
    const result = parseLoadTest(file.text);
    if (typeof result === 'string') return fail(`${file.path} ${result}`);
    const sla = effectiveSla(ctx.deployment, ctx.policy);
    if (sla.p99LatencyMs === undefined)
      return fail(
        `no p99 latency SLA for model ${ctx.deployment.model.name} (set projects[].models[].sla.p99LatencyMs in the policy or sla.p99LatencyMs in the deployment file)`,
      );
    const summary = `p99 ${result.p99LatencyMs} ms vs SLA ${sla.p99LatencyMs} ms (${sla.source}, ${result.format})`;
    if (result.p99LatencyMs > sla.p99LatencyMs) return fail(`${summary}: above the SLA`);
    const target = ctx.deployment.targetQps;
    // A p99 measured below the target load says nothing about the p99 at that load.
    if (
      target !== undefined &&
      result.requestsPerSecond !== undefined &&
      result.requestsPerSecond < target
    )
      return fail(
        `${summary}, but at ${result.requestsPerSecond} requests/s, below the target of ${target} QPS`,
      );
    const warnings: string[] = slaConflicts(ctx.deployment, ctx.policy);
    if (result.requests !== undefined && result.requests < MIN_LOAD_TEST_REQUESTS)
      warnings.push(
        `only ${result.requests} requests: fewer than ${MIN_LOAD_TEST_REQUESTS} make a p99 unreliable`,
      );
    if (result.requests === undefined) warnings.push('the request count is not reported');
    if (target !== undefined && result.requestsPerSecond === undefined)
      warnings.push(`the request rate is not reported, so reaching ${target} QPS is not shown`);
    if (
      result.errorRatePct !== undefined &&
      sla.availabilityPct !== undefined &&
      result.errorRatePct > 100 - sla.availabilityPct
    )
      warnings.push(
        `error rate ${result.errorRatePct.toFixed(3)}% exceeds the availability SLA's budget of ${(100 - sla.availabilityPct).toFixed(3)}%`,
      );
    return { status: warnings.length > 0 ? 'warn' : 'pass', details: [summary, ...warnings] };
  },
};

export const costCheck: PrrCheck = {
  id: 'cost',
  title: "Monthly cost estimate within the project's budget",
  blocking: true,
  evaluate: ({ deployment, policy }) => {
    const project = policy.projects.find((p) => p.id === deployment.project);
    if (!project) return fail(`project "${deployment.project}" is not in the guardrails policy`);
    const estimate = deployment.cost?.monthlyEstimateUsd;
    if (estimate === undefined) return fail('cost.monthlyEstimateUsd is missing');
    const budget = project.monthlyBudgetUsd;
    const pct = (estimate / budget) * 100;
    const summary = `$${estimate.toLocaleString('en-US')} per month = ${pct.toFixed(1)}% of the ${project.id} budget ($${budget.toLocaleString('en-US')})`;
    if (estimate > budget) return fail(`${summary}: over budget`);
    // The budget also pays for training and the project's other models, and auto-stop acts at
    // thresholdPct of it: an estimate that alone reaches that point leaves no room for the rest.
    const stopAt = project.autoStop.thresholdPct;
    if (project.autoStop.mode !== 'off' && pct >= stopAt)
      return {
        status: 'warn',
        details: [`${summary}: at or above the auto-stop threshold of ${stopAt}%`],
      };
    return { status: 'pass', details: [summary] };
  },
};

export const registrationCheck: PrrCheck = {
  id: 'policy',
  title: 'Model registered in the guardrails policy',
  blocking: true,
  evaluate: ({ deployment, policy }) => {
    const project = policy.projects.find((p) => p.id === deployment.project);
    if (!project)
      return fail(
        `project "${deployment.project}" is not in the guardrails policy (known: ${policy.projects.map((p) => p.id).join(', ')})`,
      );
    const model = project.models.find((m) => m.name === deployment.model.name);
    if (!model)
      return fail(
        `model "${deployment.model.name}" is not listed under project "${project.id}" (known: ${project.models.map((m) => m.name).join(', ') || 'none'}); paging and budgets cannot map it`,
      );
    return {
      status: 'pass',
      details: [
        `${project.id} / ${model.name} (team ${project.team}, cost center ${project.costCenter})`,
      ],
    };
  },
};
