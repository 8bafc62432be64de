import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  PolicyValidationError,
  parsePolicy,
  parseYamlWithSchema,
  YamlValidationError,
} from '../../lib/config/load';

const Schema = z.strictObject({ name: z.string(), size: z.number().int().min(1) });

function caught(fn: () => unknown): YamlValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof YamlValidationError) return err;
    throw err;
  }
  throw new Error('expected a YamlValidationError');
}

describe('parseYamlWithSchema', () => {
  it('returns the data and a line lookup for later problems', () => {
    // Act
    const parsed = parseYamlWithSchema('name: a\nsize: 3\n', 'x.yaml', Schema);
    // Assess
    expect(parsed.data).toEqual({ name: 'a', size: 3 });
    expect(parsed.lineOf(['size'])).toBe(2);
  });

  it('lists every schema problem with file:line, naming the kind of file', () => {
    // Act
    const err = caught(() =>
      parseYamlWithSchema('name: 1\nsize: 0\nextra: true\n', 'x.yaml', Schema, { what: 'widget' }),
    );
    // Assess
    expect(err.message).toBe(
      [
        'Invalid widget x.yaml (3 problems):',
        'x.yaml:1 name: must be a string (got 1)',
        'x.yaml:2 size: must be at least 1 (got 0)',
        'x.yaml:3 extra: unknown key "extra"',
      ].join('\n'),
    );
  });

  it('puts a YAML syntax error on its line (not line 1)', () => {
    // Act
    const err = caught(() => parseYamlWithSchema('name: a\nsize: 1\nsize: 2\n', 'x.yaml', Schema));
    // Assess
    expect(err.problems[0]).toMatchObject({ line: 3 });
  });
});

describe('parsePolicy after the refactor', () => {
  it('still throws PolicyValidationError (a YamlValidationError) with the policy wording', () => {
    // Act
    const err = caught(() => parsePolicy('- not a mapping\n', 'p.yaml'));
    // Assess
    expect(err).toBeInstanceOf(PolicyValidationError);
    expect(err.name).toBe('PolicyValidationError');
    expect(err.message).toBe(
      'Invalid guardrails policy p.yaml (1 problem):\np.yaml:1 the policy must be a YAML mapping with version, organisation, projects, teams, raci and paging',
    );
  });
});
