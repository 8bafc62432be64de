import { loadPolicyFile, YamlValidationError } from '../../config/load';
import type { CommandModule } from '../command';
import type { ErrorItem } from '../errors';

/** One file's verdict in the `--json` document. */
export type ValidateFileResult =
  | {
      readonly file: string;
      readonly valid: true;
      readonly projects: number;
      readonly teams: number;
      readonly incidentTypes: number;
    }
  | { readonly file: string; readonly valid: false; readonly problems: readonly ErrorItem[] };

/** The `--json` document: `ok` is true when every file is valid. */
export interface ValidateReport {
  readonly ok: boolean;
  readonly files: readonly ValidateFileResult[];
  /** Every problem of every file (the same as `files[].problems`, flattened). */
  readonly errors: readonly ErrorItem[];
}

/** Check each policy file; an invalid file does not stop the others being checked. */
export function validateFiles(files: readonly string[]): {
  report: ValidateReport;
  invalid: YamlValidationError[];
} {
  const invalid: YamlValidationError[] = [];
  const results = files.map((file): ValidateFileResult => {
    try {
      const policy = loadPolicyFile(file);
      return {
        file,
        valid: true,
        projects: policy.projects.length,
        teams: policy.teams.length,
        incidentTypes: policy.raci.incidentTypes.length,
      };
    } catch (err) {
      if (!(err instanceof YamlValidationError)) throw err;
      invalid.push(err);
      return {
        file,
        valid: false,
        problems: err.problems.map((p) => ({
          code: 'invalid-file',
          message: `${p.file}:${p.line} ${p.path ? `${p.path}: ` : ''}${p.message}`,
          file: p.file,
          line: p.line,
          ...(p.path ? { path: p.path } : {}),
        })),
      };
    }
  });
  return {
    report: {
      ok: invalid.length === 0,
      files: results,
      errors: results.flatMap((r) => (r.valid ? [] : r.problems)),
    },
    invalid,
  };
}

export const validateCommand: CommandModule = {
  arguments: [
    { name: 'files...', description: 'policy files (default: --policy, else the default policy)' },
  ],
  help: `Checks each policy and lists every problem as file:line path: message (on stderr).
Exit code 0 when every file is valid, 1 when one is not.`,
  async run({ args, global, io }) {
    const files = args.length > 0 ? args : [global.policyFile];
    const { report, invalid } = validateFiles(files);
    for (const err of invalid) io.note(err.message);
    return {
      exitCode: report.ok ? 0 : 1,
      json: report,
      text: report.files
        .flatMap((r) =>
          r.valid
            ? [
                `${r.file}: valid (${r.projects} projects, ${r.teams} teams, ${r.incidentTypes} incident types)`,
              ]
            : [],
        )
        .join('\n'),
    };
  },
};
