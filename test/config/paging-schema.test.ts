import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GuardrailsPolicySchema } from '../../lib/config/schema';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';

const example = (): Record<string, unknown> => parse(readFileSync(EXAMPLE_POLICY_FILE, 'utf8'));

describe('paging.eventBridge (additive, with defaults)', () => {
  it('defaults to routing every alarm except target-tracking ones when omitted', () => {
    // Prepare
    const raw = example();
    delete (raw.paging as Record<string, unknown>).eventBridge;
    // Act
    const policy = GuardrailsPolicySchema.parse(raw);
    // Assess
    expect(policy.paging.eventBridge).toEqual({
      enabled: true,
      excludeAlarmNamePrefix: 'TargetTracking-',
    });
  });

  it('rejects a misspelt key', () => {
    const raw = example();
    (raw.paging as Record<string, unknown>).eventBridge = { enable: false };
    const result = GuardrailsPolicySchema.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['paging', 'eventBridge']);
  });

  it('ships an incident type and first alarm rule for the guardrails own alarms', () => {
    const policy = GuardrailsPolicySchema.parse(example());
    expect(policy.paging.alarmRules[0]).toEqual({
      incidentType: 'guardrails-failure',
      match: { alarmName: 'ml-guardrails-*' },
    });
    expect(
      policy.raci.incidentTypes.find((t) => t.id === 'guardrails-failure')?.assignments[
        'platform-engineer'
      ],
    ).toBe('A');
  });
});
