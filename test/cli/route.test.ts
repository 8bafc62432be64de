import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RouteOutput, runRoute } from '../../lib/cli/commands/route';
import { main } from '../../lib/cli/main';
import { EXAMPLE_POLICY_FILE, examplePolicy } from '../helpers/app';
import { ebMetricEvent, snsEvent, snsMetricMessage } from '../helpers/paging';

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

describe('guardrails route: the reasoning (runRoute)', () => {
  const policy = examplePolicy();
  const DAY = new Date('2026-11-26T15:00:00Z');

  it('shows why an unclassified alarm pages nobody', () => {
    const event = ebMetricEvent('orders-db-cpu', 'AWS/RDS', 'CPUUtilization', {
      DBInstanceIdentifier: 'o',
    });
    const { exitCode, outputs } = runRoute(policy, { event, now: DAY });
    expect(exitCode).toBe(0);
    expect(outputs[0]).toMatchObject({ action: 'none', scope: 'unclassified', notify: [] });
    expect(outputs[0]?.steps?.join('\n')).toMatch(/paging\.unclassified: ignore/);
  });

  it('shows the responsibility, the model link, the revenue override and who is told', () => {
    const event = snsEvent(
      snsMetricMessage('fraud-5xx', 'AWS/SageMaker', 'Invocation5XXErrors', [
        { name: 'EndpointName', value: 'fraud-detection-prod' },
      ]),
    );
    const [o] = runRoute(policy, { event, now: DAY }).outputs;
    expect(o).toMatchObject({
      action: 'trigger',
      team: 'ml-revenue-oncall',
      notify: ['data-science', 'platform'],
    });
    const steps = o?.steps?.join('\n') ?? '';
    expect(steps).toMatch(/responsibility inference-logic is on ml-engineering's on-call policy/);
    expect(steps).toMatch(
      /dimension EndpointName=fraud-detection-prod matches the endpoints of fraud_detection/,
    );
    expect(steps).toMatch(
      /is revenue-critical: ml-revenue-oncall is paged 24x7 instead of ml-engineering/,
    );
    expect(steps).toMatch(/Consulted and Informed: notify data-science, platform/);
  });

  it('applies --lookup for an EventBridge alarm (a composite child pages nobody)', () => {
    const event = ebMetricEvent('fraud-5xx', 'AWS/SageMaker', 'Invocation5XXErrors', {
      EndpointName: 'fraud-detection-prod',
    });
    const [o] = runRoute(policy, {
      event,
      now: DAY,
      lookup: { status: 'found', actionsEnabled: true, alarmActions: [], parents: ['serving'] },
    }).outputs;
    expect(o).toMatchObject({ action: 'none', scope: 'feeds-composite' });
  });

  it('shows the change event an auto-stop action becomes', () => {
    const event = {
      source: 'ml-guardrails.auto-stop',
      'detail-type': 'Auto-stop action',
      time: '2026-11-26T15:00:00Z',
      detail: {
        project: 'churn-prediction',
        action: 'stopped',
        resources: [{ kind: 'training-job', name: 't1' }],
      },
    };
    const [o] = runRoute(policy, { event, now: DAY }).outputs;
    expect(o?.changeEvent).toMatchObject({ service: 'data-science', team: 'data-science' });
  });

  it('prints the numbered steps in text mode', async () => {
    const r = await run([
      '--event',
      path.join(FIXTURES, 'sns-single-metric-alarm.json'),
      '--at',
      '2026-11-26T03:12:46Z',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/scope: {6}classified/);
    expect(r.out).toMatch(/why:\n {4}1\. /);
  });

  it('rejects an unknown --lookup with exit code 2', async () => {
    const r = await run([
      '--event',
      path.join(FIXTURES, 'sns-single-metric-alarm.json'),
      '--lookup',
      'maybe',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--lookup "maybe"/);
  });
});
