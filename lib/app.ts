/**
 * Builds the ml-guardrails CDK app from a validated policy. `bin/guardrails.ts` calls it for
 * `cdk synth`; tests and the benchmark call it directly.
 */
import {
  App,
  type AppProps,
  AspectPriority,
  Aspects,
  type Environment,
  type Stack,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RequiredTagsChecker } from './aspects/required-tags';
import {
  budgetShardOf,
  deploymentNames,
  policyNames,
  reportSubscriptionsByShard,
} from './config/naming';
import type { GuardrailsPolicy } from './config/schema';
import { AutoStopStack } from './stacks/auto-stop-stack';
import { BudgetsStack } from './stacks/budgets-stack';
import { addOperatorOutputs } from './stacks/outputs';
import { PagingStack } from './stacks/paging-stack';
import { TagComplianceStack } from './stacks/tag-compliance-stack';

/** Stack-name prefix of the default deployment; `organisation.namePrefix` sets another. */
export const STACK_PREFIX = deploymentNames().stackPrefix;

export interface GuardrailsAppProps {
  readonly policy: GuardrailsPolicy;
  /** Policy file the functions bundle and re-read at cold start. */
  readonly policyFile: string;
  /** Target account and region. @default - environment-agnostic (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION) */
  readonly env?: Environment;
  /** Run cdk-nag AwsSolutions checks on synth. @default true */
  readonly nag?: boolean;
  /**
   * Run CDK's built-in CloudFormation template validation on synth. It dominates synth time for
   * large policies (about 75 % at 1,000 projects), so it is opt-in here and always on in tests.
   * @default false
   */
  readonly cfnValidation?: boolean;
  /** Props for the App (context, outdir). @default {} */
  readonly appProps?: AppProps;
}

export interface GuardrailsApp {
  readonly app: App;
  readonly autoStop: AutoStopStack;
  readonly budgets: BudgetsStack[];
  readonly tagCompliance: TagComplianceStack;
  readonly paging: PagingStack;
  /** Every stack, for tests and checks. */
  readonly stacks: Stack[];
}

export function createGuardrailsApp(props: GuardrailsAppProps): GuardrailsApp {
  const { policy } = props;
  const app = new App({
    builtinCloudFormationValidation: props.cfnValidation ?? false,
    ...props.appProps,
  });
  const env = props.env;
  const names = policyNames(policy);

  const autoStop = new AutoStopStack(app, names.autoStopStack, {
    env,
    policy,
    policyFile: props.policyFile,
    description: 'ml-guardrails: budget notifications topic and SageMaker auto-stop',
  });

  const shards = policy.organisation.budgetStacks;
  const reportAddresses = reportSubscriptionsByShard(policy.projects, shards);
  // Budgets are account-global: with `budgetRegion`, every regional deployment synthesizes the
  // same budget stacks in that one region, so they exist once per account.
  const budgetRegion = policy.organisation.budgetRegion;
  const budgetEnv: Environment | undefined = budgetRegion
    ? { account: env?.account, region: budgetRegion }
    : env;
  const sameRegion = !budgetRegion || budgetRegion === env?.region;
  const budgets = Array.from({ length: shards }, (_, shard) => {
    const stack = new BudgetsStack(app, names.budgetStack(shard), {
      env: budgetEnv,
      projects: policy.projects.filter((p) => budgetShardOf(p.id, shards) === shard),
      organisation: policy.organisation,
      autoStopTopicName: names.autoStopTopic,
      names,
      reportAddresses: reportAddresses[shard] ?? [],
      description: `ml-guardrails: per-project budgets, shard ${shard + 1} of ${shards}`,
    });
    // The topic (and its policy allowing Budgets) must exist before budgets point at it; in
    // another region the budget region's own deployment provides it.
    if (sameRegion) stack.addStackDependency(autoStop);
    return stack;
  });

  const tagCompliance = new TagComplianceStack(app, names.tagComplianceStack, {
    env,
    policy,
    policyFile: props.policyFile,
    description: 'ml-guardrails: AWS Config tag rules, SageMaker tag audit, model-artifact bucket',
  });

  const paging = new PagingStack(app, names.pagingStack, {
    env,
    policy,
    policyFile: props.policyFile,
    description: 'ml-guardrails: CloudWatch alarms to PagerDuty by the RACI and on-call policy',
  });

  // Alarms in the other stacks notify the paging stack's topic: deploy it first.
  tagCompliance.addStackDependency(paging);
  autoStop.addStackDependency(paging);

  addOperatorOutputs({ autoStop, budgets, tagCompliance, paging });
  const stacks: Stack[] = [autoStop, ...budgets, tagCompliance, paging];
  for (const [key, value] of Object.entries(policy.organisation.tags)) Tags.of(app).add(key, value);
  Aspects.of(app).add(new RequiredTagsChecker(policy.organisation.requiredTags.map((t) => t.key)), {
    priority: AspectPriority.READONLY,
  });
  if (props.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, autoStop, budgets, tagCompliance, paging, stacks };
}
