import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type GovernanceReport,
  runTagComplianceGovernance,
} from '../../lib/cli/commands/tag-compliance-governance';
import { governanceDocuments } from '../../lib/tag-compliance/governance';
import { EXAMPLE_POLICY_FILE, examplePolicy } from '../helpers/app';
import { runCli } from '../helpers/cli';

describe('guardrails tag-compliance governance', () => {
  it('prints each document as JSON with its size, and how to attach it', async () => {
    // Act
    const run = await runCli('tag-compliance', 'governance', '--policy', EXAMPLE_POLICY_FILE);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^# ml-guardrails-tag-governance \(SERVICE_CONTROL_POLICY, \d+ characters of 5120\)$/m,
    );
    expect(run.stdout).toMatch(/^# ml-guardrails-project-tag \(TAG_POLICY, \d+ characters\)$/m);
    expect(run.stdout).toContain('"Sid": "DenyExemptionTagOutsidePlatform"');
    expect(run.stdout).toContain(
      'aws organizations create-policy --type SERVICE_CONTROL_POLICY --name ml-guardrails-tag-governance',
    );
  });

  it('writes one JSON file per document with --output, the same documents the module derives', async () => {
    // Prepare
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'governance-')), 'org');

    // Act
    const run = await runCli(
      'tag-compliance',
      'governance',
      '--policy',
      EXAMPLE_POLICY_FILE,
      '--output',
      dir,
    );

    // Assess
    expect(run.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'ml-guardrails-project-tag.json',
      'ml-guardrails-tag-governance.json',
    ]);
    const expected = governanceDocuments(examplePolicy());
    expect(
      JSON.parse(readFileSync(path.join(dir, 'ml-guardrails-tag-governance.json'), 'utf8')),
    ).toEqual(expected.serviceControlPolicies[0]?.document);
    expect(
      JSON.parse(readFileSync(path.join(dir, 'ml-guardrails-project-tag.json'), 'utf8')),
    ).toEqual(expected.tagPolicy.document);
    expect(run.stdout).toContain(`wrote ${path.join(dir, 'ml-guardrails-tag-governance.json')}`);
  });

  it('prints exactly one JSON document with --json, role patterns applied', async () => {
    // Act
    const run = await runCli(
      'tag-compliance',
      'governance',
      '--policy',
      EXAMPLE_POLICY_FILE,
      '--json',
      '--platform-role',
      'platform-*',
      '--platform-role',
      'break-glass',
    );

    // Assess
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as GovernanceReport;
    expect(report.ok).toBe(true);
    expect(report.files).toEqual([]);
    expect(report.documents.platformRoleNames).toEqual(['platform-*', 'break-glass']);
    expect(report.documents.projectValues).toContain('fraud-detection');
  });

  it('fails with one JSON error when a role pattern is invalid', async () => {
    // Act
    const run = await runCli(
      'tag-compliance',
      'governance',
      '--policy',
      EXAMPLE_POLICY_FILE,
      '--json',
      '--guardrails-role',
      'no spaces',
    );

    // Assess
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { ok: boolean; errors: { message: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.errors[0]?.message).toContain(
      '--guardrails-role: "no spaces" is not a role-name pattern',
    );
  });

  it('rejects arguments it does not take (usage, exit 2)', async () => {
    const run = await runCli(
      'tag-compliance',
      'governance',
      'extra',
      '--policy',
      EXAMPLE_POLICY_FILE,
    );
    expect(run.code).toBe(2);
  });

  it('reports the files it writes through the injected writer', () => {
    // Prepare
    const written: string[] = [];

    // Act
    const result = runTagComplianceGovernance(examplePolicy(), { output: 'out' }, (p) =>
      written.push(p),
    );

    // Assess
    expect(written).toEqual([
      path.join('out', 'ml-guardrails-tag-governance.json'),
      path.join('out', 'ml-guardrails-project-tag.json'),
    ]);
    expect(result.json.files.map((f) => f.kind)).toEqual(['SERVICE_CONTROL_POLICY', 'TAG_POLICY']);
  });
});
