/**
 * Names derived from the policy. They are a contract between the synthesized budgets, the
 * Lambdas that read budget notifications and the CLI, so they live in one place.
 */
import { DEFAULT_NAME_PREFIX } from './constants';
import type { GuardrailsPolicy, Project } from './schema';

/** Budget name for a project: stable, so a notification maps back to exactly one project. */
export function budgetNameFor(prefix: string, projectId: string): string {
  return `${prefix}${projectId}`;
}

/** The project a budget notification belongs to, or undefined for budgets this policy does not own. */
export function projectForBudgetName(
  policy: Pick<GuardrailsPolicy, 'projects'>,
  budgetName: string,
): Project | undefined {
  return policy.projects.find((p) => p.budgetName === budgetName);
}

/**
 * The budget stack a project lives in: a hash of its id alone, so adding or removing another
 * project never moves this one (moving a budget means delete + create under the same name).
 */
export function budgetShardOf(projectId: string, shards: number): number {
  // FNV-1a, 32 bit: tiny, stable across Node versions, and well spread for short ids.
  let hash = 0x811c9dc5;
  for (let i = 0; i < projectId.length; i++) {
    hash ^= projectId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * The regions auto-stop, restore and the tag audit act in for a project: the policy's list, or the
 * region the guardrails are deployed in. A budget counts spend in every region, so a project that
 * runs SageMaker work in several regions must list them all to have all of it stopped.
 */
export function projectRegions(
  project: Pick<Project, 'regions'>,
  deploymentRegion: string,
): readonly string[] {
  return project.regions.length > 0 ? project.regions : [deploymentRegion];
}

/** Cost-allocation tag filter for AWS Budgets: without the `user:` prefix the budget shows $0. */
export function costFilterTagValue(tagKey: string, projectId: string): string {
  return `user:${tagKey}$${projectId}`;
}

/** Most resources CloudFormation allows in one stack. */
export const STACK_RESOURCE_LIMIT = 500;
/** Resources of budgets and report subscriptions per shard we accept, leaving room for the rest of the stack (the notifications function). */
export const MAX_BUDGETS_PER_STACK = 450;
/** Resources one budget takes: the budget and its notifications custom resource. */
export const RESOURCES_PER_BUDGET = 2;

/**
 * Tags that identify a project's resources (the project tag, and CostCenter / Team where the
 * organisation requires them); put on the budget and expected on the project's SageMaker work.
 */
export function projectTags(
  organisation: Pick<GuardrailsPolicy['organisation'], 'projectTagKey' | 'requiredTags'>,
  project: Pick<Project, 'id' | 'costCenter' | 'team'>,
): Record<string, string> {
  const required = new Set(organisation.requiredTags.map((t) => t.key));
  return {
    [organisation.projectTagKey]: project.id,
    ...(required.has('CostCenter') ? { CostCenter: project.costCenter } : {}),
    ...(required.has('Team') ? { Team: project.team } : {}),
  };
}

/**
 * Who receives a project's auto-stop reports: its finance and owner addresses, lower-cased and
 * unique. The report carries them as a `recipients` message attribute, and each address has one
 * email subscription filtered on itself, so a report reaches exactly these people.
 */
export function reportAddresses(project: Pick<Project, 'financeEmails' | 'ownerEmails'>): string[] {
  return [
    ...new Set([...project.financeEmails, ...project.ownerEmails].map((e) => e.toLowerCase())),
  ];
}

/**
 * The budget-name prefix: the policy's, else "ml-" for the default deployment (the names budgets
 * had before `namePrefix` existed: renaming a budget starts a new one and loses its history), else
 * "<namePrefix>-", so a second deployment's budgets never collide with the first's.
 */
export function resolvedBudgetNamePrefix(
  organisation: Pick<GuardrailsPolicy['organisation'], 'namePrefix' | 'budgetNamePrefix'>,
): string {
  if (organisation.budgetNamePrefix !== undefined) return organisation.budgetNamePrefix;
  const prefix = organisation.namePrefix ?? DEFAULT_NAME_PREFIX;
  return prefix === DEFAULT_NAME_PREFIX ? 'ml-' : `${prefix}-`;
}

/** Every physical name one deployment sets, derived from `organisation.namePrefix`. */
export interface DeploymentNames {
  /** The prefix itself, e.g. `ml-guardrails` or `staging`. */
  readonly prefix: string;
  /** Stack-name prefix: the prefix in PascalCase (`ml-guardrails` -> `MlGuardrails`). */
  readonly stackPrefix: string;
  readonly autoStopStack: string;
  readonly tagComplianceStack: string;
  readonly pagingStack: string;
  /** Name of budget shard `shard` (0-based). */
  budgetStack(shard: number): string;
  readonly autoStopTopic: string;
  readonly reportTopic: string;
  readonly reportDeadLetterQueue: string;
  readonly alarmsTopic: string;
  readonly dashboard: string;
  /** Prefix of the CloudWatch alarms the guardrails raise on themselves. */
  readonly alarmNamePrefix: string;
  readonly tagAuditConfigRule: string;
}

function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .filter(Boolean)
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join('');
}

/** The physical names of the deployment whose prefix is `prefix`. */
export function deploymentNames(prefix: string = DEFAULT_NAME_PREFIX): DeploymentNames {
  const stackPrefix = pascalCase(prefix);
  return {
    prefix,
    stackPrefix,
    autoStopStack: `${stackPrefix}-AutoStop`,
    tagComplianceStack: `${stackPrefix}-TagCompliance`,
    pagingStack: `${stackPrefix}-Paging`,
    budgetStack: (shard) => `${stackPrefix}-Budgets-${String(shard).padStart(2, '0')}`,
    autoStopTopic: `${prefix}-auto-stop`,
    reportTopic: `${prefix}-auto-stop-reports`,
    reportDeadLetterQueue: `${prefix}-auto-stop-reports-dlq`,
    alarmsTopic: `${prefix}-alarms`,
    dashboard: prefix,
    alarmNamePrefix: prefix,
    tagAuditConfigRule: `${prefix}-sagemaker-required-tags`,
  };
}

/** The names of the deployment a policy describes. */
export function policyNames(policy: {
  readonly organisation: { readonly namePrefix?: string };
}): DeploymentNames {
  return deploymentNames(policy.organisation.namePrefix);
}

/** Physical name of the auto-stop report topic of the default deployment. */
export const REPORT_TOPIC_NAME = deploymentNames().reportTopic;
/** Physical name of the report dead-letter queue of the default deployment. */
export const REPORT_DLQ_NAME = deploymentNames().reportDeadLetterQueue;

/**
 * The budget stack that holds an address's report subscription: a hash of the address alone, so
 * the subscription never moves (a moved email subscription would need confirming again).
 */
export function reportSubscriptionsByShard(
  projects: readonly Pick<Project, 'financeEmails' | 'ownerEmails' | 'autoStop'>[],
  shards: number,
): string[][] {
  const addresses = new Set(
    projects.filter((p) => p.autoStop.mode !== 'off').flatMap(reportAddresses),
  );
  const byShard = Array.from({ length: shards }, () => [] as string[]);
  for (const address of [...addresses].sort())
    byShard[budgetShardOf(address, shards)]?.push(address);
  return byShard;
}

/**
 * CloudFormation output keys an operator (and the CLI's stack discovery) reads, and the
 * environment variable each one stands in for.
 */
export const STACK_OUTPUTS = {
  auditTable: { key: 'AuditTableName', env: 'AUDIT_TABLE_NAME' },
  idempotencyTable: { key: 'IdempotencyTableName', env: 'IDEMPOTENCY_TABLE_NAME' },
  reportTopic: { key: 'ReportTopicArn', env: 'REPORT_TOPIC_ARN' },
  workQueue: { key: 'WorkQueueUrl', env: 'WORK_QUEUE_URL' },
  autoStopTopic: { key: 'AutoStopTopicArn', env: 'AUTO_STOP_TOPIC_ARN' },
  restoreFunction: { key: 'RestoreFunctionName', env: 'RESTORE_FUNCTION_NAME' },
  alarmsTopic: { key: 'AlarmsTopicArn', env: 'ALARMS_TOPIC_ARN' },
  dashboardUrl: { key: 'DashboardUrl', env: 'DASHBOARD_URL' },
  holdQueue: { key: 'HoldQueueUrl', env: 'HOLD_QUEUE_URL' },
  tagAuditRule: { key: 'TagAuditConfigRuleName', env: 'TAG_AUDIT_CONFIG_RULE' },
  ownerTopic: { key: 'OwnerTopicArn', env: 'OWNER_TOPIC_ARN' },
  budgetNames: { key: 'BudgetNames', env: 'BUDGET_NAMES' },
} as const;
