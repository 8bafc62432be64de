import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { policyNames } from '../../config/naming';
import { type CommandModule, stringOption, UsageError } from '../command';
import { describeDeployment } from '../deployment';
import { runDoctor } from '../doctor';

export const doctorCommand: CommandModule = {
  options: [
    {
      flags: '--account <id>',
      description: 'account id (default AWS_ACCOUNT_ID, else read from the AutoStop stack)',
    },
  ],
  aws: true,
  help: `Checks, in the account and region of your AWS credentials: the deployment's stacks exist and
are healthy, the project tag is an active cost-allocation tag, an AWS Config recorder records,
every budget exists with the policy's notifications, Budgets may publish to the auto-stop topic
(topic and key policy), report subscriptions are confirmed, and each PagerDuty routing-key secret
holds a key, and whether the tag-governance SCP and tag policy apply (from a member account
the SCPs cannot be listed: that is a note, not a failure). One line per problem with its fix.

Exit code 0 when nothing blocks, 1 when a problem blocks the guardrails, 2 on usage errors.`,
  async run({ options, loadPolicy }) {
    const policy = loadPolicy();
    const names = policyNames(policy);
    // Default configuration: credential chain, AWS_REGION and AWS_ENDPOINT_URL apply. Cost
    // Explorer and Budgets are global services the SDK routes itself.
    const cloudformation = new CloudFormationClient({});
    const region = await cloudformation.config.region();
    const stackId = (await describeDeployment(cloudformation, [names.autoStopStack])).stacks[0]
      ?.StackId;
    const [, partition = 'aws', , , stackAccount] = stackId?.split(':') ?? [];
    const accountId =
      stringOption(options, 'account') ?? process.env.AWS_ACCOUNT_ID ?? stackAccount;
    if (!accountId)
      throw new UsageError(
        `--account is required (${names.autoStopStack} not found to read it from)`,
      );
    const result = await runDoctor({
      clients: {
        cloudformation,
        costExplorer: new CostExplorerClient({}),
        config: new ConfigServiceClient({}),
        budgets: new BudgetsClient({}),
        sns: new SNSClient({}),
        secrets: new SecretsManagerClient({}),
        kms: new KMSClient({}),
        organizations: new OrganizationsClient({}),
      },
      policy,
      names,
      accountId,
      region,
      partition,
    });
    return { exitCode: result.exitCode, text: result.text, json: result.json };
  },
};
