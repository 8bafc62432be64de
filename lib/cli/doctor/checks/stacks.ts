import { describeDeployment } from '../../deployment';
import type { DoctorCheck, DoctorContext } from '../types';

/** The deployment's stacks in this region (budget stacks only where budgets live). */
export function expectedStacks(ctx: DoctorContext): string[] {
  const { names, policy } = ctx;
  const budgetsHere =
    !policy.organisation.budgetRegion || policy.organisation.budgetRegion === ctx.region;
  return [
    names.autoStopStack,
    names.pagingStack,
    names.tagComplianceStack,
    ...(budgetsHere
      ? Array.from({ length: policy.organisation.budgetStacks }, (_, i) => names.budgetStack(i))
      : []),
  ];
}

/**
 * Stack states that need a person (CloudFormation User Guide, "Stack status codes"): a
 * ROLLBACK_COMPLETE stack can only be deleted; *_FAILED states need the failure fixed.
 */
function stateProblem(
  status: string,
): { severity: 'blocking' | 'warning'; fix: string } | undefined {
  if (status === 'ROLLBACK_COMPLETE')
    return {
      severity: 'blocking',
      fix: 'the first create failed: read its events, delete the stack, then deploy again',
    };
  if (status.endsWith('_FAILED'))
    return {
      severity: 'blocking',
      fix: 'read the stack events for the failed resource, fix it, then deploy again (or continue-update-rollback)',
    };
  if (status === 'UPDATE_ROLLBACK_COMPLETE')
    return {
      severity: 'warning',
      fix: 'the last update was rolled back: read the stack events, then deploy again',
    };
  if (status.endsWith('_IN_PROGRESS'))
    return { severity: 'warning', fix: 'wait for the operation to finish, then run doctor again' };
  return undefined;
}

export const stacksCheck: DoctorCheck = {
  name: 'stacks',
  description: "the deployment's stacks exist and are not in a failed state",
  async run(ctx) {
    const found = await describeDeployment(
      ctx.clients.cloudformation,
      expectedStacks(ctx),
      ctx.retry,
    );
    return [
      ...found.missing.map((name) => ({
        check: this.name,
        severity: 'blocking' as const,
        problem: `stack ${name} is not deployed in ${ctx.region}`,
        fix: `npx cdk deploy ${name} (or --all)`,
      })),
      ...found.stacks.flatMap((stack) => {
        const status = String(stack.StackStatus ?? 'UNKNOWN');
        const p = stateProblem(status);
        return p
          ? [
              {
                check: this.name,
                severity: p.severity,
                problem: `stack ${stack.StackName} is ${status}`,
                fix: p.fix,
              },
            ]
          : [];
      }),
    ];
  },
};
