/**
 * A fake SageMaker account for the stand-in: jobs and notebooks with tags, status and creation
 * time, the listings (ascending by creation time unless `SortOrder: Descending`, with
 * SageMaker's filter-after-MaxResults paging for `StatusEquals`, so empty pages carry a
 * NextToken), Describe* and Stop* calls, the tagging API (which keeps returning deleted
 * resources; by tag filter or by `ResourceARNList`), Budgets `DescribeBudget`, and just enough
 * DynamoDB, SNS and SQS for the auto-stop functions.
 *
 * Resource kinds are data (`KIND_OPERATIONS`), so another area (endpoints) adds its own
 * operations next to these without changing the model.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { AwsError, type AwsStandin } from './server';

export interface FakeResource {
  readonly arn: string;
  readonly name: string;
  /** Tagging API type, e.g. `sagemaker:training-job`. */
  readonly type: string;
  status: string;
  readonly tags: Record<string, string>;
  /** Deleted: gone from SageMaker, still returned by the tagging API. */
  deleted?: boolean;
  /** Creation time, ms since the epoch. */
  readonly createdAt: number;
}

interface KindOperations {
  readonly type: string;
  readonly list: string;
  readonly stop: string;
  readonly describe: string;
  /** Request field with the name in Stop*, and summary field prefix in List*. */
  readonly field: string;
  readonly summaries: string;
  readonly running: string;
}

/** The listing and stop operations of each stoppable kind. */
export const KIND_OPERATIONS: readonly KindOperations[] = [
  {
    type: 'sagemaker:training-job',
    list: 'ListTrainingJobs',
    describe: 'DescribeTrainingJob',
    stop: 'StopTrainingJob',
    field: 'TrainingJob',
    summaries: 'TrainingJobSummaries',
    running: 'InProgress',
  },
  {
    type: 'sagemaker:processing-job',
    list: 'ListProcessingJobs',
    describe: 'DescribeProcessingJob',
    stop: 'StopProcessingJob',
    field: 'ProcessingJob',
    summaries: 'ProcessingJobSummaries',
    running: 'InProgress',
  },
  {
    type: 'sagemaker:transform-job',
    list: 'ListTransformJobs',
    describe: 'DescribeTransformJob',
    stop: 'StopTransformJob',
    field: 'TransformJob',
    summaries: 'TransformJobSummaries',
    running: 'InProgress',
  },
  {
    type: 'sagemaker:hyper-parameter-tuning-job',
    list: 'ListHyperParameterTuningJobs',
    describe: 'DescribeHyperParameterTuningJob',
    stop: 'StopHyperParameterTuningJob',
    field: 'HyperParameterTuningJob',
    summaries: 'HyperParameterTuningJobSummaries',
    running: 'InProgress',
  },
  {
    type: 'sagemaker:notebook-instance',
    list: 'ListNotebookInstances',
    describe: 'DescribeNotebookInstance',
    stop: 'StopNotebookInstance',
    field: 'NotebookInstance',
    summaries: 'NotebookInstances',
    running: 'InService',
  },
];

export const FAKE_ACCOUNT_ID = '111122223333';

/**
 * Points the auto-stop functions of this process at the stand-in at `url` (the environment they
 * read when their module loads), with `extra` for the function at hand.
 */
export function useStandinEnv(url: string, extra: Record<string, string>): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AUDIT_TABLE_NAME: 'audit',
    REPORT_TOPIC_ARN: `arn:aws:sns:eu-west-1:${FAKE_ACCOUNT_ID}:reports`,
    GUARDRAILS_POLICY_FILE: path.join(__dirname, '..', '..', 'config', 'guardrails.yaml'),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...extra,
  });
}

/** The fake account: add resources, then `register` it on a stand-in. */
export class FakeAccount {
  /** Resources by tagging type, oldest first. */
  readonly byType = new Map<string, FakeResource[]>();
  readonly budgets = new Map<string, { limitUsd: number; actualUsd: number }>();
  readonly auditItems: unknown[] = [];
  readonly published: { subject: string; message: string; project: string | undefined }[] = [];
  /** SQS messages not yet received, by queue URL. */
  readonly queue: { id: string; body: string; receiveCount: number }[] = [];
  /** Stop requests ever sent to the queue (items across messages). */
  enqueuedItems = 0;
  private readonly idempotency = new Map<string, Record<string, unknown>>();

  private readonly byArn = new Map<string, FakeResource>();

  private arnOf(type: string, name: string): string {
    return `arn:aws:sagemaker:eu-west-1:${FAKE_ACCOUNT_ID}:${type.split(':')[1]}/${name}`;
  }

  /** Adds a resource; add them oldest first (`createdAt` defaults to now). */
  add(
    type: string,
    name: string,
    status: string,
    tags: Record<string, string>,
    createdAt = Date.now(),
  ): FakeResource {
    const r: FakeResource = {
      arn: this.arnOf(type, name),
      name,
      type,
      status,
      tags,
      createdAt,
    };
    const list = this.byType.get(type) ?? [];
    list.push(r);
    this.byType.set(type, list);
    this.byArn.set(r.arn, r);
    return r;
  }

  /** Resources matching a predicate, across kinds. */
  all(filter: (r: FakeResource) => boolean = () => true): FakeResource[] {
    return [...this.byType.values()].flat().filter(filter);
  }

  register(standin: AwsStandin): void {
    for (const ops of KIND_OPERATIONS) {
      standin.on(`SageMaker.${ops.list}`, (input) => this.list(ops, input));
      standin.on(`SageMaker.${ops.stop}`, (input) => this.stop(ops, input));
      standin.on(`SageMaker.${ops.describe}`, (input) => this.describe(ops, input));
    }
    standin.on('ResourceGroupsTaggingAPI_20170126.GetResources', (input) =>
      this.getResources(input),
    );
    standin.on('AWSBudgetServiceGateway.DescribeBudget', (input) => {
      const name = String(input.BudgetName);
      const b = this.budgets.get(name);
      if (!b) throw new AwsError('NotFoundException', `budget ${name} not found`);
      return {
        Budget: {
          BudgetName: name,
          BudgetType: 'COST',
          TimeUnit: 'MONTHLY',
          BudgetLimit: { Amount: String(b.limitUsd), Unit: 'USD' },
          CalculatedSpend: { ActualSpend: { Amount: String(b.actualUsd), Unit: 'USD' } },
        },
      };
    });
    this.registerDynamo(standin);
    standin.on('Publish', (input) => {
      this.published.push({
        subject: String(input.Subject ?? ''),
        message: String(input.Message ?? ''),
        project: input['MessageAttributes.entry.1.Value.StringValue'] as string | undefined,
      });
      return `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata></PublishResponse>`;
    });
    standin.on('AmazonSQS.SendMessageBatch', (input) => {
      const entries = (input.Entries ?? []) as { Id: string; MessageBody: string }[];
      return {
        Successful: entries.map((e) => {
          const id = randomUUID();
          this.enqueuedItems +=
            (JSON.parse(e.MessageBody) as { items?: unknown[] }).items?.length ?? 0;
          this.queue.push({ id, body: e.MessageBody, receiveCount: 0 });
          return { Id: e.Id, MessageId: id, MD5OfMessageBody: md5(e.MessageBody) };
        }),
        Failed: [],
      };
    });
  }

  /**
   * SageMaker listing by creation time, ascending unless `SortOrder: Descending`: take MaxResults
   * of all items, then filter by status (empty pages are possible).
   */
  private list(ops: KindOperations, input: Record<string, unknown>) {
    const live = (this.byType.get(ops.type) ?? []).filter((r) => !r.deleted);
    const all = input.SortOrder === 'Descending' ? [...live].reverse() : live;
    const max = Math.min(Number(input.MaxResults ?? 10), 100);
    const offset = Number(input.NextToken ?? 0);
    const page = all.slice(offset, offset + max);
    const filtered = input.StatusEquals
      ? page.filter((r) => r.status === input.StatusEquals)
      : page;
    return {
      [ops.summaries]: filtered.map((r) => ({
        [`${ops.field}Name`]: r.name,
        [`${ops.field}Arn`]: r.arn,
        [`${ops.field}Status`]: r.status,
        CreationTime: r.createdAt / 1000,
      })),
      ...(offset + max < all.length ? { NextToken: String(offset + max) } : {}),
    };
  }

  private stop(ops: KindOperations, input: Record<string, unknown>) {
    const name = String(input[`${ops.field}Name`]);
    const r = this.byArn.get(this.arnOf(ops.type, name));
    if (!r || r.deleted)
      throw new AwsError('ResourceNotFound', `Could not find ${ops.field} ${name}`);
    if (r.status !== ops.running)
      throw new AwsError(
        'ValidationException',
        `The request was rejected because the ${ops.field} is in status ${r.status}.`,
      );
    r.status = 'Stopping';
    return {};
  }

  private describe(ops: KindOperations, input: Record<string, unknown>) {
    const name = String(input[`${ops.field}Name`]);
    const r = this.byArn.get(this.arnOf(ops.type, name));
    if (!r || r.deleted)
      throw new AwsError('ResourceNotFound', `Could not find ${ops.field} ${name}`);
    return {
      [`${ops.field}Name`]: r.name,
      [`${ops.field}Arn`]: r.arn,
      [`${ops.field}Status`]: r.status,
      CreationTime: r.createdAt / 1000,
    };
  }

  /** Tagging API: filters by type and tag, returns deleted resources too (as AWS may, for hours). */
  private getResources(input: Record<string, unknown>) {
    const arnList = input.ResourceARNList as string[] | undefined;
    if (arnList) {
      if (arnList.length > 100)
        throw new AwsError('InvalidParameterException', 'ResourceARNList takes at most 100 ARNs');
      return {
        ResourceTagMappingList: arnList.flatMap((arn) => {
          const r = this.byArn.get(arn);
          return r
            ? [
                {
                  ResourceARN: r.arn,
                  Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
                },
              ]
            : [];
        }),
        PaginationToken: '',
      };
    }
    const types = (input.ResourceTypeFilters ?? []) as string[];
    const filters = (input.TagFilters ?? []) as { Key: string; Values?: string[] }[];
    const matches = this.all(
      (r) =>
        (types.length === 0 || types.includes(r.type)) &&
        filters.every((f) => {
          const v = r.tags[f.Key];
          return v !== undefined && (!f.Values?.length || f.Values.includes(v));
        }),
    );
    const perPage = Math.min(Number(input.ResourcesPerPage ?? 50), 100);
    const offset = Number(input.PaginationToken || 0);
    return {
      ResourceTagMappingList: matches.slice(offset, offset + perPage).map((r) => ({
        ResourceARN: r.arn,
        Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
      })),
      PaginationToken: offset + perPage < matches.length ? String(offset + perPage) : '',
    };
  }

  /** Just the calls the idempotency store and the audit writer make. */
  private registerDynamo(standin: AwsStandin): void {
    const keyOf = (item: unknown) => JSON.stringify((item as { id?: unknown })?.id);
    standin.on('DynamoDB_20120810.PutItem', (input) => {
      // Audit items (pk/sk) are written one by one as stops complete.
      if ((input.Item as { pk?: unknown } | undefined)?.pk !== undefined) {
        this.auditItems.push(input.Item);
        return {};
      }
      const key = keyOf(input.Item);
      if (this.idempotency.has(key))
        throw new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
      this.idempotency.set(key, input.Item as Record<string, unknown>);
      return {};
    });
    standin.on('DynamoDB_20120810.GetItem', (input) => {
      const item = this.idempotency.get(keyOf(input.Key));
      return item ? { Item: item } : {};
    });
    standin.on('DynamoDB_20120810.UpdateItem', () => ({}));
    standin.on('DynamoDB_20120810.DeleteItem', (input) => {
      this.idempotency.delete(keyOf(input.Key));
      return {};
    });
    standin.on('DynamoDB_20120810.BatchWriteItem', (input) => {
      for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>))
        this.auditItems.push(...requests);
      return { UnprocessedItems: {} };
    });
  }
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
