/**
 * Fake SageMaker, tagging API, Config and SNS data for the tag-audit benchmark: a deterministic
 * account with N live resources across the audited kinds (most tagged, some missing or invalid
 * tags, some untagged) plus deleted resources the tagging API still returns.
 */
import { KIND_SPECS } from '../../lambdas/shared/sagemaker-kinds';
import type { AuditedKind } from '../../lambdas/tag-compliance/types';
import { AwsError, type AwsStandin } from './server';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const arnOf = (kind: AuditedKind, name: string) =>
  `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${KIND_SPECS[kind].taggingType.split(':')[1]}/${name}`;

/** Share of each kind among the live resources. */
const MIX: readonly [AuditedKind, number][] = [
  ['training-job', 0.4],
  ['processing-job', 0.2],
  ['transform-job', 0.15],
  ['hyperparameter-tuning-job', 0.05],
  ['endpoint', 0.15],
  ['inference-component', 0.05],
];

const PROJECTS = [
  { id: 'fraud-detection', costCenter: 'CC-1100-RISK', team: 'ml-engineering' },
  { id: 'real-time-bidding', costCenter: 'CC-2200-ADS', team: 'ml-engineering' },
  { id: 'churn-prediction', costCenter: 'CC-3300-CRM', team: 'data-science' },
];

interface FakeResource {
  readonly kind: AuditedKind;
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  /** undefined: untagged (the tagging API never returns it). */
  readonly tags?: Record<string, string>;
}

export interface TagAuditDataset {
  readonly live: FakeResource[];
  /** Deleted resources the tagging API still returns. */
  readonly stale: FakeResource[];
  /** ARNs the rule reported in its previous run (steady state): all live ones plus vanished ones. */
  readonly previouslyEvaluated: string[];
  /** What the evaluator should find. */
  readonly expected: { compliant: number; nonCompliant: number; notApplicable: number };
}

/** A deterministic account: 70 % compliant, 15 % missing tags, 5 % invalid value, 10 % untagged. */
export function buildDataset(
  size: number,
  staleCount = Math.round(size / 50),
  vanishedCount = Math.round(size / 100),
): TagAuditDataset {
  const live: FakeResource[] = [];
  const expected = { compliant: 0, nonCompliant: 0, notApplicable: staleCount + vanishedCount };
  let i = 0;
  for (const [kind, share] of MIX) {
    const count = kind === 'inference-component' ? size - live.length : Math.round(size * share);
    for (let k = 0; k < count; k++, i++) {
      const project = PROJECTS[i % PROJECTS.length] ?? PROJECTS[0];
      const full: Record<string, string> = {
        Environment: 'prod',
        Project: project?.id ?? '',
        CostCenter: project?.costCenter ?? '',
        Team: project?.team ?? '',
        ModelName: 'none',
        ManagedBy: 'sagemaker-pipelines',
        CreatedBy: 'pipeline',
      };
      const bucket = i % 20;
      let tags: Record<string, string> | undefined;
      if (bucket < 14) tags = full;
      else if (bucket < 17) {
        const { CostCenter: _c, CreatedBy: _b, ...rest } = full;
        tags = rest;
      } else if (bucket < 18) tags = { ...full, Environment: 'qa' };
      else tags = undefined;
      if (bucket < 14) expected.compliant++;
      else expected.nonCompliant++;
      const name = `${kind}-${k}`;
      const status =
        kind === 'endpoint' || kind === 'inference-component' ? 'InService' : 'Completed';
      live.push({ kind, name, arn: arnOf(kind, name), status, tags });
    }
  }
  const stale = Array.from({ length: staleCount }, (_, k) => {
    const name = `deleted-endpoint-${k}`;
    return {
      kind: 'endpoint' as const,
      name,
      arn: arnOf('endpoint', name),
      status: 'Deleted',
      tags: { Project: 'fraud-detection' },
    };
  });
  // Deleted long enough ago that even the tagging API has forgotten them; only Config remembers.
  const vanished = Array.from({ length: vanishedCount }, (_, k) =>
    arnOf('processing-job', `vanished-${k}`),
  );
  return { live, stale, previouslyEvaluated: [...live.map((r) => r.arn), ...vanished], expected };
}

const LIST_OPS: Record<AuditedKind, { op: string; field: string; prefix: string }> = {
  'training-job': { op: 'ListTrainingJobs', field: 'TrainingJobSummaries', prefix: 'TrainingJob' },
  'processing-job': {
    op: 'ListProcessingJobs',
    field: 'ProcessingJobSummaries',
    prefix: 'ProcessingJob',
  },
  'transform-job': {
    op: 'ListTransformJobs',
    field: 'TransformJobSummaries',
    prefix: 'TransformJob',
  },
  'hyperparameter-tuning-job': {
    op: 'ListHyperParameterTuningJobs',
    field: 'HyperParameterTuningJobSummaries',
    prefix: 'HyperParameterTuningJob',
  },
  endpoint: { op: 'ListEndpoints', field: 'Endpoints', prefix: 'Endpoint' },
  'inference-component': {
    op: 'ListInferenceComponents',
    field: 'InferenceComponents',
    prefix: 'InferenceComponent',
  },
};

/** Offset-based page tokens; every 5th page is empty but carries a token, as filtered lists do. */
function page<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  max: number,
  sizeKey: string,
) {
  const size = Math.min(Number(input[sizeKey] ?? 10), max);
  const token =
    typeof input.NextToken === 'string'
      ? input.NextToken
      : (input.PaginationToken as string | undefined);
  const [offsetText, emptyFlag] = (token || '0').split(':');
  const offset = Number(offsetText);
  if (!Number.isInteger(offset) || offset < 0)
    throw new AwsError('ValidationException', 'bad token');
  const pageNo = offset / size;
  if (emptyFlag === undefined && pageNo > 0 && pageNo % 5 === 0)
    return { items: [] as T[], next: `${offset}:empty-served` };
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? String(offset + size) : undefined;
  return { items: slice, next };
}

export interface TagAuditCounters {
  evaluations: number;
  largestPutEvaluations: number;
  published: { team: string; bytes: number }[];
  resultTokens: Set<string>;
}

/** Register the fake handlers on a stand-in. */
export function registerTagAudit(standin: AwsStandin, data: TagAuditDataset): TagAuditCounters {
  const counters: TagAuditCounters = {
    evaluations: 0,
    largestPutEvaluations: 0,
    published: [],
    resultTokens: new Set(),
  };
  const created = Date.parse('2026-01-01T00:00:00Z') / 1000;
  for (const [kind, { op, field, prefix }] of Object.entries(LIST_OPS)) {
    const items = data.live.filter((r) => r.kind === kind);
    standin.on(`SageMaker.${op}`, (input) => {
      const { items: slice, next } = page(items, input, 100, 'MaxResults');
      return {
        [field]: slice.map((r) => ({
          [`${prefix}Name`]: r.name,
          [`${prefix}Arn`]: r.arn,
          [`${prefix}Status`]: r.status,
          CreationTime: created,
          LastModifiedTime: created,
          ...(kind === 'inference-component'
            ? { EndpointName: 'e', EndpointArn: arnOf('endpoint', 'e'), VariantName: 'v' }
            : {}),
          ...(kind === 'hyperparameter-tuning-job'
            ? {
                Strategy: 'Bayesian',
                TrainingJobStatusCounters: {},
                ObjectiveStatusCounters: {},
              }
            : {}),
        })),
        ...(next ? { NextToken: next } : {}),
      };
    });
  }
  standin.on('SageMaker.ListTags', () => ({ Tags: [] }));

  const tagged = [...data.live, ...data.stale].filter((r) => r.tags !== undefined);
  standin.on('ResourceGroupsTaggingAPI_20170126.GetResources', (input) => {
    const filters = (input.ResourceTypeFilters as string[] | undefined) ?? [];
    const wanted = tagged.filter(
      (r) => filters.length === 0 || filters.includes(KIND_SPECS[r.kind].taggingType),
    );
    const { items, next } = page(wanted, input, 100, 'ResourcesPerPage');
    return {
      ResourceTagMappingList: items.map((r) => ({
        ResourceARN: r.arn,
        Tags: Object.entries(r.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      })),
      PaginationToken: next ?? '',
    };
  });

  standin.on('StarlingDoveService.GetComplianceDetailsByConfigRule', (input) => {
    const { items, next } = page(data.previouslyEvaluated, input, 100, 'Limit');
    return {
      EvaluationResults: items.map((arn) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: {
            ConfigRuleName: input.ConfigRuleName,
            ResourceType: 'AWS::::Account',
            ResourceId: arn,
          },
        },
        ComplianceType: 'NON_COMPLIANT',
      })),
      ...(next ? { NextToken: next } : {}),
    };
  });
  standin.on('StarlingDoveService.PutEvaluations', (input) => {
    const evaluations = (input.Evaluations as unknown[] | undefined) ?? [];
    // API_PutEvaluations: at most 100 evaluations per call.
    if (evaluations.length > 100)
      throw new AwsError('ValidationException', `${evaluations.length} evaluations, at most 100`);
    if (typeof input.ResultToken !== 'string' || input.ResultToken === '')
      throw new AwsError('InvalidResultTokenException', 'missing ResultToken');
    counters.resultTokens.add(input.ResultToken);
    counters.evaluations += evaluations.length;
    counters.largestPutEvaluations = Math.max(counters.largestPutEvaluations, evaluations.length);
    return { FailedEvaluations: [] };
  });

  standin.on('Publish', (input) => {
    counters.published.push({
      team: String(input['MessageAttributes.entry.1.Value.StringValue'] ?? '?'),
      bytes: Buffer.byteLength(String(input.Message ?? '')),
    });
    return `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${counters.published.length}</MessageId></PublishResult><ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata></PublishResponse>`;
  });
  return counters;
}
