/**
 * The Production Readiness Review: every check, run in a fixed order, and the verdict.
 */
import { costCheck, loadTestCheck, modelCardCheck, registrationCheck } from './checks/evidence';
import { iamCheck } from './checks/iam';
import { loggingCheck, metricsCheck } from './checks/observability';
import {
  dashboardsCheck,
  resilienceCheck,
  resourcesCheck,
  rollbackCheck,
  runbookCheck,
  versioningCheck,
} from './checks/operations';
import {
  costAttributionCheck,
  dependenciesCheck,
  loggingPracticeCheck,
  reproducibilityCheck,
  requestSafetyCheck,
  rollbackRehearsalCheck,
  throughputCheck,
} from './checks/readiness';
import { reviewCheck } from './checks/review';
import { secretAllowlistCheck, secretsCheck } from './checks/secrets';
import type { CheckResult, PrrCheck, PrrContext } from './types';

/** Every check, grouped as the review document groups them. */
export const PRR_CHECKS: readonly PrrCheck[] = [
  registrationCheck,
  loggingCheck,
  loggingPracticeCheck,
  metricsCheck,
  dashboardsCheck,
  runbookCheck,
  versioningCheck,
  reproducibilityCheck,
  modelCardCheck,
  loadTestCheck,
  throughputCheck,
  resourcesCheck,
  dependenciesCheck,
  resilienceCheck,
  rollbackCheck,
  rollbackRehearsalCheck,
  costCheck,
  costAttributionCheck,
  secretsCheck,
  secretAllowlistCheck,
  iamCheck,
  requestSafetyCheck,
  reviewCheck,
];

export interface PrrReport {
  readonly model: { readonly name: string; readonly version: string };
  readonly project: string;
  readonly deploymentFile: string;
  readonly modelDir: string;
  /** `pass` when no blocking check failed. */
  readonly verdict: 'pass' | 'fail';
  readonly counts: { readonly pass: number; readonly warn: number; readonly fail: number };
  readonly checks: readonly CheckResult[];
  /** The blocking checks that failed: what stops the release. */
  readonly blockingIssues: readonly CheckResult[];
}

/**
 * Run every check. An advisory check never fails the review, so its failure is reported as a
 * warning; a check that throws is a failure of that check, never a silent pass.
 */
export function runPrr(ctx: PrrContext, checks: readonly PrrCheck[] = PRR_CHECKS): PrrReport {
  const results: CheckResult[] = checks.map((check) => {
    let outcome: { status: CheckResult['status']; details: string[] };
    try {
      outcome = check.evaluate(ctx);
    } catch (err) {
      outcome = { status: 'fail', details: [`the check crashed: ${(err as Error).message}`] };
    }
    const status = !check.blocking && outcome.status === 'fail' ? 'warn' : outcome.status;
    return {
      id: check.id,
      title: check.title,
      blocking: check.blocking,
      status,
      details: outcome.details,
    };
  });
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  const blockingIssues = results.filter((r) => r.blocking && r.status === 'fail');
  return {
    model: { ...ctx.deployment.model },
    project: ctx.deployment.project,
    deploymentFile: ctx.deploymentFile,
    modelDir: ctx.model.root,
    verdict: blockingIssues.length > 0 ? 'fail' : 'pass',
    counts: { pass: count('pass'), warn: count('warn'), fail: count('fail') },
    checks: results,
    blockingIssues,
  };
}
