/**
 * Least-privilege IAM for the auto-stop functions, built from the kind registry's actions:
 * Stop* only on ARNs of the stoppable kinds in the policy's regions and only when the resource
 * carries the project tag of a project in `enforce` mode; Describe* (the worker's re-check and
 * the cheaper discovery path) on those ARNs; List* and tagging reads on `*` (they support no
 * resource scoping).
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BUDGET_READ_ACTIONS } from '../../lambdas/auto-stop/budgets';
import type { StoppableSpec } from '../../lambdas/shared/sagemaker-kinds';
import { TAGGING_READ_ACTIONS } from '../../lambdas/shared/tagging';
import type { GuardrailsPolicy } from '../config/schema';

/** `sagemaker:training-job` in `eu-west-1` -> `arn:<partition>:sagemaker:eu-west-1:<account>:training-job/*`. */
function arnPattern(taggingType: string, region: string): string {
  const [service, type] = taggingType.split(':');
  return `arn:${Aws.PARTITION}:${service}:${region}:${Aws.ACCOUNT_ID}:${type}/*`;
}

/** The deployment region and every region a project whose auto-stop is not off lists. */
export function autoStopRegions(policy: GuardrailsPolicy): string[] {
  const listed = policy.projects
    .filter((p) => p.autoStop.mode !== 'off')
    .flatMap((p) => [...p.regions]);
  return [Aws.REGION, ...new Set(listed)];
}

function arns(specs: readonly StoppableSpec[], regions: readonly string[]): string[] {
  return [...new Set(specs.flatMap((s) => regions.map((r) => arnPattern(s.taggingType, r))))];
}

/** Projects whose resources the function may stop: those in `enforce` mode. */
export function enforcedProjectIds(policy: GuardrailsPolicy): string[] {
  return policy.projects.filter((p) => p.autoStop.mode === 'enforce').map((p) => p.id);
}

/**
 * Stop* on the project-tagged resources of the given kinds: the SageMaker Stop* actions support
 * resource ARNs and the `aws:ResourceTag/${TagKey}` condition key (Service Authorization
 * Reference, "Actions, resources, and condition keys for Amazon SageMaker"). Undefined when no
 * project enforces.
 */
export function stopStatement(
  specs: readonly StoppableSpec[],
  projectTagKey: string,
  projectIds: readonly string[],
  regions: readonly string[],
): iam.PolicyStatement | undefined {
  if (projectIds.length === 0 || specs.length === 0) return undefined;
  return new iam.PolicyStatement({
    sid: 'StopProjectTaggedSageMakerWork',
    actions: [...new Set(specs.map((s) => s.iam.stop))],
    resources: arns(specs, regions),
    conditions: { StringEquals: { [`aws:ResourceTag/${projectTagKey}`]: [...projectIds] } },
  });
}

/** Describe* of the stoppable kinds: read-only, on their ARNs in the policy's regions. */
export function describeStatement(
  specs: readonly StoppableSpec[],
  regions: readonly string[],
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DescribeSageMakerWork',
    actions: [...new Set(specs.map((s) => s.iam.describe))],
    resources: arns(specs, regions),
  });
}

/** List* calls and tagging reads: no resource-level permissions, so `Resource: *`. */
export function discoveryStatement(specs: readonly StoppableSpec[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DiscoverSageMakerWork',
    actions: [...new Set(specs.map((s) => s.iam.list)), ...TAGGING_READ_ACTIONS],
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
