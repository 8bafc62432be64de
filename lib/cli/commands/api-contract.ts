import { loadPolicyFile } from '../../config/load';
import {
  checkApiContract,
  loadApiContractFile,
  type PolicyModel,
  renderApiContractText,
  toDay,
} from '../../contracts/api-contract';
import { type CommandModule, stringOption, UsageError } from '../command';

export const apiContractCheckCommand: CommandModule = {
  arguments: [{ name: 'api_contract.yaml', description: 'the API contract file', required: true }],
  options: [
    { flags: '--today <YYYY-MM-DD>', description: 'decide as of this date (default: today, UTC)' },
  ],
  help: `Reports violations (end of life sooner than the notice period, more previous versions served
than the policy keeps, a sunset version still served, a version past its end of life, a
deprecated version without a migration guide) and each deprecated version's phase on the
T-90 announce / T-60 brownout / T-30 blackout / T-0 delete timeline. A boundary day belongs to
the later phase.
With --policy (or GUARDRAILS_POLICY_FILE), the contract's model must be in the policy and its
SLA may not promise more than the model's SLA there (a lower p99 or a higher availability).
Exit code 0 without violations, 1 with violations or an invalid file, 2 on usage errors.`,
  async run({ args, options, global }) {
    if (args.length !== 1) throw new UsageError('exactly one API contract file is required');
    const file = args[0] as string;
    const today = stringOption(options, 'today') ?? new Date().toISOString().slice(0, 10);
    if (toDay(today) === undefined)
      throw new UsageError(`--today must be a date as YYYY-MM-DD (got "${today}")`);
    // An invalid file is a YamlValidationError: the router prints its problems, exit code 1.
    const contract = loadApiContractFile(file);
    const policyModels: PolicyModel[] | undefined = global.policyExplicit
      ? loadPolicyFile(global.policyFile).projects.flatMap((p) => p.models)
      : undefined;
    const report = checkApiContract(contract, today, policyModels ? { policyModels } : {});
    return {
      exitCode: report.violations.length === 0 ? 0 : 1,
      text: renderApiContractText(report, file),
      json: { file, valid: report.violations.length === 0, ...report },
    };
  },
};
