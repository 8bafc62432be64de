import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyValidationError, parsePolicy } from '../../lib/config/load';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';

const example = readFileSync(EXAMPLE_POLICY_FILE, 'utf8');

/** The example policy with its `tagCompliance:` block replaced. */
function withTagCompliance(block: string): string {
  const start = example.indexOf('\ntagCompliance:');
  return `${example.slice(0, start)}\ntagCompliance:\n${block}\n`;
}

describe('policy: tagCompliance', () => {
  it('defaults the model-artifact bucket and audits every job when nothing is set', () => {
    // Prepare
    const text = withTagCompliance('  createConfigRecorder: false');

    // Act
    const policy = parsePolicy(text, 'policy.yaml');

    // Assess
    expect(policy.tagCompliance).toEqual({
      createConfigRecorder: false,
      auditFrequency: 'TwentyFour_Hours',
      modelArtifactBucket: {
        create: true,
        requiredObjectTags: ['CostCenter', 'Project'],
        noncurrentVersionExpirationDays: 90,
      },
    });
  });

  it('accepts a job window', () => {
    const policy = parsePolicy(withTagCompliance('  jobLookbackDays: 30'), 'policy.yaml');
    expect(policy.tagCompliance.jobLookbackDays).toBe(30);
  });

  it.each([
    ['  jobLookbackDays: 0', /tagCompliance\.jobLookbackDays/],
    [
      '  modelArtifactBucket:\n    requiredObjectTags: []',
      /tagCompliance\.modelArtifactBucket\.requiredObjectTags/,
    ],
    ['  modelArtifactBucket:\n    versioned: false', /tagCompliance\.modelArtifactBucket/],
    ['  auditFrequency: Weekly', /tagCompliance\.auditFrequency/],
  ])('rejects %j, naming the path', (block, path) => {
    expect(() => parsePolicy(withTagCompliance(block), 'policy.yaml')).toThrow(
      PolicyValidationError,
    );
    expect(() => parsePolicy(withTagCompliance(block), 'policy.yaml')).toThrow(path);
  });
});
