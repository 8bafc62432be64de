import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DigestEntry } from '../../../lambdas/auto-stop/period-guard/store';
import { periodLabel, renderDigest, renderReport, usd } from '../../../lambdas/auto-stop/report';
import type { RunReport } from '../../../lambdas/auto-stop/run-report';
import type { Outcome } from '../../../lambdas/auto-stop/types';
import { arnOf, runReport } from '../../helpers/auto-stop';

const outcome = (
  name: string,
  result: Outcome['result'],
  extra: Partial<Outcome> = {},
): Outcome => ({
  resourceArn: arnOf('training-job', name),
  kind: 'training-job',
  name,
  priorState: 'InProgress',
  action: 'stop-training-job',
  result,
  reason: 'InProgress and not exempt',
  ...extra,
});

const report = (over: Partial<RunReport> = {}): RunReport =>
  runReport({
    spend: {
      checked: true,
      confirmed: true,
      reason: 'DescribeBudget: actual spend $9,612.34 >= $9,500.00',
      actualUsd: 9612.34,
      limitUsd: 10000,
    },
    ...over,
  });

const contacts = {
  ownerEmails: ['fraud-ml-leads@example.com'],
  financeEmails: ['finops@example.com'],
};
const NOW = new Date('2026-11-29T08:15:00Z');

/** The sample kept in docs/auto-stop.md: a bit of everything finance may see. */
function sample(): { subject: string; body: string } {
  return renderReport(
    report({
      outcomes: [
        outcome('fraud-train-2026-11-29', 'done', { hourlyUsd: 3.825 }),
        outcome('feature-backfill', 'done', {
          kind: 'processing-job',
          resourceArn: arnOf('processing-job', 'feature-backfill'),
          action: 'stop-processing-job',
          reason:
            'InProgress and not exempt (exemption refused: tagged ml-guardrails:exempt=please, but the policy lists no approved exemption with that id)',
        }),
        outcome('analyst-notebook', 'done', {
          kind: 'notebook-instance',
          resourceArn: arnOf('notebook-instance', 'analyst-notebook'),
          action: 'stop-notebook-instance',
          priorState: 'InService',
          hourlyUsd: 0.23,
        }),
        outcome('fraud-async-scoring', 'done', {
          kind: 'endpoint',
          resourceArn: arnOf('endpoint', 'fraud-async-scoring'),
          action: 'scale-async-to-zero',
          priorState: 'InService',
          hourlyUsd: 1.21,
        }),
        outcome('quarterly-retrain', 'skipped', {
          action: 'skip',
          reason:
            'exempt: EXC-2026-014 approved by finops@example.com until 2026-12-31 (quarterly fraud model retrain, signed off by finance)',
        }),
        outcome('fraud-realtime', 'reported', {
          kind: 'endpoint',
          resourceArn: arnOf('endpoint', 'fraud-realtime'),
          action: 'report',
          priorState: 'InService',
          reason: 'classic endpoint, report-only',
        }),
        outcome('eval-run', 'failed', { error: 'AccessDeniedException: not authorized' }),
        outcome('old-run', 'skipped', { action: 'skip', reason: 'status is Stopped' }),
      ],
    }),
    { now: NOW, auditTableName: 'ml-guardrails-auto-stop-audit', contacts },
  );
}

/** The fenced block after `<!-- report-sample -->` in docs/auto-stop.md. */
function documentedSample(): string {
  const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'auto-stop.md'), 'utf8');
  const match = /<!-- report-sample -->\n```text\n([\s\S]*?)\n```/.exec(doc);
  if (!match?.[1]) throw new Error('docs/auto-stop.md has no report-sample block');
  return match[1];
}

const API_NAMES =
  /DescribeBudget|ListTrainingJobs|Stop[A-Z]\w+Job|GetResources|PROJECT#|\bpk\b|\bsk\b|<[a-z][\w -]*>|arn:aws/;

describe('renderReport', () => {
  it('matches the sample kept in docs/auto-stop.md', () => {
    // Act
    const { subject, body } = sample();
    // Assess
    expect(`Subject: ${subject}\n\n${body}`).toBe(documentedSample());
    expect(`Subject: ${subject}\n\n${body}`).toMatchSnapshot();
  });

  it('formats every amount as $1,234.56 (thousands separators, two decimals)', () => {
    // Act
    const { body } = sample();
    // Assess
    const amounts = body.match(/\$[0-9][0-9,.]*/g) ?? [];
    expect(amounts.length).toBeGreaterThan(3);
    for (const a of amounts) expect(a).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
    expect(body).toContain('Spend so far: $9,612.34 of $10,000.00 (96.1 %)');
  });

  it('names no API, internal key, ARN, SNS id or placeholder; only the audit line names the table', () => {
    // Act
    const { subject, body } = sample();
    // Assess
    expect(`${subject}\n${body}`).not.toMatch(API_NAMES);
    expect(body).not.toContain('9f1c2e7a');
    expect(body.split('\n').filter((l) => l.includes('DynamoDB'))).toEqual([
      'For engineers: every decision is recorded in the DynamoDB table ml-guardrails-auto-stop-audit under project fraud-detection.',
    ]);
  });

  it('names the month and the budget instead of the notification id', () => {
    const { subject, body } = sample();
    expect(subject).toBe(
      '[ml-guardrails] fraud-detection November 2026: 4 stopped, 1 could not be stopped',
    );
    expect(body).toContain('Budget period: November 2026 (budget ml-fraud-detection)');
  });

  it('totals the estimated hourly saving and says which lines have no estimate', () => {
    const { body } = sample();
    expect(body).toContain('Processing job feature-backfill: stopped; saving not estimated');
    expect(body).toContain('Estimated saving: about $5.27 per hour (1 of 4 not estimated).');
  });

  it.each([
    [
      'an approved exemption with its approval',
      'Training job quarterly-retrain: exempt: EXC-2026-014 approved by finops@example.com until 2026-12-31',
    ],
    ['a report-only endpoint', 'Endpoint fraud-realtime: report-only'],
    [
      'a refused exemption on a stopped job',
      'exemption not honoured (tagged ml-guardrails:exempt=please, but the policy lists no approved exemption with that id)',
    ],
  ])('explains %s', (_name, expected) => {
    expect(sample().body).toContain(expected);
  });

  it('lists dry-run work as left running, with what would have been stopped', () => {
    // Act
    const { subject, body } = renderReport(
      report({
        mode: 'dry-run',
        executed: false,
        outcomes: [outcome('a', 'would-do', { hourlyUsd: 2 })],
      }),
      { now: NOW, contacts },
    );
    // Assess
    expect(subject).toBe(
      '[ml-guardrails] fraud-detection November 2026: 1 would be stopped (dry-run)',
    );
    expect(body).toContain(
      'Would have been stopped (dry-run: left running) (1):\n  - Training job a; saves about $2.00 per hour',
    );
    expect(body).toContain('Mode: dry-run. Nothing was changed');
  });

  it('says no action and why when the budget does not confirm the alert', () => {
    const { subject, body } = renderReport(report({ proceed: false }), { now: NOW });
    expect(subject).toBe('[ml-guardrails] fraud-detection November 2026: no action');
    expect(body).toContain('No action was taken: the spend was not confirmed by the budget itself');
  });

  it('lists at most 50 lines per section and points to the audit records for the rest', () => {
    const many = Array.from({ length: 120 }, (_, i) => outcome(`j${i}`, 'done'));
    const { body } = renderReport(report({ outcomes: many }), { now: NOW });
    expect(body).toContain('Stopped or scaled down (120):');
    expect(body).toContain('  ... and 70 more (listed in the audit records)');
    expect(body.split('\n').filter((l) => l.startsWith('  - Training job'))).toHaveLength(50);
  });

  it('keeps the subject under the 100 characters SNS allows', () => {
    const long = report({
      project: { id: 'p'.repeat(64), name: 'x', budgetName: 'b', exemptionTag: 't' },
    });
    expect(renderReport(long, { now: NOW }).subject.length).toBeLessThan(100);
  });
});

describe('periodLabel', () => {
  it.each([
    ['monthly', 'November 2026'],
    ['daily', '29 November 2026'],
    ['quarterly', 'Q4 2026'],
    ['annually', '2026'],
    ['unknown', 'November 2026'],
  ] as const)('%s -> %s', (period, expected) => {
    expect(periodLabel(period, NOW)).toBe(expected);
  });
});

describe('usd', () => {
  it.each([
    [9612.34, '$9,612.34'],
    [10000, '$10,000.00'],
    [0.5, '$0.50'],
    [12345678.9, '$12,345,678.90'],
  ])('%s -> %s', (amount, expected) => {
    expect(usd(amount)).toBe(expected);
  });
});

describe('renderDigest', () => {
  const project = {
    id: 'fraud-detection',
    name: 'Card fraud detection',
    budgetName: 'ml-fraud-detection',
    autoStop: { mode: 'enforce' as const },
    ...contacts,
  };
  const entry = (name: string, over: Partial<DigestEntry> = {}): DigestEntry => ({
    time: '2026-11-28T10:00:00.000Z',
    kind: 'training-job',
    name,
    arn: arnOf('training-job', name),
    region: 'eu-west-1',
    result: 'done',
    action: 'stop-training-job',
    reason: 'InProgress and not exempt',
    source: 'event',
    ...over,
  });

  it('puts a day of late stops in one email in the report voice', () => {
    // Act
    const { subject, body } = renderDigest(
      project,
      '2026-11-28',
      [
        entry('nightly-1', { hourlyUsd: 1.5 }),
        entry('nightly-2', { source: 'sweep' }),
        entry('keep', {
          result: 'skipped',
          action: 'skip',
          reason: 'exempt: EXC-2026-014 approved by finops@example.com until 2026-12-31 (retrain)',
        }),
      ],
      { auditTableName: 'audit-table' },
    );
    // Assess
    expect(subject).toBe(
      '[ml-guardrails] fraud-detection digest 2026-11-28: 2 stopped after the threshold',
    );
    expect(body).toContain(
      'Auto-stop daily digest for Card fraud detection (fraud-detection), 28 November 2026',
    );
    expect(body).toContain('Stopped or scaled down (2):');
    expect(body).toContain('Estimated saving: about $1.50 per hour (1 of 2 not estimated).');
    expect(body).toContain('Training job keep: exempt: EXC-2026-014');
    expect(body).not.toMatch(API_NAMES);
  });

  it('gives dry-run projects the same digest of what would have been stopped', () => {
    const { subject, body } = renderDigest(
      { ...project, autoStop: { mode: 'dry-run' } },
      '2026-11-28',
      [entry('nightly-1', { result: 'would-do' })],
    );
    expect(subject).toBe(
      '[ml-guardrails] fraud-detection digest 2026-11-28: 1 would have been stopped (dry-run)',
    );
    expect(body).toContain(
      'Would have been stopped (dry-run: left running) (1):\n  - Training job nightly-1; saving not estimated',
    );
  });
});
