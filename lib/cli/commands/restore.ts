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
import {
  type CommandModule,
  flagOption,
  requiredProject,
  stringOption,
  UsageError,
} from '../command';
import { deploymentEnv } from '../deployment';

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
): CommandModule {
  return {
    options: [
      {
        flags: '--project <id>',
        description: 'project whose endpoints to restore (required; must be in the policy)',
      },
      { flags: '--endpoint <name>', description: 'only this endpoint' },
      {
        flags: '--dry-run',
        description: 'show what restore would do (result "planned"); change nothing',
      },
      {
        flags: '--table <name>',
        description: `audit table (default: $${AUDIT_TABLE_ENV}, else the AutoStop stack's output)`,
      },
    ],
    aws: true,
    help: `Re-creates parked endpoints from their kept endpoint config with their tags, and puts back the
scalable targets, scaling policies (step-scaling alarms re-pointed), minimums and copy counts
saved by auto-stop, in one run (it waits, bounded, for InService). Safe to run again: what is
restored is forgotten, an endpoint re-created by hand is never overwritten (its saved state is
dropped), and saved state older than 90 days expires.
--json prints the report (stable: see docs/endpoints.md).

Exit code 0 when nothing needs a person, 1 when an endpoint is blocked or failed, 2 on usage errors.`,
    checkInput: ({ options, loadPolicy }) => {
      requiredProject(options, loadPolicy());
    },
    async run({ options, io, loadPolicy }) {
      const projectId = requiredProject(options, loadPolicy());
      // Unless given, the table comes from AUDIT_TABLE_NAME or the AutoStop stack's outputs.
      const tableName =
        stringOption(options, 'table') ??
        (
          await deploymentEnv(loadPolicy(), {
            needed: [AUDIT_TABLE_ENV],
            warn: (line) => io.note(line),
          })
        )[AUDIT_TABLE_ENV];
      if (!tableName) throw new UsageError(`--table or ${AUDIT_TABLE_ENV} is required`);
      const endpointName = stringOption(options, 'endpoint');
      const report = await runRestore(
        makeClients(tableName),
        {
          projectId,
          ...(endpointName ? { endpointName } : {}),
          ...(flagOption(options, 'dryRun') ? { dryRun: true } : {}),
        },
        { now, runId: `cli:${now().toISOString()}` },
      );
      const needsPerson = (o: RestoreReport['outcomes'][number]) =>
        o.result === 'failed' || o.result === 'blocked' || o.decision === 'blocked';
      return {
        exitCode: report.outcomes.some(needsPerson) ? 1 : 0,
        text: formatReport(report),
        json: report,
      };
    },
  };
}

/** Plain-text report: one line per endpoint (shared with the scheduled restore's email). */
export const formatReport = formatRestoreReport;

export const restoreCommand: CommandModule = createRestoreCommand();
