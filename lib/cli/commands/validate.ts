import { parseArgs } from 'node:util';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../config/load';
import type { CliCommand } from '../command';

export const validateCommand: CliCommand = {
  path: ['validate'],
  summary: 'Check a guardrails policy without synthesizing anything',
  usage: `Usage: guardrails validate [file] [--json]

Checks the policy (default ${DEFAULT_POLICY_FILE}) and lists every problem as file:line path: message.
Exit code 0 when valid, 1 when not.`,
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' } },
    });
    const file = positionals[0] ?? DEFAULT_POLICY_FILE;
    // loadPolicyFile throws PolicyValidationError; the router prints it and exits 1.
    const policy = loadPolicyFile(file);
    const summary = {
      file,
      valid: true,
      projects: policy.projects.length,
      teams: policy.teams.length,
      incidentTypes: policy.raci.incidentTypes.length,
    };
    io.out(
      values.json
        ? JSON.stringify(summary, null, 2)
        : `${file}: valid (${summary.projects} projects, ${summary.teams} teams, ${summary.incidentTypes} incident types)`,
    );
    return 0;
  },
};
