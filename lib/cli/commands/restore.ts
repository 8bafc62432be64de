import { parseArgs } from 'node:util';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type EndpointClients,
  formatRestoreReport,
  type RestoreReport,
  runRestore,
} from '../../../lambdas/endpoints';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../config/load';
import { type CliCommand, type CliIo, UsageError } from '../command';

/** Environment variable naming the auto-stop audit table (same as the restore function's). */
export const AUDIT_TABLE_ENV = 'AUDIT_TABLE_NAME';

/** Build the command; tests pass their own clients factory. */
export function createRestoreCommand(
  makeClients: (tableName: string) => EndpointClients = (tableName) => ({
    // Default configuration: credential chain, AWS_REGION and AWS_ENDPOINT_URL apply.
    sagemaker: new SageMakerClient({}),
    autoscaling: new ApplicationAutoScalingClient({}),
    cloudwatch: new CloudWatchClient({}),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    tableName,
  }),
  now: () => Date = () => new Date(),
): CliCommand {
  return {
    path: ['restore'],
    summary: 'Bring back endpoints that auto-stop parked or scaled to zero',
    usage: `Usage: guardrails restore --project <id> [--endpoint <name>] [--dry-run] [--json]
                          [--table <audit table>] [--policy <file>]

Re-creates parked endpoints from their kept endpoint config with their tags, and puts back the
scalable targets, scaling policies (step-scaling alarms re-pointed), minimums and copy counts
saved by auto-stop, in one run (it waits, bounded, for InService). Safe to run again: what is
restored is forgotten, an endpoint re-created by hand is never overwritten (its saved state is
dropped), and saved state older than 90 days expires.

Options:
  --project <id>     project whose endpoints to restore (required; must be in the policy)
  --endpoint <name>  only this endpoint
  --dry-run          show what restore would do (result "planned"); change nothing
  --json             print the report as JSON (stable: see docs/endpoints.md)
  --table <name>     audit table (default: $${AUDIT_TABLE_ENV})
  --policy <file>    policy file (default: ${DEFAULT_POLICY_FILE})

Exit code 0 when nothing needs a person, 1 when an endpoint is blocked or failed, 2 on usage errors.`,
    async run(args: string[], io: CliIo): Promise<number> {
      const { values } = parseArgs({
        args,
        options: {
          project: { type: 'string' },
          endpoint: { type: 'string' },
          json: { type: 'boolean' },
          'dry-run': { type: 'boolean' },
          table: { type: 'string' },
          policy: { type: 'string' },
        },
      });
      if (!values.project) throw new UsageError('--project is required');
      const tableName = values.table ?? process.env[AUDIT_TABLE_ENV];
      if (!tableName) throw new UsageError(`--table or ${AUDIT_TABLE_ENV} is required`);
      const policy = loadPolicyFile(values.policy ?? DEFAULT_POLICY_FILE);
      if (!policy.projects.some((p) => p.id === values.project))
        throw new UsageError(
          `--project "${values.project}" is not a project of the policy (${policy.projects.map((p) => p.id).join(', ')})`,
        );
      const report = await runRestore(
        makeClients(tableName),
        {
          projectId: values.project,
          ...(values.endpoint ? { endpointName: values.endpoint } : {}),
          ...(values['dry-run'] ? { dryRun: true } : {}),
        },
        { now, runId: `cli:${now().toISOString()}` },
      );
      io.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      const needsPerson = (o: RestoreReport['outcomes'][number]) =>
        o.result === 'failed' || o.result === 'blocked' || o.decision === 'blocked';
      return report.outcomes.some(needsPerson) ? 1 : 0;
    },
  };
}

/** Plain-text report: one line per endpoint (shared with the scheduled restore's email). */
export const formatReport = formatRestoreReport;

export const restoreCommand: CliCommand = createRestoreCommand();
