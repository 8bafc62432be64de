import { describe, expect, it } from 'vitest';
import { addMonths, summarizeContracts } from '../../lib/contracts/summary';
import { examplePolicy } from './helpers';

/** The example policy with one contract's review changed. */
function withReview(contract: string, change: Record<string, unknown>) {
  const p = examplePolicy();
  return {
    ...p,
    contracts: {
      ...p.contracts,
      reviews: p.contracts.reviews.map((r) => (r.contract === contract ? { ...r, ...change } : r)),
    },
  };
}

describe('addMonths', () => {
  it.each([
    ['2026-10-01', 3, '2027-01-01'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-11-30', 3, '2027-02-28'],
  ])('%s + %i months is %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});

describe('summarizeContracts', () => {
  it("lists the chapter's five contracts with owner and cadence from the example policy", () => {
    // Act
    const s = summarizeContracts(examplePolicy(), '2026-11-29');
    // Assess
    expect(s.contracts.map((c) => [c.contract, c.owner, c.cadence, c.state])).toEqual([
      ['ownership', 'Engineering Manager', 'quarterly', 'current'],
      ['production-readiness', 'ML Engineering Lead', 'per-deployment', 'event-driven'],
      ['incident-response', 'On-Call Team', 'monthly', 'current'],
      ['cost-attribution', 'FinOps Team', 'monthly', 'current'],
      ['deprecation', 'Product Manager', 'per-release', 'event-driven'],
    ]);
    expect(s.operatingModel).toBe('hybrid');
    expect(s.problems).toBe(0);
  });

  it.each([
    ['on its due day', '2026-12-02', 'current'],
    ['the day after its due day', '2026-12-03', 'overdue'],
  ])('rates a monthly review %s as %s', (_name, today, state) => {
    // Act: incident response was last reviewed 2026-11-02, due 2026-12-02.
    const s = summarizeContracts(examplePolicy(), today);
    // Assess
    expect(s.contracts.find((c) => c.contract === 'incident-response')?.state).toBe(state);
  });

  it('counts a calendar review that never happened as overdue', () => {
    // Prepare
    const policy = withReview('ownership', { lastReviewed: undefined });
    // Act
    const s = summarizeContracts(policy, '2026-11-29');
    // Assess
    expect(s.contracts[0]?.state).toBe('overdue');
    expect(s.problems).toBe(1);
  });

  it('reports a contract the policy does not list', () => {
    // Prepare
    const p = examplePolicy();
    const policy = {
      ...p,
      contracts: {
        ...p.contracts,
        reviews: p.contracts.reviews.filter((r) => r.contract !== 'deprecation'),
      },
    };
    // Act
    const s = summarizeContracts(policy, '2026-11-29');
    // Assess
    expect(s.contracts[4]).toMatchObject({ contract: 'deprecation', state: 'not in policy' });
    expect(s.problems).toBe(1);
  });
});
