import type { GuardrailsPolicy } from '../../config/schema';
import { renderContractsText, summarizeContracts } from '../../contracts/summary';
import type { CommandModule, CommandResult } from '../command';
import { TODAY_OPTION, todayOption } from './today';

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
  options: [TODAY_OPTION],
  help: `Lists ownership (RACI), production readiness (PRR), incident response (runbooks), cost
attribution (tagging) and deprecation (API contracts) with the document, owner, cadence and
last review from contracts.reviews in the policy, and the operating model. A monthly or
quarterly review past its due day, or a contract the policy does not list, exits 1;
per-deployment and per-release reviews are event-driven.`,
  async run({ options, loadPolicy }) {
    const today = todayOption(options);
    // An invalid or missing policy is reported by the router (exit code 1, JSON with --json).
    return runContracts(loadPolicy(), today);
  },
};
