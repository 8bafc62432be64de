/**
 * Helpers for the contracts tests: the shipped policy, fixture model folders, and variants of
 * them copied to a temporary directory and modified, so the fixtures stay small.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Document, parseDocument } from 'yaml';
import { loadPolicyFile } from '../../lib/config/load';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { loadDeploymentFile } from '../../lib/contracts/deployment';
import { type GatherDeps, gatherContext } from '../../lib/contracts/prr/gather';
import { type PrrReport, runPrr } from '../../lib/contracts/prr/index';

export const ROOT = path.join(__dirname, '..', '..');
export const POLICY_FILE = path.join(ROOT, 'config', 'guardrails.yaml');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'contracts');
export const PYTHON_MODEL = path.join(FIXTURES, 'python-model');
export const TS_MODEL = path.join(FIXTURES, 'ts-model');

let policy: GuardrailsPolicy | undefined;
/** The shipped example policy, parsed once per test file. */
export function examplePolicy(): GuardrailsPolicy {
  policy ??= loadPolicyFile(POLICY_FILE);
  return policy;
}

const temps: string[] = [];

/** A copy of a fixture model folder in a temporary directory. */
export function copyFixture(fixture: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'prr-'));
  cpSync(fixture, dir, { recursive: true });
  temps.push(dir);
  return dir;
}

/** Remove every temporary copy (call in afterEach/afterAll). */
export function removeCopies(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Edit deployment.yaml of a copied model folder through the YAML document API. */
export function editDeployment(dir: string, edit: (doc: Document) => void): void {
  const file = path.join(dir, 'deployment.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, doc.toString());
}

/** The day the fixtures are reviewed on (their rollback rehearsal is recent then). */
export const REVIEW_DAY = '2026-11-29';

/** Run the review on a model folder whose deployment.yaml is inside it. */
export async function review(
  dir: string,
  deps: GatherDeps = {},
  policy: GuardrailsPolicy = examplePolicy(),
): Promise<PrrReport> {
  const loaded = loadDeploymentFile(path.join(dir, 'deployment.yaml'));
  return runPrr(await gatherContext(dir, loaded, policy, { today: REVIEW_DAY, ...deps }));
}

/** Status of one check in a report. */
export function statusOf(report: PrrReport, id: string): string | undefined {
  return report.checks.find((c) => c.id === id)?.status;
}

/** Collects CLI output for `main(argv, io)`. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
    out: () => out.join('\n'),
    err: () => err.join('\n'),
  };
}
