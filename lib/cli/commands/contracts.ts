import { parseArgs } from 'node:util';
import {
  DEFAULT_POLICY_FILE,
  loadPolicyFile,
  PolicyValidationError,
  YamlValidationError,
} from '../../config/load';
import { toDay } from '../../contracts/api-contract';
import { renderContractsText, summarizeContracts } from '../../contracts/summary';
import { type CliCommand, UsageError } from '../command';

export interface ContractsOptions {
  readonly policyFile: string;
  readonly today: string;
  readonly json: boolean;
}

/** The contracts summary, without the CLI. */
export function runContracts(options: ContractsOptions): {
  exitCode: number;
  text: string;
  error?: boolean;
} {
  let policy: ReturnType<typeof loadPolicyFile>;
  try {
    policy = loadPolicyFile(options.policyFile);
  } catch (err) {
    if (err instanceof YamlValidationError || err instanceof PolicyValidationError)
      return options.json
        ? { exitCode: 1, text: JSON.stringify({ ok: false, errors: [err.message] }, null, 2) }
        : { exitCode: 1, text: err.message, error: true };
    throw err;
  }
  const summary = summarizeContracts(policy, options.today);
  const exitCode = summary.problems === 0 ? 0 : 1;
  return {
    exitCode,
    text: options.json
      ? JSON.stringify({ ok: exitCode === 0, ...summary }, null, 2)
      : renderContractsText(summary),
  };
}

export const contractsCommand: CliCommand = {
  path: ['contracts'],
  summary:
    'List the five human contracts, their owners and review cadence; exit 1 when a review is overdue',
  usage: `Usage: guardrails contracts [--policy file] [--today YYYY-MM-DD] [--json]

Lists ownership (RACI), production readiness (PRR), incident response (runbooks), cost
attribution (tagging) and deprecation (API contracts) with the document, owner, cadence and
last review from contracts.reviews in the policy (default ${DEFAULT_POLICY_FILE}), and the
operating model. A monthly or quarterly review past its due day, or a contract the policy does
not list, exits 1; per-deployment and per-release reviews are event-driven.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { policy: { type: 'string' }, today: { type: 'string' }, json: { type: 'boolean' } },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const today = values.today ?? new Date().toISOString().slice(0, 10);
    if (toDay(today) === undefined)
      throw new UsageError(`--today must be a date as YYYY-MM-DD (got "${today}")`);
    const result = runContracts({
      policyFile: values.policy ?? DEFAULT_POLICY_FILE,
      today,
      json: values.json === true,
    });
    if (result.error) io.err(result.text);
    else io.out(result.text);
    return result.exitCode;
  },
};
