import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_ENV } from '../helpers/app';

let template: Template;

beforeAll(() => {
  template = Template.fromStack(buildTestApp().autoStop);
});

type Statement = {
  Sid?: string;
  Action?: unknown;
  Resource?: unknown;
  Condition?: unknown;
  Effect?: string;
};
type PolicyResource = {
  Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] };
};

/** The role (logical id) of each Lambda function whose logical id starts with `prefix`. */
function roleOf(prefix: string): string {
  const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
    id.startsWith(prefix),
  );
  expect(fns).toHaveLength(1);
  const fn = fns[0]?.[1] as { Properties: { Role: { 'Fn::GetAtt': string[] } } } | undefined;
  const role = fn?.Properties.Role['Fn::GetAtt'][0];
  if (!role) throw new Error(`no role for ${prefix}`);
  return role;
}

describe('auto-stop change events: IAM', () => {
  it('lets the auto-stop function, worker, period guard and restore function put events only on the default bus of the account and region, only with the auto-stop source', () => {
    // Prepare
    // Large role policies overflow into managed policies (CDK splits at IAM's size limit).
    const policies = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
      Object.values(template.findResources(type) as Record<string, PolicyResource>),
    );
    // Act
    const granting = policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.filter((s) =>
        [s.Action].flat().includes('events:PutEvents'),
      ).map((s) => ({ statement: s, roles: p.Properties.Roles.map((r) => r.Ref) })),
    );
    // Assess
    expect(granting.flatMap((g) => g.roles).sort()).toEqual(
      [
        roleOf('AutoStopFunction'),
        roleOf('AutoStopWorker'),
        roleOf('RestoreFunction'),
        roleOf('PeriodGuardFunction'),
      ].sort(),
    );
    for (const { statement } of granting)
      expect(statement).toEqual({
        Sid: 'PutAutoStopChangeEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              `:events:${TEST_ENV.region}:${TEST_ENV.account}:event-bus/default`,
            ],
          ],
        },
        Condition: { StringEquals: { 'events:source': 'ml-guardrails.auto-stop' } },
      });
  });
});
