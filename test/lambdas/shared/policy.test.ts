import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  LOCAL_POLICY_FILE,
  loadRuntimePolicy,
  RuntimePolicyError,
  readPolicyJson,
} from '../../../lambdas/shared/policy';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../../lib/config/load';
import { EXAMPLE_POLICY_FILE } from '../../helpers/app';

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'policy-')), name);
  writeFileSync(file, text);
  return file;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadRuntimePolicy', () => {
  it('reads the bundled JSON as the same policy the app validated from the YAML', () => {
    // Prepare
    const validated = loadPolicyFile(EXAMPLE_POLICY_FILE);
    const file = tempFile('guardrails-policy.json', JSON.stringify(validated));

    // Act
    const policy = loadRuntimePolicy({ GUARDRAILS_POLICY_FILE: file });

    // Assess
    expect(policy).toStrictEqual(validated);
  });

  it('loads and validates the YAML policy outside a bundle (tests, local runs, the CLI)', () => {
    // Act
    const policy = loadRuntimePolicy({ GUARDRAILS_POLICY_FILE: EXAMPLE_POLICY_FILE });

    // Assess
    expect(policy).toStrictEqual(loadPolicyFile(EXAMPLE_POLICY_FILE));
  });

  it('refuses a YAML policy inside a bundle and names the variable and the file it expects', () => {
    // Prepare
    vi.stubEnv('GUARDRAILS_BUNDLE', 'true');
    const file = tempFile('other.yaml', 'version: 1\n');

    // Act
    const act = () => loadRuntimePolicy({ GUARDRAILS_POLICY_FILE: file });

    // Assess
    expect(act).toThrow(RuntimePolicyError);
    expect(act).toThrow(/GUARDRAILS_POLICY_FILE=.*other\.yaml.*guardrails-policy\.json/);
  });

  it('defaults to the same policy file as the app and the CLI', () => {
    expect(LOCAL_POLICY_FILE).toBe(DEFAULT_POLICY_FILE);
  });
});

describe('readPolicyJson', () => {
  it('names the file when it cannot be read', () => {
    expect(() => readPolicyJson('/nonexistent/guardrails-policy.json')).toThrow(
      /Cannot read the bundled policy \/nonexistent\/guardrails-policy\.json/,
    );
  });

  it('rejects JSON that is not a policy (no projects list)', () => {
    // Prepare
    const file = tempFile('guardrails-policy.json', '{"version": 1}');

    // Act + Assess
    expect(() => readPolicyJson(file)).toThrow(/is not a policy written by GuardrailFunction/);
  });
});
