/**
 * Builds the guardrails app for tests: the shipped example policy (or a given one), fixed
 * account and region, and no esbuild bundling (templates are asserted, code is tested apart).
 */
import * as path from 'node:path';
import type { Environment } from 'aws-cdk-lib';
import { createGuardrailsApp, type GuardrailsApp } from '../../lib/app';
import { loadPolicyFile } from '../../lib/config/load';
import type { GuardrailsPolicy } from '../../lib/config/schema';

export const EXAMPLE_POLICY_FILE = path.join(__dirname, '..', '..', 'config', 'guardrails.yaml');

export const TEST_ENV = { account: '111122223333', region: 'eu-west-1' } as const;

let example: GuardrailsPolicy | undefined;
/** The shipped example policy, parsed once per test file. */
export function examplePolicy(): GuardrailsPolicy {
  example ??= loadPolicyFile(EXAMPLE_POLICY_FILE);
  return example;
}

export function buildTestApp(
  options: {
    policy?: GuardrailsPolicy;
    nag?: boolean;
    cfnValidation?: boolean;
    env?: Environment;
  } = {},
): GuardrailsApp {
  return createGuardrailsApp({
    policy: options.policy ?? examplePolicy(),
    policyFile: EXAMPLE_POLICY_FILE,
    env: options.env ?? TEST_ENV,
    nag: options.nag ?? false,
    cfnValidation: options.cfnValidation ?? false,
    // Skip esbuild in template tests: `aws:cdk:bundling-stacks` lists the stacks to bundle.
    appProps: { context: { 'aws:cdk:bundling-stacks': [] } },
  });
}
