import { describe, expect, it } from 'vitest';
import {
  changeActionOf,
  changesOf,
  runChangeDetail,
} from '../../../lambdas/auto-stop/change-events';
import { emptyRun, type RunReport } from '../../../lambdas/auto-stop/run-report';
import type { Outcome } from '../../../lambdas/auto-stop/types';

const outcome = (name: string, action: string, result: Outcome['result']): Outcome => ({
  resourceArn: `arn:aws:sagemaker:eu-west-1:111122223333:x/${name}`,
  kind: action.includes('endpoint') || action.includes('zero') ? 'endpoint' : 'training-job',
  name,
  priorState: 'InProgress',
  action,
  result,
  reason: 'over budget',
});

describe('auto-stop change events', () => {
  it.each([
    ['stop-training-job', 'stopped'],
    ['stop-notebook-instance', 'stopped'],
    ['stop-hyperparameter-tuning-job', 'stopped'],
    ['park-endpoint', 'parked'],
    ['scale-async-to-zero', 'scaled-to-zero'],
    ['scale-inference-components-to-zero', 'scaled-to-zero'],
  ])('maps the decision action %s to %s', (action, expected) => {
    expect(changeActionOf(action)).toBe(expected);
  });

  it.each([['already-done'], ['would-do'], ['skipped'], ['reported'], ['failed']] as const)(
    'counts a %s outcome as no change',
    (result) => {
      expect(changesOf([outcome('a', 'stop-training-job', result)])).toEqual([]);
    },
  );

  it('summarises a run with stops and parks, and sends nothing for a run without a project', () => {
    // Prepare
    const report: RunReport = {
      ...emptyRun(),
      notificationId: 'msg-1',
      project: {
        id: 'fraud-detection',
        name: 'Fraud detection',
        budgetName: 'ml-fraud-detection',
        exemptionTag: 'ml-guardrails:exempt',
      },
      mode: 'enforce',
      proceed: true,
      decision: 'spend confirmed',
      outcomes: [
        outcome('a', 'stop-training-job', 'done'),
        outcome('ep', 'park-endpoint', 'done'),
        outcome('b', 'stop-training-job', 'already-done'),
      ],
    };
    // Act
    const detail = runChangeDetail(report);
    const none = runChangeDetail({ ...report, project: undefined });
    // Assess
    expect(detail).toMatchObject({
      project: 'fraud-detection',
      counts: { stopped: 1, parked: 1 },
      total: 2,
      mode: 'enforce',
      reason: 'spend confirmed',
    });
    expect(none).toBeUndefined();
  });
});
