import { describe, expect, it } from 'vitest';
import {
  ACT_LEASE_MS,
  claimAllowed,
  guardVerdict,
  holdState,
  liftDecision,
} from '../../../../lambdas/auto-stop/period-guard/decide';
import { planStop } from '../../../../lambdas/auto-stop/plan';
import type { AutoStopSettings } from '../../../../lib/config/schema';
import { examplePolicy } from '../../../helpers/app';
import { resource } from '../../../helpers/auto-stop';
import { holdOf } from '../../../helpers/period-guard';

const NOW = new Date('2026-11-29T10:00:00Z');
const hold = holdOf();
const fraud = examplePolicy().projects.find((p) => p.id === 'fraud-detection');
if (!fraud) throw new Error('fraud-detection missing from the example policy');
const settings = (over: Partial<AutoStopSettings> = {}): AutoStopSettings => ({
  ...fraud.autoStop,
  ...over,
});
const plan = (r: Parameters<typeof planStop>[0], s: AutoStopSettings) =>
  planStop(r, s, { runningStatus: 'InProgress', action: 'stop-training-job' }, NOW);

describe('holdState', () => {
  it.each([
    ['no hold', undefined, NOW, false],
    ['inside the period', hold, NOW, true],
    ['at the last millisecond of the period', hold, new Date('2026-11-30T23:59:59.999Z'), true],
    ['at the first instant of the next period', hold, new Date('2026-12-01T00:00:00.000Z'), false],
  ] as const)('%s -> active %s', (_name, h, now, active) => {
    expect(holdState(h, now).active).toBe(active);
  });
});

describe('guardVerdict', () => {
  const active = holdState(hold, NOW);
  it.each([
    ['a running job', resource(), settings(), 'act'],
    ['a running job of a dry-run project', resource(), settings({ mode: 'dry-run' }), 'would-act'],
    ['a project whose mode is now off', resource(), settings({ mode: 'off' }), 'ignore'],
    [
      'an approved, unexpired exemption',
      resource({ tags: { Project: 'fraud-detection', 'ml-guardrails:exempt': 'EXC-2026-014' } }),
      settings(),
      'skip',
    ],
    [
      'an exemption tag naming no approval',
      resource({ tags: { Project: 'fraud-detection', 'ml-guardrails:exempt': 'yes' } }),
      settings(),
      'act',
    ],
    [
      'an expired approval',
      resource({ tags: { Project: 'fraud-detection', 'ml-guardrails:exempt': 'EXC-2026-014' } }),
      settings({
        exemptions: [{ id: 'EXC-2026-014', expires: '2026-11-28', reason: 'r', approvedBy: 'a' }],
      }),
      'act',
    ],
    ['a job that is no longer running', resource({ status: 'Stopping' }), settings(), 'skip'],
    [
      'a kind the project does not enable',
      resource(),
      settings({ resourceKinds: ['notebook-instance'] }),
      'skip',
    ],
  ] as const)('%s -> %s', (_name, r, s, expected) => {
    expect(guardVerdict({ state: active, settings: s, decision: plan(r, s) }).type).toBe(expected);
  });

  it('ignores everything without an active hold', () => {
    const verdict = guardVerdict({
      state: holdState(undefined, NOW),
      settings: settings(),
      decision: plan(resource(), settings()),
    });
    expect(verdict).toEqual({ type: 'ignore', reason: expect.stringContaining('no hold') });
  });

  it('keeps the resource tags (exemption tag included) on the decision it returns', () => {
    const r = resource({ tags: { Project: 'fraud-detection', 'ml-guardrails:exempt': 'yes' } });
    const verdict = guardVerdict({
      state: active,
      settings: settings(),
      decision: plan(r, settings()),
    });
    expect(verdict.type === 'act' && verdict.decision.resource).toBe(r);
    expect(verdict.type === 'act' && verdict.reason).toMatch(
      /exemption refused: tagged ml-guardrails:exempt=yes/,
    );
  });
});

describe('claimAllowed', () => {
  const at = NOW.getTime();
  it.each([
    ['nothing recorded yet', undefined, 'act', at, true],
    ['the same stop within the lease', { verdict: 'act', claimedAt: at - 1000 }, 'act', at, false],
    [
      'the same stop after the lease (running again)',
      { verdict: 'act', claimedAt: at - ACT_LEASE_MS - 1 },
      'act',
      at,
      true,
    ],
    [
      'the same exempt line later in the period',
      { verdict: 'skip', claimedAt: at - 86_400_000 },
      'skip',
      at,
      false,
    ],
    [
      'the same dry-run line later in the period',
      { verdict: 'would-act', claimedAt: at - 86_400_000 },
      'would-act',
      at,
      false,
    ],
    [
      'a stop after the exemption expired',
      { verdict: 'skip', claimedAt: at - 1000 },
      'act',
      at,
      true,
    ],
  ] as const)('%s -> %s', (_name, existing, verdict, now, expected) => {
    expect(claimAllowed(existing, verdict, now)).toBe(expected);
  });
});

describe('liftDecision', () => {
  it.each([
    ['spend still over the threshold', 9800, 10000, false],
    ['spend exactly at the threshold', 9500, 10000, false],
    ['the limit raised mid-period', 9800, 15000, true],
    ['a limit of zero', 10, 0, true],
  ])('%s -> lift %s', (_name, actualUsd, limitUsd, lift) => {
    expect(liftDecision({ actualUsd, limitUsd }, { thresholdPct: 95 }, 10000).lift).toBe(lift);
  });
});
