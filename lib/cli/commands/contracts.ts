import { loadPolicyFile } from '../../config/load';
import type { GuardrailsPolicy } from '../../config/schema';
import { toDay } from '../../contracts/api-contract';
import { renderContractsText, summarizeContracts } from '../../contracts/summary';
import { type CommandModule, type CommandResult, stringOption, UsageError } from '../command';

/** The contracts summary, without the CLI: exit code 1 when a review is overdue or missing. */
export function runContracts(policy: GuardrailsPolicy, today: string): CommandResult {
  const summary = summarizeContracts(policy, today);
  const exitCode = summary.problems === 0 ? 0 : 1;
  return {
    exitCode,
    text: renderContractsText(summary),
    json: { ok: exitCode === 0, ...summary },
  };
}

export const contractsCommand: CommandModule = {
  options: [
    { flags: '--today <YYYY-MM-DD>', description: 'decide as of this date (default: today, UTC)' },
  ],
  help: `Lists ownership (RACI), production readiness (PRR), incident response (runbooks), cost
attribution (tagging) and deprecation (API contracts) with the document, owner, cadence and
last review from contracts.reviews in the policy, and the operating model. A monthly or
quarterly review past its due day, or a contract the policy does not list, exits 1;
per-deployment and per-release reviews are event-driven.`,
  async run({ options, global }) {
    const today = stringOption(options, 'today') ?? new Date().toISOString().slice(0, 10);
    if (toDay(today) === undefined)
      throw new UsageError(`--today must be a date as YYYY-MM-DD (got "${today}")`);
    // An invalid or missing policy is reported by the router (exit code 1, JSON with --json).
    return runContracts(loadPolicyFile(global.policyFile), today);
  },
};
