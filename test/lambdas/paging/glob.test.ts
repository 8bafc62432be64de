import { describe, expect, it } from 'vitest';
import { globMatch, globMatchCounted } from '../../../lambdas/paging/glob';

describe('globMatch', () => {
  it.each([
    ['ml-guardrails-*', 'ml-guardrails-paging-router-errors', true],
    ['ml-guardrails-*', 'other-ml-guardrails-x', false],
    ['*-drift*', 'churn-prediction-drift', true],
    ['*-drift*', 'churn-prediction-drift-composite', true],
    ['*-drift*', 'churn-prediction-driftless', true],
    ['*-drift*', 'drift', false],
    ['*feature-store*', 'online-feature-store-unhealthy', true],
    ['AWS/SageMaker', 'AWS/SageMaker', true],
    ['AWS/SageMaker', 'AWS/SageMakerX', false],
    ['Custom/*', 'Custom/Drift', true],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['a*a', 'a', false],
    ['ab*ba', 'aba', false],
    ['*aab', 'aaab', true],
    ['fraud-*-latency', 'fraud-detection-prod-latency', true],
    ['fraud-*-latency', 'fraud-latency', false],
    ['Model*', 'model', false],
    ['a.b(c)+[d]', 'a.b(c)+[d]', true],
    ['a.b', 'axb', false],
  ])('%s vs %s -> %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });

  it('agrees with a regular expression on many generated cases', () => {
    // Prepare: every pattern over {a, b, *} up to 5 characters against every name up to 6
    const alphabet = ['a', 'b', '*'];
    const words = (letters: string[], max: number): string[] => {
      const out = [''];
      for (let n = 1; n <= max; n++)
        for (const w of out.filter((x) => x.length === n - 1))
          for (const c of letters) out.push(w + c);
      return out;
    };
    const patterns = words(alphabet, 5);
    const names = words(['a', 'b'], 6);
    let disagreements = 0;
    // Act
    for (const p of patterns) {
      const re = new RegExp(`^${p.split('*').join('.*')}$`, 's');
      for (const n of names) if (globMatch(p, n) !== re.test(n)) disagreements++;
    }
    // Assess
    expect(disagreements).toBe(0);
  });

  it('matches a crafted 1 KB alarm name against a glob with many * in linear steps', () => {
    // Prepare: the shape that makes a backtracking regex explode: many stars, a name that
    // almost matches and fails at the very end.
    const pattern = `${'*a'.repeat(40)}*b`;
    const name = 'a'.repeat(1024);
    // Act
    const { matched, steps } = globMatchCounted(pattern, name);
    // Assess: a few comparisons per character of pattern and name, not name^stars
    expect(matched).toBe(false);
    expect(steps).toBeLessThanOrEqual(4 * (pattern.length + name.length));
  });

  it('stays linear for a long literal run after a star (no quadratic rescans)', () => {
    const pattern = `*${'a'.repeat(500)}b`;
    const name = 'a'.repeat(1024);
    const { matched, steps } = globMatchCounted(pattern, name);
    expect(matched).toBe(false);
    expect(steps).toBeLessThanOrEqual(4 * (pattern.length + name.length));
  });
});
