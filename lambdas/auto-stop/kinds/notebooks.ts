/**
 * Kind handler for SageMaker notebook instances: `InService` ones are stopped (their EBS volume
 * is still billed, which the report says; DOMAIN-NOTES "SageMaker").
 */
import {
  ListNotebookInstancesCommand,
  StopNotebookInstanceCommand,
} from '@aws-sdk/client-sagemaker';
import { LIST_PAGE_SIZE } from './jobs';
import { type StopSpec, sageMakerStopHandler } from './sagemaker-stop';

export const notebookSpec: StopSpec = {
  kind: 'notebook-instance',
  taggingType: 'sagemaker:notebook-instance',
  runningStatus: 'InService',
  action: 'stop-notebook-instance',
  listIamAction: 'sagemaker:ListNotebookInstances',
  stopIamAction: 'sagemaker:StopNotebookInstance',
  async listPage(client, token) {
    const page = await client.send(
      new ListNotebookInstancesCommand({
        StatusEquals: 'InService',
        MaxResults: LIST_PAGE_SIZE,
        NextToken: token,
      }),
    );
    return {
      items: (page.NotebookInstances ?? []).map((n) => ({
        name: n.NotebookInstanceName ?? '',
        arn: n.NotebookInstanceArn ?? '',
        status: n.NotebookInstanceStatus ?? 'Unknown',
      })),
      nextToken: page.NextToken,
    };
  },
  stop: (client, name) =>
    client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: name })),
};

export const notebookHandler = sageMakerStopHandler(notebookSpec);
