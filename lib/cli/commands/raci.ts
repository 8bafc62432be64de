import { parseArgs } from 'node:util';
import {
  DEFAULT_POLICY_FILE,
  loadPolicyFile,
  PolicyValidationError,
  YamlValidationError,
} from '../../config/load';
import {
  ownerOf,
  raciReport,
  renderRaciJson,
  renderRaciMarkdown,
  UnknownActivityError,
} from '../../contracts/raci';
import { type CliCommand, UsageError } from '../command';
import { outputFormat } from './format';

export const raciCommand: CliCommand = {
  path: ['raci'],
  summary: 'Print the activity and incident RACI matrices, or the owner of one activity',
  usage: `Usage: guardrails raci [--format markdown|json] [--json] [--owner "<activity>"] [--policy file]

Renders raci.activities (Owns as A, Supports as C, Informed as I per group) and raci.incidentTypes
(A/C/I per role) from the policy (default ${DEFAULT_POLICY_FILE}).
--owner names the Accountable group of one activity (case-insensitive); an unknown activity is
an error that lists the known ones (exit code 2).`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        json: { type: 'boolean' },
        owner: { type: 'string' },
        policy: { type: 'string' },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const format = outputFormat(values);
    let policy: ReturnType<typeof loadPolicyFile>;
    try {
      policy = loadPolicyFile(values.policy ?? DEFAULT_POLICY_FILE);
    } catch (err) {
      // With --json, stdout holds one document also on failure.
      if (
        format === 'json' &&
        (err instanceof YamlValidationError || err instanceof PolicyValidationError)
      ) {
        io.out(JSON.stringify({ ok: false, errors: [err.message] }, null, 2));
        return 1;
      }
      throw err;
    }
    if (values.owner !== undefined) {
      let found: ReturnType<typeof ownerOf>;
      try {
        found = ownerOf(policy.raci, values.owner);
      } catch (err) {
        if (err instanceof UnknownActivityError) throw new UsageError(err.message);
        throw err;
      }
      io.out(
        format === 'json'
          ? JSON.stringify(found, null, 2)
          : [
              `${found.activity}: owned (Accountable) by ${found.owner.name} (team ${found.owner.team})`,
              `  supports: ${found.supports.join(', ') || 'none'}`,
              `  informed: ${found.informed.join(', ') || 'none'}`,
            ].join('\n'),
      );
      return 0;
    }
    const report = raciReport(policy.raci);
    io.out(format === 'json' ? renderRaciJson(report) : renderRaciMarkdown(report));
    return 0;
  },
};
