import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { captureIo, POLICY_FILE } from '../contracts/helpers';

describe('guardrails raci', () => {
  it('prints both matrices as Markdown by default', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['raci', '--policy', POLICY_FILE], c.io);
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toMatch(/^# RACI\n\n## Activity ownership\n/);
    expect(c.out()).toContain('## Incident response');
  });

  it.each([['--format', 'json'], ['--json']])('prints JSON with %s', async (...flags) => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['raci', '--policy', POLICY_FILE, ...flags], c.io);
    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({
      activities: { title: 'Activity ownership' },
      incidents: { title: 'Incident response' },
    });
  });

  it('names the owner of an activity', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['raci', '--policy', POLICY_FILE, '--owner', 'ci/cd pipeline'], c.io);
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toBe(
      'CI/CD Pipeline: owned (Accountable) by ML Engineering (team ml-engineering)\n  supports: Platform\n  informed: Data Science',
    );
  });

  it('prints the owner as JSON', async () => {
    // Prepare
    const c = captureIo();
    // Act
    await main(['raci', '--policy', POLICY_FILE, '--owner', 'Model Training', '--json'], c.io);
    // Assess
    expect(JSON.parse(c.out())).toMatchObject({ owner: { id: 'data-science' } });
  });

  it('exits 2 for an unknown activity and lists the known ones', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['raci', '--policy', POLICY_FILE, '--owner', 'Baking'], c.io);
    // Assess
    expect(code).toBe(2);
    expect(c.err()).toContain('unknown activity "Baking"; known activities:');
    expect(c.err()).toContain('  - Incident Response (Infra)');
    expect(c.out()).toBe('');
  });

  it('exits 2 for an unknown format', async () => {
    // Prepare
    const c = captureIo();
    // Act / Assess
    expect(await main(['raci', '--policy', POLICY_FILE, '--format', 'csv'], c.io)).toBe(2);
    expect(c.err()).toContain('--format must be markdown or json (got "csv")');
  });

  it('exits 1 with file:line problems for an invalid policy', async () => {
    // Prepare
    const c = captureIo();
    // Act / Assess
    expect(await main(['raci', '--policy', '/nonexistent/policy.yaml'], c.io)).toBe(1);
    expect(c.err()).toContain('/nonexistent/policy.yaml:1 cannot read the policy: file not found');
  });

  it('prints one JSON document with ok false when the policy cannot be read', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['raci', '--policy', '/no/such/policy.yaml', '--json'], c.io);
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(c.out())).toMatchObject({ ok: false });
  });
});
