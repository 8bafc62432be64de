/**
 * No secrets in the model directory. The scan fails when it could not read everything: a scan
 * that did not run must never look like a clean one.
 */
import type { PrrCheck } from '../types';
import { globToRegExp, scanText } from './secret-rules';

/** At most this many findings are listed; the count is always complete. */
export const MAX_LISTED_FINDINGS = 20;

export const secretsCheck: PrrCheck = {
  id: 'secrets',
  title: 'No secrets in the code',
  blocking: true,
  evaluate: ({ model, deployment }) => {
    if (model.errors.length > 0)
      return {
        status: 'fail',
        details: [
          'the secret scan could not read everything, so it cannot vouch for the code',
          ...model.errors,
        ],
      };
    if (model.files.length === 0)
      return { status: 'fail', details: [`no text files to scan in ${model.root}`] };
    const ignore = (deployment.secretScan?.ignorePaths ?? []).map(globToRegExp);
    const scanned = model.files.filter((f) => !ignore.some((re) => re.test(f.path)));
    const allowValues = deployment.secretScan?.allowValues ?? [];
    const findings = scanned.flatMap((f) => scanText(f.path, f.text, { allowValues }));
    const unread = model.skipped.filter((s) => s.reason !== 'binary');
    const binary = model.skipped.length - unread.length;
    const summary = `${scanned.length} files scanned${binary > 0 ? `, ${binary} binary skipped` : ''}${ignore.length > 0 ? `, ${model.files.length - scanned.length} ignored by secretScan.ignorePaths` : ''}`;
    if (findings.length > 0)
      return {
        status: 'fail',
        details: [
          `${findings.length} possible secret${findings.length === 1 ? '' : 's'} (${summary})`,
          ...findings
            .slice(0, MAX_LISTED_FINDINGS)
            .map((f) => `${f.file}:${f.line} ${f.rule} ${f.preview}`),
          ...(findings.length > MAX_LISTED_FINDINGS
            ? [`… and ${findings.length - MAX_LISTED_FINDINGS} more`]
            : []),
        ],
      };
    if (unread.length > 0)
      return {
        status: 'warn',
        details: [summary, ...unread.map((s) => `not scanned: ${s.path} (${s.reason})`)],
      };
    return { status: 'pass', details: [summary] };
  },
};
