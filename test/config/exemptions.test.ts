import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lib/config/load';
import { editedExample, problemsOf } from '../helpers/policy-factory';

const approval = {
  id: 'EXC-1',
  expires: '2027-01-31',
  reason: 'benchmark',
  approvedBy: 'finops@example.com',
};

describe('autoStop.exemptions: approvals the exemption tag must name', () => {
  it('merges the defaults list with each project list', () => {
    // Prepare
    const text = editedExample(
      [['defaults', 'autoStop', 'exemptions'], [approval]],
      [['projects', 1, 'autoStop', 'exemptions'], [{ ...approval, id: 'EXC-2' }]],
    );
    // Act
    const policy = parsePolicy(text);
    // Assess
    expect(policy.projects[1]?.autoStop.exemptions.map((a) => a.id)).toEqual(['EXC-1', 'EXC-2']);
    expect(policy.projects[2]?.autoStop.exemptions.map((a) => a.id)).toEqual(['EXC-1']);
  });

  it('the example policy carries one approval on fraud-detection only', () => {
    const policy = parsePolicy(editedExample());
    expect(policy.projects[0]?.autoStop.exemptions.map((a) => a.id)).toEqual(['EXC-2026-014']);
    expect(policy.projects[1]?.autoStop.exemptions).toEqual([]);
  });

  it.each([
    [{ ...approval, expires: '31/01/2027' }, 'expires: must be a date as YYYY-MM-DD'],
    [{ ...approval, id: 'has spaces' }, 'id: must be 1-128 characters usable in a tag value'],
    [{ ...approval, approvedBy: '' }, 'approvedBy'],
  ])('rejects %j', (bad, message) => {
    const problems = problemsOf(editedExample([['defaults', 'autoStop', 'exemptions'], [bad]]));
    expect(problems.join('\n')).toContain('defaults.autoStop.exemptions[0].');
    expect(problems.join('\n')).toContain(message);
  });
});
