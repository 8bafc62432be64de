import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import { buildTestApp, examplePolicy } from '../helpers/app';

function resources(createConfigRecorder: boolean) {
  const base = examplePolicy();
  const policy: GuardrailsPolicy = {
    ...base,
    tagCompliance: { ...base.tagCompliance, createConfigRecorder },
  };
  const template = Template.fromStack(buildTestApp({ policy }).tagCompliance);
  const all = template.toJSON().Resources as Record<
    string,
    { Type: string; DependsOn?: string[]; Properties?: Record<string, unknown> }
  >;
  const [checkId] = Object.entries(all).find(
    ([, r]) => r.Type === 'Custom::ConfigRecorderPrecondition',
  ) ?? [undefined];
  if (!checkId) throw new Error('no precondition resource');
  return { all, checkId };
}

describe('Config recorder precondition in the template', () => {
  it.each([false, true])(
    'creates every Config rule after the check (createConfigRecorder: %s)',
    (create) => {
      // Act
      const { all, checkId } = resources(create);
      // Assess
      const rules = Object.values(all).filter((r) => r.Type === 'AWS::Config::ConfigRule');
      expect(rules.length).toBeGreaterThanOrEqual(2);
      for (const rule of rules) expect(rule.DependsOn ?? []).toContain(checkId);
      expect(all[checkId]?.Properties?.CreateConfigRecorder).toBe(create);
    },
  );

  it('creates the recorder after the check when the policy asks for one', () => {
    // Act
    const { all, checkId } = resources(true);
    // Assess
    const [recorder] = Object.values(all).filter(
      (r) => r.Type === 'AWS::Config::ConfigurationRecorder',
    );
    expect(recorder?.DependsOn ?? []).toContain(checkId);
  });

  it('lets the check function only describe recorders', () => {
    // Act
    const { all } = resources(false);
    // Assess
    const statements = Object.values(all)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap(
        (r) =>
          (r.Properties?.PolicyDocument as { Statement?: { Action: unknown }[] } | undefined)
            ?.Statement ?? [],
      );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: [
          'config:DescribeConfigurationRecorders',
          'config:DescribeConfigurationRecorderStatus',
        ],
        Resource: '*',
      }),
    );
  });
});
