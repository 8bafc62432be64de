import { describe, expect, it } from 'vitest';
import { exemptionOf } from '../../../lambdas/shared/exemption';
import type { ExemptionApproval } from '../../../lib/config/schema';

const approval: ExemptionApproval = {
  id: 'EXC-2026-014',
  expires: '2026-11-30',
  reason: 'quarterly retrain',
  approvedBy: 'finops@example.com',
};
const rule = { tagKey: 'ml-guardrails:exempt', approvals: [approval] };
const nov29 = new Date('2026-11-29T12:00:00Z');

describe('exemptionOf: one rule for every kind', () => {
  it.each([
    ['no tag', {}, nov29, false, undefined],
    ['a value that means no', { 'ml-guardrails:exempt': 'false' }, nov29, false, undefined],
    ['an empty value', { 'ml-guardrails:exempt': ' ' }, nov29, false, undefined],
    ['"No" in any case', { 'ml-guardrails:exempt': 'No' }, nov29, false, undefined],
    [
      'a free-text value anyone could set',
      { 'ml-guardrails:exempt': 'benchmark run' },
      nov29,
      false,
      'no approved exemption',
    ],
    [
      'an id in another case (tag values are case-sensitive)',
      { 'ml-guardrails:exempt': 'exc-2026-014' },
      nov29,
      false,
      'no approved exemption',
    ],
    ['an approved id', { 'ml-guardrails:exempt': 'EXC-2026-014' }, nov29, true, undefined],
    [
      'an approved id with stray spaces',
      { 'ml-guardrails:exempt': ' EXC-2026-014 ' },
      nov29,
      true,
      undefined,
    ],
    [
      'an approved id on its last day (UTC)',
      { 'ml-guardrails:exempt': 'EXC-2026-014' },
      new Date('2026-11-30T23:59:59Z'),
      true,
      undefined,
    ],
    [
      'an approved id the day after it expired',
      { 'ml-guardrails:exempt': 'EXC-2026-014' },
      new Date('2026-12-01T00:00:00Z'),
      false,
      'expired on 2026-11-30',
    ],
    ['the approved id under another tag key', { Exempt: 'EXC-2026-014' }, nov29, false, undefined],
  ])('%s', (_name, tags, now, exempt, refused) => {
    // Act
    const result = exemptionOf(tags, rule, now);
    // Assess
    expect(result.exempt).toBe(exempt);
    if (!result.exempt) {
      if (refused) expect(result.refused).toContain(refused);
      else expect(result.refused).toBeUndefined();
    }
  });

  it('names the approval, its approver and its expiry when exempt', () => {
    const result = exemptionOf({ 'ml-guardrails:exempt': 'EXC-2026-014' }, rule, nov29);
    expect(result).toEqual({
      exempt: true,
      approval,
      reason:
        'exempt: EXC-2026-014 approved by finops@example.com until 2026-11-30 (quarterly retrain)',
    });
  });
});
