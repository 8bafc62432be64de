import {
  SageMakerClient,
  StopHyperParameterTuningJobCommand,
  StopNotebookInstanceCommand,
  StopProcessingJobCommand,
  StopTrainingJobCommand,
  StopTransformJobCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { stopResource } from '../../../lambdas/auto-stop/stop';
import type { ResourceKind } from '../../../lib/config/schema';
import { awsError, resource } from '../../helpers/auto-stop';

const sagemaker = mockClient(SageMakerClient);
const client = new SageMakerClient({});
const act = (kind: ResourceKind = 'training-job', action = 'stop-training-job') => ({
  type: 'act' as const,
  resource: resource({ kind, name: 'job-1' }),
  action,
  reason: 'InProgress and not exempt',
});

afterEach(() => {
  sagemaker.reset();
});

describe('stopResource', () => {
  it.each([
    ['training-job', StopTrainingJobCommand, { TrainingJobName: 'job-1' }],
    ['processing-job', StopProcessingJobCommand, { ProcessingJobName: 'job-1' }],
    ['transform-job', StopTransformJobCommand, { TransformJobName: 'job-1' }],
    [
      'hyperparameter-tuning-job',
      StopHyperParameterTuningJobCommand,
      { HyperParameterTuningJobName: 'job-1' },
    ],
    ['notebook-instance', StopNotebookInstanceCommand, { NotebookInstanceName: 'job-1' }],
  ] as const)('stops a %s by name with its own call', async (kind, command, input) => {
    sagemaker.on(command as typeof StopTrainingJobCommand).resolves({});
    const outcome = await stopResource(client, act(kind));
    expect(outcome.result).toBe('done');
    expect(sagemaker).toHaveReceivedCommandWith(
      command as typeof StopTrainingJobCommand,
      input as never,
    );
  });

  it.each([
    [
      'ValidationException on a stopped job (SageMaker API Reference: the job is in status Stopped)',
      awsError(
        'ValidationException',
        'The request was rejected because the training job is in status Stopped.',
      ),
    ],
    [
      'ValidationException on a completed job',
      awsError(
        'ValidationException',
        'Training job job-1 is in status Completed and cannot be stopped',
      ),
    ],
    ['ResourceNotFound', awsError('ResourceNotFound', 'Requested resource not found')],
  ])('counts %s as already-done', async (_name, error) => {
    sagemaker.on(StopTrainingJobCommand).rejects(error);
    expect((await stopResource(client, act())).result).toBe('already-done');
  });

  it('reports other errors as failed with the error name, not retryable', async () => {
    sagemaker
      .on(StopTrainingJobCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized'));
    expect(await stopResource(client, act())).toMatchObject({
      result: 'failed',
      error: 'AccessDeniedException: not authorized',
      retryable: false,
    });
  });

  it('marks throttling as retryable by its error type, not its message', async () => {
    sagemaker.on(StopTrainingJobCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect(await stopResource(client, act())).toMatchObject({ result: 'failed', retryable: true });
  });
});
