import { describe, expect, it } from 'vitest';
import {
  eventTags,
  normaliseStatus,
  parseStateChange,
  STATE_CHANGE_TYPES,
} from '../../../../lambdas/auto-stop/period-guard/event';

const base = (detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: 'e-1',
  'detail-type': detailType,
  source: 'aws.sagemaker',
  account: '111122223333',
  time: '2026-11-29T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

describe('parseStateChange', () => {
  // Field names from the SageMaker Developer Guide examples ("Events that Amazon SageMaker AI
  // sends to Amazon EventBridge"); the notebook fields follow DescribeNotebookInstance.
  it.each([
    [
      'SageMaker Training Job State Change',
      {
        TrainingJobName: 'j',
        TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/j',
        TrainingJobStatus: 'InProgress',
      },
      'training-job',
      'InProgress',
    ],
    [
      'SageMaker Processing Job State Change',
      {
        ProcessingJobName: 'p',
        ProcessingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:processing-job/p',
        ProcessingJobStatus: 'InProgress',
      },
      'processing-job',
      'InProgress',
    ],
    [
      'SageMaker Transform Job State Change',
      {
        TransformJobName: 't',
        TransformJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:transform-job/t',
        TransformJobStatus: 'InProgress',
      },
      'transform-job',
      'InProgress',
    ],
    [
      'SageMaker HyperParameter Tuning Job State Change',
      {
        HyperParameterTuningJobName: 'h',
        HyperParameterTuningJobArn:
          'arn:aws:sagemaker:eu-west-1:111122223333:hyper-parameter-tuning-job/h',
        HyperParameterTuningJobStatus: 'InProgress',
      },
      'hyperparameter-tuning-job',
      'InProgress',
    ],
    [
      'SageMaker Notebook Instance State Change',
      {
        NotebookInstanceName: 'n',
        NotebookInstanceArn: 'arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/n',
        NotebookInstanceStatus: 'InService',
      },
      'notebook-instance',
      'InService',
    ],
    [
      'SageMaker Endpoint State Change',
      {
        EndpointName: 'e',
        EndpointArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/e',
        EndpointStatus: 'IN_SERVICE',
      },
      'endpoint',
      'InService',
    ],
  ])('%s -> %s %s', (detailType, detail, kind, status) => {
    const parsed = parseStateChange(base(detailType, detail));
    expect(parsed).toMatchObject({
      ok: true,
      change: { kind, status, region: 'eu-west-1', account: '111122223333', eventId: 'e-1' },
    });
  });

  it('covers each watched detail type once', () => {
    expect(new Set(STATE_CHANGE_TYPES.map((t) => t.detailType)).size).toBe(6);
  });

  it.each([
    ['not an object', 'text', /not an object/],
    [
      'another source',
      { ...base('SageMaker Training Job State Change', {}), source: 'aws.ec2' },
      /aws\.ec2/,
    ],
    ['an unwatched detail type', base('SageMaker Model State Change', {}), /not watched/],
    [
      'a finished job',
      base('SageMaker Training Job State Change', {
        TrainingJobName: 'j',
        TrainingJobStatus: 'Completed',
      }),
      /not a running status/,
    ],
    [
      'no status',
      base('SageMaker Training Job State Change', { TrainingJobName: 'j' }),
      /TrainingJobStatus is missing/,
    ],
    [
      'no ARN',
      base('SageMaker Training Job State Change', { TrainingJobStatus: 'InProgress' }),
      /no resource ARN/,
    ],
  ])('rejects %s with the reason', (_name, event, reason) => {
    const parsed = parseStateChange(event);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it('takes the ARN from resources when the detail has none', () => {
    const arn = 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/j';
    const parsed = parseStateChange({
      ...base('SageMaker Training Job State Change', {
        TrainingJobName: 'j',
        TrainingJobStatus: 'InProgress',
      }),
      resources: [arn],
    });
    expect(parsed.ok && parsed.change.arn).toBe(arn);
  });
});

describe('eventTags', () => {
  it.each([
    ['an object', { Project: 'p' }, { Project: 'p' }],
    ['Key/Value pairs', [{ Key: 'Project', Value: 'p' }], { Project: 'p' }],
    ['key/value pairs', [{ key: 'Project', value: 'p' }], { Project: 'p' }],
    ['an empty object (the documented examples): read the tags', {}, undefined],
    ['nothing', undefined, undefined],
  ])('%s', (_name, input, expected) => {
    expect(eventTags(input)).toEqual(expected);
  });
});

describe('normaliseStatus', () => {
  it.each([
    ['IN_SERVICE', 'InService'],
    ['InService', 'InService'],
    ['InProgress', 'InProgress'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseStatus(input)).toBe(expected);
  });
});
