import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lib/config/load';
import { deploymentNames, resolvedBudgetNamePrefix } from '../../lib/config/naming';
import {
  EXAMPLE_POLICY_TEXT,
  editedExample,
  policyWithProjects,
  problemsOf,
} from '../helpers/policy-factory';

describe('policy: namePrefix, budgetRegion, budgetCostTypes', () => {
  it('defaults cost types to gross spend: credits and refunds excluded, the rest as AWS counts it', () => {
    // Act
    const policy = parsePolicy(EXAMPLE_POLICY_TEXT);
    // Assess
    expect(policy.organisation.budgetCostTypes).toEqual({
      includeCredit: false,
      includeRefund: false,
      includeDiscount: true,
      includeOtherSubscription: true,
      includeRecurring: true,
      includeSubscription: true,
      includeSupport: true,
      includeTax: true,
      includeUpfront: true,
      useAmortized: false,
      useBlended: false,
    });
  });

  it.each([
    [['organisation', 'namePrefix'], 'Prod_1', /namePrefix: must be 2-24 characters/],
    [['organisation', 'budgetRegion'], 'useast1', /budgetRegion: must be an AWS Region code/],
    [['organisation', 'budgetCostTypes'], { includeCredits: true }, /budgetCostTypes/],
  ])('rejects %j = %j with a message naming the key', (path, value, expected) => {
    // Act
    const problems = problemsOf(editedExample([path, value]));
    // Assess
    expect(problems.join('\n')).toMatch(expected);
  });

  it.each([
    [{ namePrefix: 'ml-guardrails' }, 'ml-'],
    [{ namePrefix: 'staging' }, 'staging-'],
    [{ namePrefix: 'staging', budgetNamePrefix: 'stg.' }, 'stg.'],
  ])('budget names for %j start with %s', (organisation, expected) => {
    // Act / Assess
    expect(resolvedBudgetNamePrefix(organisation)).toBe(expected);
  });

  it('derives PascalCase stack names from the prefix', () => {
    // Act
    const names = deploymentNames('team-a-staging');
    // Assess
    expect([names.autoStopStack, names.budgetStack(3), names.autoStopTopic]).toEqual([
      'TeamAStaging-AutoStop',
      'TeamAStaging-Budgets-03',
      'team-a-staging-auto-stop',
    ]);
  });
});

describe('budget stack size with the notifications resource', () => {
  it('refuses 1,000 projects in 4 stacks: each budget is two resources, so a stack would pass 450', () => {
    // Prepare
    const text = policyWithProjects(1000).replace('budgetStacks: 8', 'budgetStacks: 4');
    // Act
    const problems = problemsOf(text).join('\n');
    // Assess
    expect(problems).toMatch(/budget stack \d would hold 2\d\d budgets \(2 resources each\)/);
  });

  it('accepts 1,000 projects in the default 8 stacks', () => {
    // Act / Assess
    expect(problemsOf(policyWithProjects(1000))).toEqual([]);
  });
});
