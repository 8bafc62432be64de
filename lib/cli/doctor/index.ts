/**
 * `guardrails doctor`: what a deployed account still lacks, one line per problem with its fix.
 * All logic lives here (testable without the CLI); commands/doctor.ts only parses and prints.
 */
import { errorMessage } from '../../../lambdas/shared/errors';
import { budgetsCheck } from './checks/budgets';
import { configRecorderCheck } from './checks/config-recorder';
import { costAllocationTagCheck } from './checks/cost-allocation-tag';
import { secretsCheck } from './checks/secrets';
import { stacksCheck } from './checks/stacks';
import { subscriptionsCheck } from './checks/subscriptions';
import { tagGovernanceCheck } from './checks/tag-governance';
import { topicPolicyCheck } from './checks/topic-policy';
import type { DoctorCheck, DoctorContext, Finding } from './types';

/** Every check, in the order an operator fixes things: stacks first. */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  stacksCheck,
  costAllocationTagCheck,
  configRecorderCheck,
  budgetsCheck,
  topicPolicyCheck,
  subscriptionsCheck,
  secretsCheck,
  tagGovernanceCheck,
];

export interface DoctorResult {
  readonly exitCode: 0 | 1;
  readonly text: string;
  readonly json: {
    readonly ok: boolean;
    readonly accountId: string;
    readonly region: string;
    readonly checks: readonly { name: string; description: string; findings: number }[];
    readonly findings: readonly Finding[];
  };
}

/** Run every check; a check that cannot run (access denied, throttled out) is itself a finding. */
export async function runDoctor(
  ctx: DoctorContext,
  checks: readonly DoctorCheck[] = DOCTOR_CHECKS,
): Promise<DoctorResult> {
  const findings: Finding[] = [];
  const perCheck: { name: string; description: string; findings: number }[] = [];
  for (const check of checks) {
    let found: Finding[];
    try {
      found = await check.run(ctx);
    } catch (err) {
      found = [
        {
          check: check.name,
          severity: 'blocking',
          problem: `could not check that ${check.description}: ${errorMessage(err)}`,
          fix: 'run doctor with credentials that may read it (see docs/deploying.md, "guardrails doctor")',
        },
      ];
    }
    findings.push(...found);
    perCheck.push({ name: check.name, description: check.description, findings: found.length });
  }
  const blocking = findings.filter((f) => f.severity === 'blocking').length;
  const lines = findings.map(
    (f) =>
      `${f.severity === 'blocking' ? 'ERROR' : 'WARN '} ${f.check}: ${f.problem}. Fix: ${f.fix}`,
  );
  const summary =
    findings.length === 0
      ? `doctor: ${checks.length} checks passed in account ${ctx.accountId}, ${ctx.region}`
      : `doctor: ${blocking} blocking, ${findings.length - blocking} warning(s) in account ${ctx.accountId}, ${ctx.region}`;
  return {
    exitCode: blocking > 0 ? 1 : 0,
    text: [...lines, summary].join('\n'),
    json: {
      ok: blocking === 0,
      accountId: ctx.accountId,
      region: ctx.region,
      checks: perCheck,
      findings,
    },
  };
}
