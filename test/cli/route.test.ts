import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RouteOutput } from '../../lib/cli/commands/route';
import { main } from '../../lib/cli/main';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'paging');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['route', ...args, '--policy', EXAMPLE_POLICY_FILE], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('guardrails route', () => {
  it('prints one JSON object per alarm record with the decision and why', async () => {
    // Act
    const r = await run([
      '--event',
      path.join(FIXTURES, 'sns-two-records.json'),
      '--at',
      '2026-11-28T23:30:05Z',
      '--json',
    ]);
    // Assess
    expect(r.code).toBe(0);
    const outputs = JSON.parse(r.out) as RouteOutput[];
    expect(outputs).toHaveLength(2);
    expect(outputs[0]).toMatchObject({
      record: 0,
      action: 'trigger',
      incidentType: 'data-pipeline-failed',
      team: 'ml-engineering',
      service: 'ml-engineering',
      severity: 'warning',
      dedupKey: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:ml-feature-pipeline-failed',
      withinCoverage: false,
      reason: expect.stringContaining('best effort'),
    });
    expect(outputs[1]).toMatchObject({
      action: 'resolve',
      team: 'ml-revenue-oncall',
      service: 'revenue-models',
    });
  });

  it('shows a hold with the time the window opens', async () => {
    const r = await run([
      '--event',
      path.join(FIXTURES, 'sns-composite-alarm.json'),
      '--at',
      '2026-11-26T02:55:01Z',
    ]);
    expect(r.out).toContain('action:     hold until 2026-11-26T14:00:00.000Z');
    expect(r.out).toContain('team:       data-science -> PagerDuty service data-science');
  });

  it('reports an ignored configuration change and exits 0', async () => {
    const r = await run([
      '--event',
      path.join(FIXTURES, 'eventbridge-configuration-change.json'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      { record: 0, reason: 'alarm configuration change (not a state change)' },
    ]);
  });

  it('exits 1 and names the bad field for a record it cannot understand', async () => {
    const r = await run([
      '--event',
      path.join(FIXTURES, '..', '..', '..', 'package.json'),
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)[0].error).toMatch(/neither an SNS event/);
  });

  it.each([
    [['--at', '2026-11-28T03:00:00Z'], /--event <file> is required/],
    [
      ['--event', path.join(FIXTURES, 'sns-two-records.json'), '--at', 'tomorrow'],
      /--at "tomorrow" is not an ISO 8601 time/,
    ],
  ])('rejects %j with a usage error (exit 2)', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('fails (exit 1, like every missing input file) on an unreadable event file', async () => {
    const r = await run(['--event', '/nonexistent/event.json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read --event \/nonexistent\/event.json: file not found/);
  });
});
