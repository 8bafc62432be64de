/**
 * `guardrails auto-stop release --project <id>`: lifts a project's period-guard hold by hand (for
 * example after finance raised the budget), audited. All logic is in `runRelease`, testable
 * without the CLI; the command is a thin parse-and-print shell.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
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
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../config/load';
import type { GuardrailsPolicy } from '../../config/schema';
import { type CliCommand, type CliIo, UsageError } from '../command';

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

const USAGE = `Usage: guardrails auto-stop release --project <id> [--reason <text>] [--json]
                                 [--table <guard table>] [--audit-table <audit table>]
                                 [--policy <file>]

Lifts the period guard's hold on a project before its budget period ends, so work the project
starts is no longer stopped. Use it after the budget was raised or the overspend was approved.
The release is written to the audit table with who ran it and why.

Options:
  --project <id>          project to release (required; must be in the policy)
  --reason <text>         why (kept in the audit record; default "released by hand")
  --table <name>          guard table (default: $${GUARD_TABLE_ENV})
  --audit-table <name>    audit table (default: $${AUDIT_TABLE_ENV}; no audit record without it)
  --policy <file>         policy file (default: ${DEFAULT_POLICY_FILE})
  --json                  print one JSON document ({"ok": ..., ...}) on stdout

Exit code 0 released, 1 no hold to release or AWS error, 2 usage error.`;

/** Build the command; tests pass their own dependencies. */
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
): CliCommand {
  return {
    path: ['auto-stop', 'release'],
    summary: 'Lift the period guard hold on a project (audited)',
    usage: USAGE,
    async run(args: string[], io: CliIo): Promise<number> {
      const json = args.includes('--json');
      const fail = (code: 1 | 2, message: string): number => {
        if (json) io.out(JSON.stringify({ ok: false, errors: [message] }, null, 2));
        else io.err(`guardrails auto-stop release: ${message}`);
        return code;
      };
      // Without --json the router prints usage errors with the usage text (exit 2).
      const usage = (message: string): number => {
        if (json) return fail(2, message);
        throw new UsageError(message);
      };
      let values: Record<string, string | boolean | undefined>;
      try {
        ({ values } = parseArgs({
          args,
          options: {
            project: { type: 'string' },
            reason: { type: 'string' },
            table: { type: 'string' },
            'audit-table': { type: 'string' },
            policy: { type: 'string' },
            json: { type: 'boolean' },
          },
        }));
      } catch (err) {
        return usage(errorMessage(err));
      }
      const text = (name: string) =>
        typeof values[name] === 'string' ? (values[name] as string) : undefined;
      const project = text('project');
      const guard = text('table') ?? env[GUARD_TABLE_ENV];
      if (!project) return usage('--project is required');
      if (!guard) return usage(`--table or ${GUARD_TABLE_ENV} is required`);
      let policy: GuardrailsPolicy;
      try {
        policy = loadPolicyFile(text('policy') ?? DEFAULT_POLICY_FILE);
      } catch (err) {
        if (!json) throw err;
        return fail(1, errorMessage(err));
      }
      const result = await runRelease(
        makeDeps({
          guard,
          audit: (values['audit-table'] as string | undefined) ?? env[AUDIT_TABLE_ENV],
        }),
        policy,
        {
          projectId: project,
          reason: text('reason') ?? 'released by hand',
          by: `cli:${env.USER ?? userInfo().username}`,
        },
      );
      if (json) io.out(JSON.stringify(result.json, null, 2));
      else if (result.exitCode === 0) io.out(result.text);
      else io.err(result.text);
      return result.exitCode;
    },
  };
}

export const autoStopReleaseCommand: CliCommand = createReleaseCommand();
