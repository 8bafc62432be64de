import { describe, expect, it } from 'vitest';
import { planStop } from '../../../lambdas/auto-stop/plan';
import { STOPPABLE_SPECS } from '../../../lambdas/shared/sagemaker-kinds';
import type { ResourceKind } from '../../../lib/config/schema';
import { resource } from '../../helpers/auto-stop';

const NOW = new Date('2026-11-26T12:00:00Z');
const settings = {
  resourceKinds: STOPPABLE_SPECS.map((s) => s.kind as ResourceKind),
  exemptionTag: 'ml-guardrails:exempt',
  exemptions: [
    {
      id: 'EXC-1',
      expires: '2026-12-31',
      reason: 'retrain',
      approvedBy: 'finops@example.com',
    },
    { id: 'EXC-OLD', expires: '2026-11-25', reason: 'old', approvedBy: 'finops@example.com' },
  ],
};

/** The one exemption rule, for every kind auto-stop stops through the registry. */
const EXEMPTION_TABLE = [
  ['no exemption tag', {}, 'act', /not exempt$/],
  [
    'an approved, unexpired exemption',
    { 'ml-guardrails:exempt': 'EXC-1' },
    'skip',
    /exempt: EXC-1 approved by finops/,
  ],
  [
    'an expired exemption',
    { 'ml-guardrails:exempt': 'EXC-OLD' },
    'act',
    /exemption refused: exemption EXC-OLD expired on 2026-11-25/,
  ],
  [
    'an exemption the policy does not list',
    { 'ml-guardrails:exempt': 'please' },
    'act',
    /exemption refused: tagged ml-guardrails:exempt=please/,
  ],
  ['a value that means no (false)', { 'ml-guardrails:exempt': 'false' }, 'act', /not exempt$/],
  ['an empty value', { 'ml-guardrails:exempt': '' }, 'act', /not exempt$/],
] as const;

describe('planStop: the exemption table across kinds', () => {
  it.each(
    STOPPABLE_SPECS.flatMap((spec) =>
      EXEMPTION_TABLE.map(
        ([name, tags, type, reason]) => [spec.kind, name, tags, type, reason] as const,
      ),
    ),
  )('%s with %s', (kind, _name, tags, type, reason) => {
    // Prepare
    const spec = STOPPABLE_SPECS.find((s) => s.kind === kind);
    if (!spec) throw new Error(kind);
    const r = resource({
      kind: kind as ResourceKind,
      status: spec.runningStatus,
      tags: { Project: 'p', ...tags },
    });
    // Act
    const decision = planStop(
      r,
      settings,
      { runningStatus: spec.runningStatus, action: spec.stopAction },
      NOW,
    );
    // Assess
    expect(decision.type).toBe(type);
    expect(decision.reason).toMatch(reason);
    if (decision.type === 'act') expect(decision.action).toBe(spec.stopAction);
  });
});

describe('planStop: state and kind', () => {
  const rule = { runningStatus: 'InProgress', action: 'stop-training-job' };
  it.each([
    [
      'skips a job that is already stopping',
      resource({ status: 'Stopping' }),
      settings,
      /status is Stopping/,
    ],
    [
      'skips a kind the project does not enable',
      resource({ kind: 'transform-job' }),
      { ...settings, resourceKinds: ['training-job'] as ResourceKind[] },
      /resourceKinds/,
    ],
  ])('%s', (_name, r, s, reason) => {
    const decision = planStop(r, s, rule, NOW);
    expect(decision.type).toBe('skip');
    expect(decision.reason).toMatch(reason);
  });
});
