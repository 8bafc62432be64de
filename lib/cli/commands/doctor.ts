import { parseArgs } from 'node:util';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../config/load';
import { policyNames } from '../../config/naming';
import { type CliCommand, UsageError } from '../command';
import { describeDeployment } from '../deployment';
import { runDoctor } from '../doctor';

export const doctorCommand: CliCommand = {
  path: ['doctor'],
  summary: 'Check a deployed account: what it still lacks, with the fix for each problem',
  usage: `Usage: guardrails doctor [--json] [--policy <file>] [--account <id>]

Checks, in the account and region of your AWS credentials (AWS_REGION): the deployment's stacks
exist and are healthy, the project tag is an active cost-allocation tag, an AWS Config recorder
records, every budget exists with the policy's notifications, Budgets may publish to the
auto-stop topic (topic and key policy), report subscriptions are confirmed, and each PagerDuty
routing-key secret holds a key. One line per problem with its fix.

  --json            print one JSON document (also on failure: {"ok": false, "errors": [...]})
  --policy <file>   policy file (default ${DEFAULT_POLICY_FILE})
  --account <id>    account id (default AWS_ACCOUNT_ID, else read from the AutoStop stack)

Exit code 0 when nothing blocks, 1 when a problem blocks the guardrails, 2 on usage errors.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        json: { type: 'boolean' },
        policy: { type: 'string' },
        account: { type: 'string' },
      },
    });
    try {
      const policy = loadPolicyFile(values.policy ?? DEFAULT_POLICY_FILE);
      const names = policyNames(policy);
      // Default configuration: credential chain, AWS_REGION and AWS_ENDPOINT_URL apply. Cost
      // Explorer and Budgets are global services the SDK routes itself.
      const cloudformation = new CloudFormationClient({});
      const region = await cloudformation.config.region();
      const stackId = (await describeDeployment(cloudformation, [names.autoStopStack])).stacks[0]
        ?.StackId;
      const [, partition = 'aws', , , stackAccount] = stackId?.split(':') ?? [];
      const accountId = values.account ?? process.env.AWS_ACCOUNT_ID ?? stackAccount;
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
        },
        policy,
        names,
        accountId,
        region,
        partition,
      });
      io.out(values.json ? JSON.stringify(result.json, null, 2) : result.text);
      return result.exitCode;
    } catch (err) {
      if (!values.json) throw err;
      io.out(JSON.stringify({ ok: false, errors: [(err as Error).message] }, null, 2));
      return err instanceof UsageError ? 2 : 1;
    }
  },
};
