import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../lambdas/auto-stop/report';
import type { RunReport } from '../../../lambdas/auto-stop/run-report';
import type { Outcome } from '../../../lambdas/auto-stop/types';
import { arnOf } from './fakes';

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

const report = (over: Partial<RunReport> = {}): RunReport => ({
  notificationId: 'msg-1',
  project: {
    id: 'fraud-detection',
    name: 'Card fraud detection',
    budgetName: 'ml-fraud-detection',
    exemptionTag: 'ml-guardrails:exempt',
  },
  mode: 'enforce',
  executed: true,
  proceed: true,
  decision: 'ACTUAL spend crossed 95 %',
  unhandledKinds: [],
  tagged: 0,
  discovery: [],
  decisions: [],
  outcomes: [],
  queued: 0,
  queuedNames: [],
  ...over,
});

describe('renderReport', () => {
  it.each([
    [
      'counts stops and failures in the subject',
      report({
        outcomes: [
          outcome('a', 'done'),
          outcome('b', 'failed', { error: 'AccessDeniedException: no' }),
        ],
      }),
      '[ml-guardrails] Auto-stop fraud-detection: 1 stopped, 1 failed',
    ],
    [
      'counts queued stops as stopped',
      report({ outcomes: [outcome('a', 'done')], queued: 3, queuedNames: ['x', 'y', 'z'] }),
      '[ml-guardrails] Auto-stop fraud-detection: 4 stopped',
    ],
    [
      'says "would stop" in dry-run',
      report({ mode: 'dry-run', executed: false, outcomes: [outcome('a', 'would-do')] }),
      '[ml-guardrails] Auto-stop fraud-detection: 1 would stop',
    ],
    [
      'says "no action" when the spend was not confirmed',
      report({ proceed: false }),
      '[ml-guardrails] Auto-stop fraud-detection: no action',
    ],
  ])('%s', (_name, input, subject) => {
    expect(renderReport(input).subject).toBe(subject);
  });

  it('lists failures with their error, skips with their reason, and how to override and restore', () => {
    // Prepare
    const input = report({
      outcomes: [
        outcome('a', 'failed', { error: 'AccessDeniedException: no' }),
        outcome('b', 'skipped', {
          action: 'skip',
          reason: 'exempt: tagged ml-guardrails:exempt=demo',
        }),
      ],
      unhandledKinds: ['endpoint'],
    });
    // Act
    const { body } = renderReport(input, { auditTableName: 'audit' });
    // Assess
    expect(body).toContain(
      'FAILED (still running: act on these) (1):\n  - training-job a (was InProgress): AccessDeniedException: no',
    );
    expect(body).toContain(
      'Skipped (1):\n  - training-job b (was InProgress): exempt: tagged ml-guardrails:exempt=demo',
    );
    expect(body).toContain('Not covered by this build: endpoint.');
    expect(body).toContain('Exempt a resource: tag it ml-guardrails:exempt');
    expect(body).toContain('start-notebook-instance');
    expect(body).toContain('Audit: DynamoDB table audit, pk PROJECT#fraud-detection');
  });

  it('lists at most 50 lines per section and points to the audit table for the rest', () => {
    const many = Array.from({ length: 120 }, (_, i) => outcome(`j${i}`, 'done'));
    const { body } = renderReport(report({ outcomes: many }));
    expect(body).toContain('Stopped (120):');
    expect(body).toContain('  ... and 70 more (see the audit table)');
    expect(body.split('\n').filter((l) => l.startsWith('  - training-job'))).toHaveLength(50);
  });

  it('keeps the subject under the 100 characters SNS allows', () => {
    const long = report({
      project: { id: 'p'.repeat(64), name: 'x', budgetName: 'b', exemptionTag: 't' },
    });
    expect(renderReport(long).subject.length).toBeLessThan(100);
  });
});
