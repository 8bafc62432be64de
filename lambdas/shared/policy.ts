/**
 * The policy inside a function. GuardrailFunction validates the policy once, at synth, and
 * writes the normalized result as JSON next to the handler (GUARDRAILS_POLICY_FILE points at
 * it); a function only parses that JSON, so it ships neither the YAML parser nor the schema.
 *
 * Outside a bundle (tests, local runs, the CLI) GUARDRAILS_POLICY_FILE may also name the YAML
 * policy (default config/guardrails.yaml), which is then loaded and validated as the app does.
 * Bundles are built with `process.env.GUARDRAILS_BUNDLE` defined as "true": esbuild drops the
 * YAML branch, and with it the loader, yaml and zod (package.json marks our modules free of
 * side effects, so an unused import is not kept for its top-level code).
 */
import { readFileSync } from 'node:fs';
import { loadPolicyFile } from '../../lib/config/load';
import type { GuardrailsPolicy } from '../../lib/config/schema';

/** File name of the bundled policy, next to the handler (`/var/task/` in Lambda). */
export const BUNDLED_POLICY_FILE = 'guardrails-policy.json';

/**
 * DEFAULT_POLICY_FILE of lib/config/load.ts, repeated (a test checks they are equal) because a
 * value imported from the loader would keep the loader in every bundle.
 */
export const LOCAL_POLICY_FILE = 'config/guardrails.yaml';

/** A policy file a function cannot use. */
export class RuntimePolicyError extends Error {
  override readonly name = 'RuntimePolicyError';
}

/** Parse the JSON written by GuardrailFunction; the app validated it, so types are enough. */
export function readPolicyJson(file: string): GuardrailsPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RuntimePolicyError(`Cannot read the bundled policy ${file}: ${String(err)}`, {
      cause: err,
    });
  }
  const policy = JSON.parse(text) as GuardrailsPolicy | null;
  if (policy === null || typeof policy !== 'object' || !Array.isArray(policy.projects))
    throw new RuntimePolicyError(`${file} is not a policy written by GuardrailFunction`);
  return policy;
}

function load(file: string): GuardrailsPolicy {
  // A constant in bundles: esbuild keeps only this branch, so the YAML loader is not shipped.
  if (process.env.GUARDRAILS_BUNDLE === 'true') {
    if (!file.endsWith('.json'))
      throw new RuntimePolicyError(
        `GUARDRAILS_POLICY_FILE=${file}: a bundled function reads only the JSON policy written at bundling (${BUNDLED_POLICY_FILE})`,
      );
    return readPolicyJson(file);
  } else {
    return file.endsWith('.json') ? readPolicyJson(file) : loadPolicyFile(file);
  }
}

let cached: { file: string; policy: GuardrailsPolicy } | undefined;

/** The policy named by GUARDRAILS_POLICY_FILE, read once per file and process. */
export function loadRuntimePolicy(env: NodeJS.ProcessEnv = process.env): GuardrailsPolicy {
  const file = env.GUARDRAILS_POLICY_FILE || LOCAL_POLICY_FILE;
  if (cached?.file !== file) cached = { file, policy: load(file) };
  return cached.policy;
}
