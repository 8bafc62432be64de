#!/usr/bin/env node
import { createGuardrailsApp } from '../lib/app';
/**
 * The CDK app: load and validate the policy, build the stacks. `cdk synth -c config=<file>`
 * selects another policy; `-c cfnValidation=true` adds CDK's CloudFormation template validation. An invalid policy exits non-zero with every problem and synthesizes nothing.
 */
import { DEFAULT_POLICY_FILE, loadPolicyFile, PolicyValidationError } from '../lib/config/load';

// The CLI hands context to the app through CDK_CONTEXT_JSON; read it before any App exists.
const context = JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}') as Record<string, unknown>;
const policyFile = typeof context.config === 'string' ? context.config : DEFAULT_POLICY_FILE;

try {
  const policy = loadPolicyFile(policyFile);
  const { app } = createGuardrailsApp({
    policy,
    policyFile,
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT || undefined,
      region: process.env.CDK_DEFAULT_REGION || undefined,
    },
    // `-c cfnValidation=true` adds CDK's CloudFormation schema validation (slow on big policies).
    cfnValidation: context.cfnValidation === true || context.cfnValidation === 'true',
  });
  app.synth();
} catch (err) {
  if (err instanceof PolicyValidationError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
