/**
 * `guardrails auto-stop release --project <id>`: lifts a project's period-guard hold by hand (for
 * example after finance raised the budget), audited. All logic is in `runRelease`, testable
 * without the CLI; the command is a thin parse-and-print shell.
 */
import { userInfo } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { releaseHold } from '../../../lambdas/auto-stop/period-guard/guard';
import {
  DynamoGuardStore,
  type GuardStore,
  type HoldAuditEvent,
  writeHoldAudit,
} from '../../../lambdas/auto-stop/period-guard/store';
import { errorMessage } from '../../../lambdas/shared/errors';
import type { GuardrailsPolicy } from '../../config/schema';
import {
  CliError,
  type CommandModule,
  requiredProject,
  stringOption,
  UsageError,
} from '../command';

/** Environment variables naming the tables (the same names the functions use). */
export const GUARD_TABLE_ENV = 'GUARD_TABLE_NAME';
export const AUDIT_TABLE_ENV = 'AUDIT_TABLE_NAME';

export interface ReleaseDeps {
  readonly store: GuardStore;
  readonly holdAudit?: (event: HoldAuditEvent) => Promise<void>;
  readonly now: () => Date;
}

export interface ReleaseOptions {
  readonly projectId: string;
  /** Why the hold is released; kept in the audit record. */
  readonly reason: string;
  /** Who released it, e.g. `cli:alice`. */
  readonly by: string;
}

export interface ReleaseResult {
  readonly exitCode: 0 | 1 | 2;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

/** Releases the hold; exit 0 released, 1 no hold (or an AWS error), 2 unknown project. */
export async function runRelease(
  deps: ReleaseDeps,
  policy: Pick<GuardrailsPolicy, 'projects'>,
  options: ReleaseOptions,
): Promise<ReleaseResult> {
  if (!policy.projects.some((p) => p.id === options.projectId)) {
    const error = `--project "${options.projectId}" is not a project of the policy (${policy.projects.map((p) => p.id).join(', ')})`;
    return { exitCode: 2, text: error, json: { ok: false, errors: [error] } };
  }
  try {
    const released = await releaseHold(deps, options.projectId, options.by, options.reason);
    if (!released) {
      const error = `Project ${options.projectId} has no hold to release: auto-stop is not holding it this period.`;
      return { exitCode: 1, text: error, json: { ok: false, errors: [error] } };
    }
    return {
      exitCode: 0,
      text: `Released the hold on ${options.projectId} for period ${released.periodId} (it would have ended ${released.periodEnd}). Work started from now on is not stopped until the project crosses its threshold again. Audited as release-hold by ${options.by}.`,
      json: {
        ok: true,
        projectId: options.projectId,
        released,
        by: options.by,
        reason: options.reason,
      },
    };
  } catch (err) {
    const error = `Could not release the hold on ${options.projectId}: ${errorMessage(err)}`;
    return { exitCode: 1, text: error, json: { ok: false, errors: [error] } };
  }
}

/** Build the command; tests pass their own dependencies and environment. */
export function createReleaseCommand(
  makeDeps: (tables: { guard: string; audit: string | undefined }) => ReleaseDeps = (tables) => {
    // Default configuration: credential chain, AWS_REGION and AWS_ENDPOINT_URL apply.
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const audit = tables.audit;
    return {
      store: new DynamoGuardStore(dynamo, tables.guard),
      ...(audit ? { holdAudit: (e: HoldAuditEvent) => writeHoldAudit(dynamo, audit, e) } : {}),
      now: () => new Date(),
    };
  },
  env: NodeJS.ProcessEnv = process.env,
): CommandModule {
  return {
    options: [
      {
        flags: '--project <id>',
        description: 'project to release (required; must be in the policy)',
      },
      {
        flags: '--reason <text>',
        description: 'why (kept in the audit record; default "released by hand")',
      },
      { flags: '--table <name>', description: `guard table (default: $${GUARD_TABLE_ENV})` },
      {
        flags: '--audit-table <name>',
        description: `audit table (default: $${AUDIT_TABLE_ENV}; no audit record without it)`,
      },
    ],
    aws: true,
    help: `Lifts the period guard's hold on a project before its budget period ends, so work the project
starts is no longer stopped. Use it after the budget was raised or the overspend was approved.
The release is written to the audit table with who ran it and why.

Exit code 0 released, 1 no hold to release or AWS error, 2 usage error.`,
    checkInput: ({ options, loadPolicy }) => {
      requiredProject(options, loadPolicy());
    },
    async run({ options, loadPolicy }) {
      const policy = loadPolicy();
      const projectId = requiredProject(options, policy);
      const guard = stringOption(options, 'table') ?? env[GUARD_TABLE_ENV];
      if (!guard) throw new UsageError(`--table or ${GUARD_TABLE_ENV} is required`);
      const result = await runRelease(
        makeDeps({ guard, audit: stringOption(options, 'auditTable') ?? env[AUDIT_TABLE_ENV] }),
        policy,
        {
          projectId,
          reason: stringOption(options, 'reason') ?? 'released by hand',
          by: `cli:${env.USER ?? userInfo().username}`,
        },
      );
      if (result.exitCode === 2) throw new UsageError(result.text);
      if (result.exitCode === 1) throw new CliError(result.text);
      return result;
    },
  };
}

export const autoStopReleaseCommand: CommandModule = createReleaseCommand();
