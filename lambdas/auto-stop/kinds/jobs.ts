/**
 * Kind handlers for SageMaker training, processing, transform and hyperparameter-tuning jobs:
 * discovered through their `InProgress` listings joined with the project's tagged ARNs, stopped
 * with the matching Stop* call.
 */
import {
  ListHyperParameterTuningJobsCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  StopHyperParameterTuningJobCommand,
  StopProcessingJobCommand,
  StopTrainingJobCommand,
  StopTransformJobCommand,
} from '@aws-sdk/client-sagemaker';
import { type StopSpec, sageMakerStopHandler } from './sagemaker-stop';

/** `MaxResults` of SageMaker List* calls is at most 100 (default 10: far more pages). */
export const LIST_PAGE_SIZE = 100;

export const trainingJobSpec: StopSpec = {
  kind: 'training-job',
  taggingType: 'sagemaker:training-job',
  runningStatus: 'InProgress',
  action: 'stop-training-job',
  listIamAction: 'sagemaker:ListTrainingJobs',
  stopIamAction: 'sagemaker:StopTrainingJob',
  async listPage(client, token) {
    const page = await client.send(
      new ListTrainingJobsCommand({
        StatusEquals: 'InProgress',
        MaxResults: LIST_PAGE_SIZE,
        NextToken: token,
      }),
    );
    return {
      items: (page.TrainingJobSummaries ?? []).map((j) => ({
        name: j.TrainingJobName ?? '',
        arn: j.TrainingJobArn ?? '',
        status: j.TrainingJobStatus ?? 'Unknown',
      })),
      nextToken: page.NextToken,
    };
  },
  stop: (client, name) => client.send(new StopTrainingJobCommand({ TrainingJobName: name })),
};

export const processingJobSpec: StopSpec = {
  kind: 'processing-job',
  taggingType: 'sagemaker:processing-job',
  runningStatus: 'InProgress',
  action: 'stop-processing-job',
  listIamAction: 'sagemaker:ListProcessingJobs',
  stopIamAction: 'sagemaker:StopProcessingJob',
  async listPage(client, token) {
    const page = await client.send(
      new ListProcessingJobsCommand({
        StatusEquals: 'InProgress',
        MaxResults: LIST_PAGE_SIZE,
        NextToken: token,
      }),
    );
    return {
      items: (page.ProcessingJobSummaries ?? []).map((j) => ({
        name: j.ProcessingJobName ?? '',
        arn: j.ProcessingJobArn ?? '',
        status: j.ProcessingJobStatus ?? 'Unknown',
      })),
      nextToken: page.NextToken,
    };
  },
  stop: (client, name) => client.send(new StopProcessingJobCommand({ ProcessingJobName: name })),
};

export const transformJobSpec: StopSpec = {
  kind: 'transform-job',
  taggingType: 'sagemaker:transform-job',
  runningStatus: 'InProgress',
  // StopTransformJob discards the output written so far (DOMAIN-NOTES "SageMaker").
  action: 'stop-transform-job',
  listIamAction: 'sagemaker:ListTransformJobs',
  stopIamAction: 'sagemaker:StopTransformJob',
  async listPage(client, token) {
    const page = await client.send(
      new ListTransformJobsCommand({
        StatusEquals: 'InProgress',
        MaxResults: LIST_PAGE_SIZE,
        NextToken: token,
      }),
    );
    return {
      items: (page.TransformJobSummaries ?? []).map((j) => ({
        name: j.TransformJobName ?? '',
        arn: j.TransformJobArn ?? '',
        status: j.TransformJobStatus ?? 'Unknown',
      })),
      nextToken: page.NextToken,
    };
  },
  stop: (client, name) => client.send(new StopTransformJobCommand({ TransformJobName: name })),
};

export const tuningJobSpec: StopSpec = {
  kind: 'hyperparameter-tuning-job',
  taggingType: 'sagemaker:hyper-parameter-tuning-job',
  runningStatus: 'InProgress',
  // Also stops the tuning job's training jobs (DOMAIN-NOTES "SageMaker").
  action: 'stop-hyperparameter-tuning-job',
  listIamAction: 'sagemaker:ListHyperParameterTuningJobs',
  stopIamAction: 'sagemaker:StopHyperParameterTuningJob',
  async listPage(client, token) {
    const page = await client.send(
      new ListHyperParameterTuningJobsCommand({
        StatusEquals: 'InProgress',
        MaxResults: LIST_PAGE_SIZE,
        NextToken: token,
      }),
    );
    return {
      items: (page.HyperParameterTuningJobSummaries ?? []).map((j) => ({
        name: j.HyperParameterTuningJobName ?? '',
        arn: j.HyperParameterTuningJobArn ?? '',
        status: j.HyperParameterTuningJobStatus ?? 'Unknown',
      })),
      nextToken: page.NextToken,
    };
  },
  stop: (client, name) =>
    client.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })),
};

export const JOB_SPECS: readonly StopSpec[] = [
  trainingJobSpec,
  processingJobSpec,
  transformJobSpec,
  tuningJobSpec,
];

/** One handler per job kind. */
export const jobHandlers = JOB_SPECS.map(sageMakerStopHandler);
