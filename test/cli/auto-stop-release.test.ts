import { describe, expect, it } from 'vitest';
import type { HoldAuditEvent } from '../../lambdas/auto-stop/period-guard/store';
import { createReleaseCommand, runRelease } from '../../lib/cli/commands/auto-stop-release';
import { main } from '../../lib/cli/main';
import { EXAMPLE_POLICY_FILE, examplePolicy } from '../helpers/app';
import { holdOf, MemoryGuardStore } from '../helpers/period-guard';

const NOW = new Date('2026-11-29T10:00:00Z');
const hold = holdOf();

function fixture() {
  const store = new MemoryGuardStore();
  const audits: HoldAuditEvent[] = [];
  const deps = {
    store,
    holdAudit: async (e: HoldAuditEvent) => void audits.push(e),
    now: () => NOW,
  };
  return { store, audits, deps };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('runRelease', () => {
  it('removes the hold and audits who released it and why (exit 0)', async () => {
    // Prepare
    const { store, audits, deps } = fixture();
    await store.putHold(hold);
    // Act
    const result = await runRelease(deps, examplePolicy(), {
      projectId: 'fraud-detection',
      reason: 'budget raised to $15,000.00 (FIN-1234)',
      by: 'cli:alice',
    });
    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.text).toContain('Released the hold on fraud-detection for period 2026-11');
    expect(store.holds.size).toBe(0);
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'release-hold',
        projectId: 'fraud-detection',
        by: 'cli:alice',
        reason: 'budget raised to $15,000.00 (FIN-1234)',
        periodId: '2026-11',
      }),
    ]);
  });

  it('says there is nothing to release when the project is not held (exit 1)', async () => {
    const { audits, deps } = fixture();
    const result = await runRelease(deps, examplePolicy(), {
      projectId: 'fraud-detection',
      reason: 'x',
      by: 'cli:a',
    });
    expect(result).toMatchObject({ exitCode: 1, json: { ok: false } });
    expect(result.text).toContain('has no hold to release');
    expect(audits).toEqual([]);
  });

  it('rejects a project that is not in the policy (exit 2), naming the known ones', async () => {
    const { deps } = fixture();
    const result = await runRelease(deps, examplePolicy(), {
      projectId: 'nope',
      reason: 'x',
      by: 'cli:a',
    });
    expect(result.exitCode).toBe(2);
    expect(result.text).toContain('fraud-detection, real-time-bidding, churn-prediction');
  });

  it('turns an AWS error into one line (exit 1)', async () => {
    const { deps } = fixture();
    const failing = {
      ...deps,
      store: {
        ...deps.store,
        deleteHold: async () => {
          throw Object.assign(new Error('User is not authorized to perform: dynamodb:DeleteItem'), {
            name: 'AccessDeniedException',
          });
        },
      } as unknown as MemoryGuardStore,
    };
    const result = await runRelease(failing, examplePolicy(), {
      projectId: 'fraud-detection',
      reason: 'x',
      by: 'cli:a',
    });
    expect(result.exitCode).toBe(1);
    expect(result.text).toBe(
      'Could not release the hold on fraud-detection: User is not authorized to perform: dynamodb:DeleteItem',
    );
  });
});

describe('guardrails auto-stop release', () => {
  const RELEASE_JSON = [
    'auto-stop',
    'release',
    '--project',
    'fraud-detection',
    '--json',
    '--policy',
    EXAMPLE_POLICY_FILE,
  ];
  const command = (store: MemoryGuardStore, seen: { tables?: unknown } = {}) => ({
    commands: [
      {
        path: ['auto-stop', 'release'],
        summary: 'release',
        load: async () =>
          createReleaseCommand(
            (tables) => {
              seen.tables = tables;
              return { store, now: () => NOW };
            },
            {
              GUARD_TABLE_NAME: 'guard-from-env',
              AUDIT_TABLE_NAME: 'audit-from-env',
              USER: 'alice',
            },
          ),
      },
    ],
  });

  it('prints exactly one JSON document with --json, and reads the tables from the environment', async () => {
    // Prepare
    const store = new MemoryGuardStore();
    await store.putHold(hold);
    const seen: { tables?: unknown } = {};
    const { io, out, err } = capture();
    // Act
    const code = await main(RELEASE_JSON, io, command(store, seen));
    // Assess
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({
      ok: true,
      projectId: 'fraud-detection',
      by: 'cli:alice',
      released: { periodId: '2026-11' },
    });
    expect(seen.tables).toEqual({ guard: 'guard-from-env', audit: 'audit-from-env' });
  });

  it('prints {"ok": false} on stdout with --json when there is no hold (exit 1)', async () => {
    const { io, out } = capture();
    const code = await main(RELEASE_JSON, io, command(new MemoryGuardStore()));
    expect(code).toBe(1);
    expect(JSON.parse(out.join(''))).toEqual({
      ok: false,
      errors: [{ code: 'failed', message: expect.stringContaining('no hold') }],
    });
  });

  it.each([
    [['--json'], '--project is required'],
    [['--project', 'fraud-detection', '--json', '--bogus'], "Unknown option '--bogus'"],
  ])('answers usage errors %j with exit 2 and one JSON document', async (args, message) => {
    const { io, out } = capture();
    const code = await main(['auto-stop', 'release', ...args], io, command(new MemoryGuardStore()));
    expect(code).toBe(2);
    expect(JSON.parse(out.join(''))).toEqual({
      ok: false,
      errors: [{ code: 'usage', message: expect.stringContaining(message) }],
    });
  });

  it('names the error and where the usage is on stderr without --json (exit 2)', async () => {
    const { io, err } = capture();
    const code = await main(['auto-stop', 'release'], io, command(new MemoryGuardStore()));
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('--project is required');
    expect(err.join('\n')).toContain('guardrails auto-stop release --help');
  });

  it('is listed in guardrails --help', async () => {
    const { io, out } = capture();
    await main(['--help'], io);
    expect(out.join('\n')).toContain('auto-stop release');
  });
});
