/**
 * Least-privilege IAM for the auto-stop functions, built from the adapters' exported actions:
 * Stop* only on ARNs of the stoppable types and only when the resource carries the project tag of
 * a project in `enforce` mode; List* and tagging reads on `*` (they support no resource scoping).
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BUDGET_READ_ACTIONS } from '../../lambdas/auto-stop/budgets';
import type { StopSpec } from '../../lambdas/auto-stop/kinds/sagemaker-stop';
import { TAGGING_READ_ACTIONS } from '../../lambdas/auto-stop/tagging';
import type { GuardrailsPolicy } from '../config/schema';

/** `sagemaker:training-job` -> `arn:<partition>:sagemaker:<region>:<account>:training-job/*`. */
function arnPattern(taggingType: string): string {
  const [service, type] = taggingType.split(':');
  return `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${type}/*`;
}

/** Projects whose resources the function may stop: those in `enforce` mode. */
export function enforcedProjectIds(policy: GuardrailsPolicy): string[] {
  return policy.projects.filter((p) => p.autoStop.mode === 'enforce').map((p) => p.id);
}

/**
 * Stop* on the project-tagged resources of the given kinds (DOMAIN-NOTES "SageMaker": Stop*
 * supports resource ARNs and `aws:ResourceTag` conditions). Undefined when no project enforces.
 */
export function stopStatement(
  specs: readonly StopSpec[],
  projectTagKey: string,
  projectIds: readonly string[],
): iam.PolicyStatement | undefined {
  if (projectIds.length === 0 || specs.length === 0) return undefined;
  return new iam.PolicyStatement({
    sid: 'StopProjectTaggedSageMakerWork',
    actions: [...new Set(specs.map((s) => s.stopIamAction))],
    resources: [...new Set(specs.map((s) => arnPattern(s.taggingType)))],
    conditions: { StringEquals: { [`aws:ResourceTag/${projectTagKey}`]: [...projectIds] } },
  });
}

/** List* calls and tagging reads: no resource-level permissions, so `Resource: *`. */
export function discoveryStatement(specs: readonly StopSpec[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DiscoverSageMakerWork',
    actions: [...new Set(specs.map((s) => s.listIamAction)), ...TAGGING_READ_ACTIONS],
    resources: ['*'],
  });
}

/** DescribeBudget on the policy's own budgets only. */
export function budgetReadStatement(budgetNames: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadProjectBudgets',
    actions: [...BUDGET_READ_ACTIONS],
    resources: budgetNames.map(
      (n) => `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:budget/${n}`,
    ),
  });
}
