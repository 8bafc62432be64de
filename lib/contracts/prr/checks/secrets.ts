/**
 * No secrets in the model directory, and no way for the reviewed repository to switch the
 * scan off: a scan that read nothing, stopped early, or could not read a file fails; findings
 * the deployment file's allowlist covers are still counted, and the allowlist itself is a
 * blocking item until the signed review lists its entries (see `secretAllowlistCheck`).
 */
import type { SecretFinding } from '../secrets/scan';
import type { PrrCheck, PrrContext } from '../types';

/** At most this many findings are listed; the count is always complete. */
export const MAX_LISTED_FINDINGS = 20;

/** `file:line rule (N chars)`: where and what kind, never any character of the secret. */
export function describeFinding(f: SecretFinding): string {
  return `${f.file}:${f.line} ${f.rule} (${f.length} chars)`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const secretsCheck: PrrCheck = {
  id: 'secrets',
  title: 'No secrets in the code',
  blocking: true,
  evaluate: ({ secretScan: scan, model }) => {
    const problems: string[] = [];
    if (scan.errors.length > 0)
      problems.push(
        'the secret scan could not read everything, so it cannot vouch for the code',
        ...scan.errors,
      );
    if (scan.incomplete !== undefined) problems.push(scan.incomplete);
    if (scan.filesScanned === 0) problems.push(`no files were scanned in ${model.root}`);
    for (const s of scan.notScanned.filter((n) => n.blocking))
      problems.push(`not scanned: ${s.path} (${s.reason})`);
    const open = scan.findings.filter((f) => f.allowlistedBy === undefined);
    const allowlisted = scan.findings.length - open.length;
    const summary = `${plural(scan.filesScanned, 'file')} scanned (${scan.bytesScanned} bytes)${allowlisted > 0 ? `, ${plural(allowlisted, 'finding')} covered by the deployment file's allowlist` : ''}`;
    if (open.length > 0)
      problems.push(
        `${plural(open.length, 'possible secret')} (${summary})`,
        ...open.slice(0, MAX_LISTED_FINDINGS).map(describeFinding),
        ...(open.length > MAX_LISTED_FINDINGS
          ? [`… and ${open.length - MAX_LISTED_FINDINGS} more`]
          : []),
      );
    if (problems.length > 0) return { status: 'fail', details: problems };
    const unread = scan.notScanned.map((s) => `not scanned: ${s.path} (${s.reason})`);
    return { status: unread.length > 0 ? 'warn' : 'pass', details: [summary, ...unread] };
  },
};

/** The allowlist entries of the deployment file, as the review document must list them. */
export function allowlistEntries(ctx: Pick<PrrContext, 'deployment'>): string[] {
  const s = ctx.deployment.secretScan;
  return [
    ...(s?.ignorePaths ?? []).map((p) => `ignorePaths: ${p}`),
    ...(s?.allowValues ?? []).map((v) => `allowValues: ${v}`),
  ];
}

export const secretAllowlistCheck: PrrCheck = {
  id: 'secret-allowlist',
  title: 'Secret-scan exceptions signed off',
  blocking: true,
  evaluate: (ctx) => {
    const entries = allowlistEntries(ctx);
    if (entries.length === 0) return { status: 'pass', details: ['no exceptions'] };
    const suppressed = ctx.secretScan.findings.filter((f) => f.allowlistedBy !== undefined);
    const signed = ctx.review?.signedExceptions ?? [];
    const unsigned = entries.filter((e) => !signed.includes(e));
    const details = [
      `${plural(entries.length, 'exception')} in the deployment file covering ${plural(suppressed.length, 'finding')}`,
      ...suppressed.slice(0, MAX_LISTED_FINDINGS).map((f) => `covered: ${describeFinding(f)}`),
    ];
    if (unsigned.length === 0) return { status: 'pass', details };
    return {
      status: 'fail',
      details: [
        ...details,
        ctx.review === undefined
          ? 'the exceptions need a signed review: list them under "Secret-scan exceptions" in the PRR document and run with --review'
          : 'not listed in the signed review\'s "Secret-scan exceptions":',
        ...unsigned.map(
          (e) =>
            `  ${e.startsWith('allowValues') ? `allowValues entry of ${e.length - 13} chars` : e}`,
        ),
      ],
    };
  },
};
