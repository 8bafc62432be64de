import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { captureIo, copyFixture, ROOT, removeCopies } from '../contracts/helpers';

const EXAMPLE = path.join(ROOT, 'config', 'examples', 'api_contract.yaml');

afterEach(removeCopies);

describe('guardrails api-contract check', () => {
  it('exits 0 and prints the versions and the timeline', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['api-contract', 'check', EXAMPLE, '--today', '2026-11-26'], c.io);
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toContain(
      '  v2: T-50, phase brownout since 2026-11-16 (short planned outages); blackout from 2026-12-16',
    );
    expect(c.out()).toContain('No violations.');
  });

  it('exits 1 once the deprecated version passes its end of life', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['api-contract', 'check', EXAMPLE, '--today', '2027-01-15'], c.io);
    // Assess
    expect(code).toBe(1);
    expect(c.out()).toContain('  v2: T-0, phase delete since 2027-01-15 (removed)');
    expect(c.out()).toContain(
      '✗ [past-end-of-life] version v2 reached its end of life on 2027-01-15',
    );
  });

  it('prints JSON with --json', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(
      ['api-contract', 'check', EXAMPLE, '--today', '2026-10-17', '--json'],
      c.io,
    );
    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({
      valid: true,
      today: '2026-10-17',
      timeline: [
        {
          version: 'v2',
          phase: 'announce',
          daysToEol: 90,
          nextPhase: 'brownout',
          nextPhaseOn: '2026-11-16',
        },
      ],
      violations: [],
    });
  });

  it('exits 1 with file:line problems for an invalid contract', async () => {
    // Prepare
    const dir = copyFixture(path.dirname(EXAMPLE));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'name: x\ncurrentVersion: v1\nversions: []\n');
    const c = captureIo();
    // Act
    const code = await main(['api-contract', 'check', file], c.io);
    // Assess
    expect(code).toBe(1);
    expect(c.err()).toContain(`${file}:3 versions: must have at least 1 item`);
    expect(c.err()).toContain(`${file}:1 deprecationPolicy: is required`);
  });

  it.each([
    [['api-contract', 'check'], 'exactly one API contract file is required'],
    [
      ['api-contract', 'check', EXAMPLE, '--today', '26/11/2026'],
      '--today must be a date as YYYY-MM-DD',
    ],
    [
      ['api-contract', 'check', EXAMPLE, '--today', '2026-02-30'],
      '--today must be a date as YYYY-MM-DD',
    ],
  ])('exits 2 on a usage error: %j', async (argv, message) => {
    // Prepare
    const c = captureIo();
    // Act / Assess
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err()).toContain(message);
  });
});

describe('guardrails api-contract check --policy', () => {
  it('checks the contract against the shipped policy', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(
      [
        'api-contract',
        'check',
        EXAMPLE,
        '--today',
        '2026-11-26',
        '--policy',
        path.join(ROOT, 'config', 'guardrails.yaml'),
      ],
      c.io,
    );
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toContain('No violations.');
  });
});

describe('guardrails api-contract check, the chapter and --json', () => {
  it("accepts the chapter's api_contract.yaml and reports the missing brownout plan", async () => {
    // Prepare
    const file = path.join(
      __dirname,
      '..',
      'fixtures',
      'contracts',
      'api-contracts',
      'chapter.yaml',
    );
    const c = captureIo();
    // Act
    const code = await main(
      ['api-contract', 'check', file, '--today', '2024-03-01', '--json'],
      c.io,
    );
    // Assess
    expect(code).toBe(1);
    const report = JSON.parse(c.out());
    expect(report.ok).toBe(false);
    expect(report.violations.map((v: { rule: string }) => v.rule)).toEqual([
      'missing-brownout-plan',
    ]);
  });

  it('prints one JSON document with ok false for an invalid file', async () => {
    // Prepare
    const c = captureIo();
    // Act
    const code = await main(['api-contract', 'check', '/no/such/contract.yaml', '--json'], c.io);
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(c.out())).toMatchObject({
      ok: false,
      errors: [
        expect.objectContaining({
          code: 'invalid-file',
          message: expect.stringContaining('/no/such/contract.yaml'),
        }),
      ],
    });
  });
});
