/**
 * Finds a deployment's resources for CLI commands: the stacks' outputs, read with CloudFormation
 * DescribeStacks by the stack names the policy's `namePrefix` gives. Environment variables
 * override every output, so scripts and tests keep full control.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { awsErrorName, errorMessage } from '../../lambdas/shared/errors';
import { type RetryOptions, retry } from '../../lambdas/shared/retry';
import { type DeploymentNames, policyNames, STACK_OUTPUTS } from '../config/naming';
import type { GuardrailsPolicy } from '../config/schema';

/** Set to `off` to skip stack discovery (no DescribeStacks call; only environment variables count). */
export const DISCOVERY_ENV = 'GUARDRAILS_STACK_DISCOVERY';

/** The stacks whose outputs commands read (budget stacks hold only budget names). */
export function discoveryStackNames(names: DeploymentNames): string[] {
  return [names.autoStopStack, names.pagingStack, names.tagComplianceStack];
}

export interface DiscoveredStacks {
  /** Output key -> value, over every stack found. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Stacks as CloudFormation describes them (status included), for `doctor`. */
  readonly stacks: readonly Stack[];
  /** Stack names CloudFormation does not know. */
  readonly missing: readonly string[];
}

/**
 * Describe each stack by name. A stack that does not exist is reported in `missing`
 * (DescribeStacks answers ValidationError "Stack with id X does not exist").
 */
export async function describeDeployment(
  client: CloudFormationClient,
  stackNames: readonly string[],
  options: RetryOptions = {},
): Promise<DiscoveredStacks> {
  const outputs: Record<string, string> = {};
  const stacks: Stack[] = [];
  const missing: string[] = [];
  for (const name of stackNames) {
    try {
      const out = await retry(
        () => client.send(new DescribeStacksCommand({ StackName: name })),
        options,
      );
      for (const stack of out.Stacks ?? []) {
        stacks.push(stack);
        for (const o of stack.Outputs ?? [])
          if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
      }
    } catch (err) {
      if (awsErrorName(err) === 'ValidationError' && /does not exist/.test(errorMessage(err)))
        missing.push(name);
      else throw err;
    }
  }
  return { outputs, stacks, missing };
}

/**
 * The environment with every deployment variable the environment lacks filled from the stacks'
 * outputs (AUDIT_TABLE_NAME from `AuditTableName`, ...). Variables already set win. Discovery
 * runs only when a variable is missing, and its failure is reported, not thrown: the command
 * then says which variable it needs.
 */
export async function withDeploymentEnv(
  env: NodeJS.ProcessEnv,
  names: DeploymentNames,
  client: () => CloudFormationClient,
  options: RetryOptions & { readonly needed?: readonly string[] } = {},
): Promise<{ env: NodeJS.ProcessEnv; note?: string }> {
  const needed = options.needed ?? Object.values(STACK_OUTPUTS).map((o) => o.env);
  const wanted = Object.values(STACK_OUTPUTS).filter((o) => !env[o.env] && needed.includes(o.env));
  if (wanted.length === 0 || env[DISCOVERY_ENV] === 'off') return { env };
  try {
    const found = await describeDeployment(client(), discoveryStackNames(names), options);
    const filled: NodeJS.ProcessEnv = { ...env };
    for (const o of wanted) {
      const value = found.outputs[o.key];
      if (value !== undefined) filled[o.env] = value;
    }
    const note =
      found.missing.length > 0 ? `stacks not found: ${found.missing.join(', ')}` : undefined;
    return note ? { env: filled, note } : { env: filled };
  } catch (err) {
    return {
      env,
      note: `stack discovery failed (${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}); set the variables instead`,
    };
  }
}

/**
 * `withDeploymentEnv` for a command: the deployment named by the policy's `namePrefix`, a
 * CloudFormation client with the default configuration, and discovery notes on `warn`.
 */
export async function deploymentEnv(
  policy: GuardrailsPolicy,
  options: {
    readonly env?: NodeJS.ProcessEnv;
    /** Variables the command uses. @default every STACK_OUTPUTS variable */
    readonly needed?: readonly string[];
    readonly warn?: (line: string) => void;
  } = {},
): Promise<NodeJS.ProcessEnv> {
  const env = options.env ?? process.env;
  if (env[DISCOVERY_ENV] === 'off') return env;
  const names = policyNames(policy);
  const result = await withDeploymentEnv(env, names, () => new CloudFormationClient({}), {
    ...(options.needed ? { needed: options.needed } : {}),
  });
  if (result.note)
    (options.warn ?? ((line) => process.stderr.write(`${line}\n`)))(`guardrails: ${result.note}`);
  return result.env;
}
