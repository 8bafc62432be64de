/** The review report as Markdown (for PR comments and CI summaries) or JSON (for tools). */
import type { PrrReport } from './index';
import type { CheckStatus } from './types';

export const STATUS_ICONS: Record<CheckStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

/** Angle brackets would be read as HTML tags (and dropped) by GitHub's Markdown renderer. */
function md(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cell(text: string): string {
  return md(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Markdown: verdict, a table of every check, then the blocking issues in full. */
export function renderPrrMarkdown(r: PrrReport): string {
  const lines = [
    `# Production Readiness Review: ${r.model.name} ${r.model.version}`,
    '',
    `Project \`${r.project}\` · deployment \`${r.deploymentFile}\` · code \`${r.modelDir}\``,
    '',
    `**Verdict: ${r.verdict === 'pass' ? '✅ ready' : '❌ not ready'}** (${r.counts.pass} passed, ${r.counts.warn} warnings, ${r.counts.fail} failed)`,
    '',
    '| | Check | Blocking | Details |',
    '| :---: | --- | :---: | --- |',
    ...r.checks.map(
      (c) =>
        `| ${STATUS_ICONS[c.status]} | ${cell(c.title)} | ${c.blocking ? 'yes' : 'no'} | ${cell(c.details.join('; '))} |`,
    ),
  ];
  lines.push('', '## Blocking issues', '');
  if (r.blockingIssues.length === 0) lines.push('None.');
  for (const c of r.blockingIssues) {
    lines.push(`- ❌ **${c.title}** (\`${c.id}\`)`);
    for (const d of c.details) lines.push(`  - ${md(d)}`);
  }
  const warnings = r.checks.filter((c) => c.status === 'warn');
  if (warnings.length > 0) {
    lines.push('', '## Warnings', '');
    for (const c of warnings) {
      lines.push(`- ⚠️ **${c.title}** (\`${c.id}\`${c.blocking ? '' : ', advisory'})`);
      for (const d of c.details) lines.push(`  - ${md(d)}`);
    }
  }
  return lines.join('\n');
}

/** JSON with the same content as the Markdown report; `ok` mirrors the verdict for CI tools. */
export function renderPrrJson(r: PrrReport): string {
  return JSON.stringify({ ok: r.verdict === 'pass', ...r }, null, 2);
}

const LIST_ICONS: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗' };

/** A compact list for a terminal: one line per check, details indented under failures. */
export function renderPrrList(r: PrrReport): string {
  const width = Math.max(...r.checks.map((c) => c.id.length));
  const lines = [
    `PRR ${r.model.name} ${r.model.version} (${r.project}): ${r.verdict === 'pass' ? 'ready' : 'NOT READY'} · ${r.counts.pass} passed, ${r.counts.warn} warnings, ${r.counts.fail} failed`,
  ];
  for (const c of r.checks) {
    lines.push(`${LIST_ICONS[c.status]} ${c.id.padEnd(width)}  ${c.title}`);
    if (c.status !== 'pass') for (const d of c.details) lines.push(`    ${d}`);
  }
  return lines.join('\n');
}
