/**
 * Shapes shared by the tag audit: what discovery reads from SageMaker and the tagging API, and
 * what the pure evaluation returns. The Lambda (periodic Config rule) and the CLI use the same.
 */

/**
 * SageMaker resource kinds that AWS Config does not record, so no managed rule can check their
 * tags (AWS Config Developer Guide, "Supported Resource Types"; awslabs/aws-config-resource-schema has no
 * `AWS::SageMaker::TrainingJob`, `ProcessingJob`, `TransformJob`, `HyperParameterTuningJob`,
 * `Endpoint` or `InferenceComponent` schema, only NotebookInstance, Model, EndpointConfig, Domain...).
 */
export const AUDITED_KINDS = [
  'training-job',
  'processing-job',
  'transform-job',
  'hyper-parameter-tuning-job',
  'endpoint',
  'inference-component',
] as const;
export type AuditedKind = (typeof AUDITED_KINDS)[number];

/** Kinds whose listing can be limited by creation time (`CreationTimeAfter`); endpoints cannot. */
export const JOB_KINDS: readonly AuditedKind[] = [
  'training-job',
  'processing-job',
  'transform-job',
  'hyper-parameter-tuning-job',
];

/** A resource as the SageMaker List* calls report it: it exists now. */
export interface LiveResource {
  readonly arn: string;
  readonly kind: AuditedKind;
  readonly name: string;
  readonly status: string;
  readonly createdAt?: Date;
}

/** A resource as the tagging API reports it: tagged now or in the recent past (may be deleted). */
export interface TaggedResource {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A required tag as the policy states it. */
export interface TagRequirement {
  readonly key: string;
  readonly allowedValues?: readonly string[];
}

export type Compliance = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

/** The verdict on one resource. */
export interface Verdict {
  readonly arn: string;
  readonly kind: AuditedKind;
  readonly name: string;
  readonly compliance: Compliance;
  /** Required keys that are absent or empty. */
  readonly missing: readonly string[];
  /** Keys whose value is not among the allowed values. */
  readonly invalid: readonly { readonly key: string; readonly value: string }[];
  /** Why (for NOT_APPLICABLE) or what is wrong (NON_COMPLIANT), one line. */
  readonly reason: string;
  /** Project id from the project tag, if the resource has one that the policy knows. */
  readonly project?: string;
  /** Team that is told about this resource. */
  readonly ownerTeam: string;
  readonly tags: Readonly<Record<string, string>>;
}
