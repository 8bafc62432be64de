/**
 * The policy inside a function: the bundled YAML (GUARDRAILS_POLICY_FILE, set by
 * GuardrailFunction) parsed with the same schema as the app and the CLI, once per cold start.
 * Outside Lambda, point GUARDRAILS_POLICY_FILE at config/guardrails.yaml.
 */
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../lib/config/load';
import type { GuardrailsPolicy } from '../../lib/config/schema';

let cached: { file: string; policy: GuardrailsPolicy } | undefined;

export function loadRuntimePolicy(env: NodeJS.ProcessEnv = process.env): GuardrailsPolicy {
  const file = env.GUARDRAILS_POLICY_FILE || DEFAULT_POLICY_FILE;
  if (cached?.file !== file) cached = { file, policy: loadPolicyFile(file) };
  return cached.policy;
}
