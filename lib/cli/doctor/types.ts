/** `guardrails doctor`: what a check needs and what it finds. */
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { RetryOptions } from '../../../lambdas/shared/retry';
import type { DeploymentNames } from '../../config/naming';
import type { GuardrailsPolicy } from '../../config/schema';

export interface DoctorClients {
  readonly cloudformation: CloudFormationClient;
  readonly costExplorer: CostExplorerClient;
  readonly config: ConfigServiceClient;
  readonly budgets: BudgetsClient;
  readonly sns: SNSClient;
  readonly secrets: SecretsManagerClient;
  readonly kms: KMSClient;
  /** Reads the organisation's policies (tag governance). @default - that check is skipped */
  readonly organizations?: OrganizationsClient;
}

export interface DoctorContext {
  readonly clients: DoctorClients;
  readonly policy: GuardrailsPolicy;
  readonly names: DeploymentNames;
  /** Account and region the checks look at. */
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly retry?: RetryOptions;
}

/** One problem: what is wrong and how to fix it. `blocking` ones make doctor exit 1. */
export interface Finding {
  readonly check: string;
  readonly severity: 'blocking' | 'warning';
  readonly problem: string;
  readonly fix: string;
}

export interface DoctorCheck {
  readonly name: string;
  /** One line saying what the check looks at. */
  readonly description: string;
  run(ctx: DoctorContext): Promise<Finding[]>;
}
