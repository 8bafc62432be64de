import { parseArgs } from 'node:util';
import { loadPolicyFile, YamlValidationError } from '../../config/load';
import {
  checkApiContract,
  loadApiContractFile,
  type PolicyModel,
  renderApiContractText,
  toDay,
} from '../../contracts/api-contract';
import { type CliCommand, UsageError } from '../command';

export const apiContractCheckCommand: CliCommand = {
  path: ['api-contract', 'check'],
  summary: "Check a model API contract's versions against its deprecation policy",
  usage: `Usage: guardrails api-contract check <api_contract.yaml> [--today YYYY-MM-DD] [--json]
                                 [--policy config/guardrails.yaml]

Reads the project's format or the book chapter's (model_api: with snake_case keys, SLA values
like 99.9% and 200ms). Reports violations (end of life sooner than the notice period, more
previous versions served than the policy keeps, a sunset version still served, a version past
its end of life, a deprecated version without a migration guide, and with brownout testing a
deprecated version without brownout and blackout dates before its end of life) and each
deprecated version's phase: announce at the notice period before the end of life, brownout
after a third of it, blackout after two thirds, delete at the end of life (T-90/T-60/T-30/T-0
for 90 days). A boundary day belongs to the later phase. --today defaults to the current UTC date.
With --policy, the contract's model must be in the policy and its SLA may not promise more
than the model's SLA there (a lower p99 or a higher availability).
Exit code 0 without violations, 1 with violations or an invalid file, 2 on usage errors.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        today: { type: 'string' },
        json: { type: 'boolean' },
        policy: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('exactly one API contract file is required');
    const file = positionals[0] as string;
    const today = values.today ?? new Date().toISOString().slice(0, 10);
    if (toDay(today) === undefined)
      throw new UsageError(`--today must be a date as YYYY-MM-DD (got "${today}")`);
    let contract: ReturnType<typeof loadApiContractFile>;
    let policyModels: PolicyModel[] | undefined;
    try {
      contract = loadApiContractFile(file);
      if (values.policy !== undefined)
        policyModels = loadPolicyFile(values.policy).projects.flatMap((p) => p.models);
    } catch (err) {
      if (err instanceof YamlValidationError) {
        if (values.json) io.out(JSON.stringify({ ok: false, errors: [err.message] }, null, 2));
        else io.err(err.message);
        return 1;
      }
      throw err;
    }
    const report = checkApiContract(contract, today, policyModels ? { policyModels } : {});
    io.out(
      values.json
        ? JSON.stringify(
            {
              ok: report.violations.length === 0,
              file,
              valid: report.violations.length === 0,
              ...report,
            },
            null,
            2,
          )
        : renderApiContractText(report, file),
    );
    return report.violations.length === 0 ? 0 : 1;
  },
};
