import { describe, expect, it } from 'vitest';
import {
  checkRunbooks,
  RUNBOOK_SECTIONS,
  RunbookInputError,
  renderRunbook,
} from '../../lib/contracts/runbook';
import { examplePolicy } from './helpers';

const allModels = () => examplePolicy().projects.flatMap((p) => p.models.map((m) => m.name));

describe('renderRunbook', () => {
  it("follows the chapter's structure: trigger, diagnosis, mitigation, escalation, post-incident", () => {
    // Act
    const md = renderRunbook(examplePolicy(), 'churn_prediction');
    // Assess
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings.map((h) => h.slice(3))).toEqual([
      'Trigger',
      'Quick diagnosis (< 5 minutes)',
      'Mitigation options',
      'Escalation',
      'Post-incident',
    ]);
  });

  it('takes the trigger from the SLA in the unit SageMaker reports ModelLatency in', () => {
    expect(renderRunbook(examplePolicy(), 'churn_prediction')).toContain(
      '`ModelLatency` p99 of churn-<suffix> above 1000 ms (1000000 µs: SageMaker reports ModelLatency in microseconds) for 5 minutes',
    );
  });

  it('diagnoses with AWS CLI commands for the endpoint: traffic, utilisation, autoscaling, deployments, rollback', () => {
    // Act
    const md = renderRunbook(examplePolicy(), 'churn_prediction');
    // Assess
    for (const command of [
      'aws cloudwatch get-metric-statistics --namespace AWS/SageMaker --metric-name Invocations',
      '--namespace /aws/sagemaker/Endpoints',
      'GPUUtilization',
      'aws application-autoscaling describe-scalable-targets --service-namespace sagemaker',
      '--resource-ids endpoint/churn-<suffix>/variant/AllTraffic',
      '--scalable-dimension sagemaker:variant:DesiredInstanceCount',
      'aws sagemaker update-endpoint-weights-and-capacities --endpoint-name churn-<suffix>',
      'aws sagemaker describe-endpoint --endpoint-name churn-<suffix>',
      'aws sagemaker update-endpoint --endpoint-name churn-<suffix> --endpoint-config-name <previous-config>',
    ])
      expect(md).toContain(command);
    expect(md).toContain('### Option A: degraded mode');
    expect(md).toContain('### Option B: shed load');
  });

  it.each([
    // Revenue-critical models are paged by their own team, whoever is Accountable.
    [
      'fraud_detection',
      'endpoint-latency',
      'Revenue-critical models on-call',
      ['| 0 min | Revenue models primary on-call |'],
    ],
    // Latency is the ML engineer's (A): the ML Engineering chain with its three levels.
    [
      'churn_prediction',
      'endpoint-latency',
      'ML Engineering',
      ['| 0 min | Model owner |', '| 60 min | ML lead |', '| 120 min | Data science director |'],
    ],
    [
      'churn_prediction',
      'cluster-down',
      'Platform Engineering',
      ['| 15 min | Platform lead |', '| 30 min | Engineering director |'],
    ],
  ])('escalates %s / %s through %s with minutes from the policy', (model, incident, team, rows) => {
    // Act
    const md = renderRunbook(examplePolicy(), model, incident);
    // Assess
    expect(md).toContain(`paged team ${team}.`);
    for (const row of rows) expect(md).toContain(row);
  });

  it.each([
    ['an unknown model', 'no_model', 'endpoint-latency', /model "no_model" is not in the policy/],
    [
      'an unknown incident type',
      'churn_prediction',
      'meteor',
      /incident type "meteor" is not in the policy/,
    ],
  ])('rejects %s', (_name, model, incident, message) => {
    expect(() => renderRunbook(examplePolicy(), model, incident)).toThrow(RunbookInputError);
    expect(() => renderRunbook(examplePolicy(), model, incident)).toThrow(message);
  });
});

describe('checkRunbooks', () => {
  const complete = () =>
    allModels().map((m) => ({
      name: `${m}--endpoint-latency.md`,
      text: renderRunbook(examplePolicy(), m),
    }));

  it('accepts a runbook per model with every section', () => {
    expect(checkRunbooks(examplePolicy(), complete())).toEqual([]);
  });

  it('names a model without a runbook', () => {
    // Prepare
    const files = complete().filter((f) => !f.name.startsWith('dynamic_pricing'));
    // Act / Assess
    expect(checkRunbooks(examplePolicy(), files)).toEqual([
      {
        model: 'dynamic_pricing',
        message:
          'model dynamic_pricing has no runbook (guardrails runbook init --model dynamic_pricing)',
      },
    ]);
  });

  it.each(RUNBOOK_SECTIONS.map((s) => [s]))(
    'names a runbook without its "%s" section',
    (section) => {
      // Prepare
      const [first, ...rest] = complete();
      const broken = {
        name: first?.name ?? '',
        text: (first?.text ?? '').replace(
          new RegExp(`^## ${section.replace(/[()]/g, '\\$&')}.*$`, 'm'),
          '',
        ),
      };
      // Act / Assess
      expect(checkRunbooks(examplePolicy(), [broken, ...rest])).toEqual([
        { file: broken.name, message: `${broken.name} has no "## ${section}" section` },
      ]);
    },
  );
});
