import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { captureIo, POLICY_FILE } from '../contracts/helpers';

describe('guardrails contracts', () => {
  it('exits 0 and shows each contract with its chapter section while reviews are on schedule', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['contracts', '--policy', POLICY_FILE, '--today', '2026-11-29'], c.io);
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toMatch(/^Operating model hybrid/);
    expect(c.out()).toMatch(
      /^Ownership \(32\.8\.1\) +RACI matrix \(raci above\) +Engineering Manager +quarterly +2026-10-01 +due 2027-01-01$/m,
    );
    expect(c.out()).toContain('Every review is on schedule (as of 2026-11-29).');
  });

  it('exits 1 with --json when a monthly review is overdue', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(
      ['contracts', '--policy', POLICY_FILE, '--today', '2026-12-10', '--json'],
      c.io,
    );
    // Assess
    expect(code).toBe(1);
    const out = JSON.parse(c.out());
    expect(out.ok).toBe(false);
    expect(
      out.contracts
        .filter((x: { state: string }) => x.state === 'overdue')
        .map((x: { contract: string }) => x.contract),
    ).toEqual(['incident-response', 'cost-attribution']);
  });

  it('exits 2 on a malformed --today', async () => {
    // Prepare
    const c = captureIo();
    // Act / Assess
    expect(await main(['contracts', '--today', '29/11/2026'], c.io)).toBe(2);
    expect(c.err()).toContain('--today must be a date as YYYY-MM-DD');
  });

  it('prints one JSON document with ok false for a missing policy', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['contracts', '--policy', '/no/such/policy.yaml', '--json'], c.io);
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(c.out())).toMatchObject({ ok: false });
  });
});
