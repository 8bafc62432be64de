/**
 * Policies for tests and the benchmark: the shipped example edited through the YAML document
 * API (so line numbers stay real); `policyWithProjects` (bench/policies.ts) generates large ones.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { PolicyValidationError, parsePolicy } from '../../lib/config/load';

export { policyWithProjects } from '../../bench/policies';

export const EXAMPLE_POLICY_TEXT = readFileSync(
  path.join(__dirname, '..', '..', 'config', 'guardrails.yaml'),
  'utf8',
);

type Edit =
  | [path: (string | number)[], value: unknown]
  | [path: (string | number)[], value: undefined, remove: 'delete'];

/** The example policy text with values set (or deleted) at the given paths. */
export function editedExample(...edits: Edit[]): string {
  const doc = parseDocument(EXAMPLE_POLICY_TEXT);
  for (const edit of edits) {
    if (edit[2] === 'delete') doc.deleteIn(edit[0]);
    else doc.setIn(edit[0], doc.createNode(edit[1]));
  }
  return doc.toString();
}

/** 1-based number of the first line at or after line `from` (0-based) that contains `needle`. */
export function lineOf(text: string, needle: string, from = 0): number {
  const i = text.split('\n').findIndex((l, n) => n >= from && l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}

/**
 * The example with the first `find` at or after the line containing `anchor` replaced; returns
 * the text and that 1-based line, where the loader must point.
 */
export function replaceInExample(
  anchor: string,
  find: string,
  replacement: string,
  base = EXAMPLE_POLICY_TEXT,
): { text: string; line: number } {
  const lines = base.split('\n');
  const from = lineOf(base, anchor) - 1;
  const i = lines.findIndex((l, n) => n >= from && l.includes(find));
  if (i < 0) throw new Error(`"${find}" not found after "${anchor}"`);
  lines[i] = (lines[i] as string).replace(find, replacement);
  return { text: lines.join('\n'), line: i + 1 };
}

/** Parse policy text; the problems as `line path: message` strings (file name dropped). */
export function problemsOf(text: string): string[] {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    if (err instanceof PolicyValidationError)
      return err.problems.map((p) => `${p.line} ${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}
