import {
  checkApiContract,
  loadApiContractFile,
  type PolicyModel,
  renderApiContractText,
} from '../../contracts/api-contract';
import { type CommandModule, UsageError } from '../command';
import { TODAY_OPTION, todayOption } from './today';

export const apiContractCheckCommand: CommandModule = {
  arguments: [{ name: 'api_contract.yaml', description: 'the API contract file', required: true }],
  options: [TODAY_OPTION],
  help: `Reads the project's format or the book chapter's (model_api: with snake_case keys, SLA values
like 99.9% and 200ms). Reports violations (end of life sooner than the notice period, more
previous versions served than the policy keeps, a sunset version still served, a version past
its end of life, a deprecated version without a migration guide, and with brownout testing a
deprecated version without brownout and blackout dates before its end of life) and each
deprecated version's phase: announce at the notice period before the end of life, brownout
after a third of it, blackout after two thirds, delete at the end of life (T-90/T-60/T-30/T-0
for 90 days). A boundary day belongs to the later phase.
With --policy (or GUARDRAILS_POLICY_FILE), the contract's model must be in the policy and its
SLA may not promise more than the model's SLA there (a lower p99 or a higher availability).
Exit code 0 without violations, 1 with violations or an invalid file, 2 on usage errors.`,
  async run({ args, options, global, loadPolicy }) {
    if (args.length !== 1) throw new UsageError('exactly one API contract file is required');
    const file = args[0] as string;
    const today = todayOption(options);
    // An invalid file is a YamlValidationError: the router prints its problems, exit code 1.
    const contract = loadApiContractFile(file);
    const policyModels: PolicyModel[] | undefined = global.policyExplicit
      ? loadPolicy().projects.flatMap((p) => p.models)
      : undefined;
    const report = checkApiContract(contract, today, policyModels ? { policyModels } : {});
    return {
      exitCode: report.violations.length === 0 ? 0 : 1,
      text: renderApiContractText(report, file),
      json: {
        ok: report.violations.length === 0,
        file,
        valid: report.violations.length === 0,
        ...report,
      },
    };
  },
};
