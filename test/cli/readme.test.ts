import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../lib/cli/main';
import { runCli } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');

/** Rows of the first Markdown table after `heading`, as [first cell, second cell]. */
function tableAfter(file: string, heading: string): [string, string][] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const lines = text.slice(text.indexOf(heading)).split('\n');
  const start = lines.findIndex((l) => l.startsWith('| ---'));
  const rows: [string, string][] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    rows.push([cells[1] ?? '', cells[2] ?? '']);
  }
  return rows;
}

describe('the documented command list', () => {
  it("README's CLI table is exactly the list `guardrails --help` prints", async () => {
    // Prepare
    const help = (await runCli('--help')).stdout;
    const listed = help
      .slice(
        help.indexOf('Commands:\n') + 'Commands:\n'.length,
        help.indexOf('\n\n', help.indexOf('Commands:')),
      )
      .split('\n')
      .map((l) => l.trim().split(/\s{2,}/));
    // Act
    const readme = tableAfter('README.md', 'The `guardrails` CLI');
    // Assess
    expect(readme).toEqual(listed.map(([name, summary]) => [`\`${name}\``, summary]));
    expect(readme).toHaveLength(COMMANDS.length);
  });

  it('docs/cli.md names every command', () => {
    const rows = tableAfter('docs/cli.md', '## Commands')
      .map(([cell]) => cell)
      .join('\n');
    for (const c of COMMANDS) expect(rows).toContain(`\`${c.path.join(' ')}`);
  });
});
