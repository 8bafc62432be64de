/**
 * Least privilege over every IAM statement the app synthesizes, so a grant added later cannot
 * quietly widen what the guardrails may do. Two rules:
 * - no mutating action on `*` without a condition (reads that AWS only allows on `*` are fine);
 * - `iam:PassRole` only with `iam:PassedToService` ("Granting a user permissions to pass a role
 *   to an AWS service", IAM User Guide).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** Action verbs that only read (AWS service authorization reference "Access level: List / Read"). */
const READ_ONLY =
  /^[a-z0-9-]+:(List|Describe|Get|BatchGet|Search|View|Query|Scan|Lookup)[A-Za-z]*$/;

/**
 * Writes that AWS authorizes only on `*` (their service authorization reference lists no resource
 * type for them), each with the reason it is still safe.
 */
const ONLY_ON_STAR: Record<string, string> = {
  'xray:PutTraceSegments':
    'X-Ray has no resource-level permissions; the function sends its own traces',
  'xray:PutTelemetryRecords':
    'X-Ray has no resource-level permissions; the function sends its own telemetry',
  'config:PutEvaluations':
    'AWS Config authorizes PutEvaluations on no resource type; the result token ties each call to its rule',
};

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function statementsOf(template: {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}) {
  const out: { where: string; statement: Statement }[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      docs.push(r.Properties?.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role')
      for (const p of asArray(r.Properties?.Policies as { PolicyDocument: unknown }[] | undefined))
        docs.push(p.PolicyDocument);
    for (const doc of docs)
      for (const statement of asArray((doc as { Statement?: Statement[] })?.Statement))
        out.push({ where: id, statement });
  }
  return out;
}

const onEverything = (resource: unknown) => asArray(resource as string | string[]).includes('*');

describe('least privilege across every synthesized IAM statement', () => {
  const { app, stacks } = buildTestApp();
  const assembly = app.synth();
  const all = stacks.flatMap((stack) =>
    statementsOf(assembly.getStackArtifact(stack.artifactId).template).map((s) => ({
      ...s,
      where: `${stack.stackName}/${s.where}`,
    })),
  );

  it('finds the statements to check', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it('has no mutating action on * without a condition', () => {
    const offending = all.flatMap(({ where, statement }) =>
      statement.Effect === 'Allow' && onEverything(statement.Resource) && !statement.Condition
        ? asArray(statement.Action)
            .filter((a) => !READ_ONLY.test(a) && !(a in ONLY_ON_STAR))
            .map((a) => `${where}: ${a}`)
        : [],
    );
    expect(offending).toEqual([]);
  });

  it('passes roles only to the service named by iam:PassedToService', () => {
    const offending = all.filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        asArray(statement.Action).some((a) => a === 'iam:PassRole' || a === 'iam:*') &&
        !JSON.stringify(statement.Condition ?? {}).includes('iam:PassedToService'),
    );
    expect(offending.map((o) => o.where)).toEqual([]);
  });
});

describe('reserved concurrency', () => {
  it.each([
    'Verifies a budget notification and stops the project SageMaker work',
    'Carries out auto-stop requests queued by the auto-stop function',
    'Routes CloudWatch alarms to PagerDuty by the RACI and on-call policy',
  ])('bounds the function that %s', (description) => {
    const { stacks } = buildTestApp();
    const matching = stacks.flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
        .map((f) => f.Properties as { Description?: string; ReservedConcurrentExecutions?: number })
        .filter((f) => f.Description?.includes(description)),
    );
    expect(matching).toHaveLength(1);
    expect(matching[0]?.ReservedConcurrentExecutions).toBeGreaterThan(0);
  });
});
