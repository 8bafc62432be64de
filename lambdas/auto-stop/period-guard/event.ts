/**
 * SageMaker state-change events from EventBridge, reduced to what the period guard needs. Pure.
 *
 * Detail types, status fields and examples: "Events that Amazon SageMaker AI sends to Amazon
 * EventBridge" (SageMaker Developer Guide) and "Amazon SageMaker AI events" (EventBridge Events
 * Reference), source `aws.sagemaker`. Two facts shape this module:
 * - endpoint events spell the status `IN_SERVICE` while the API says `InService`, so statuses are
 *   normalised to the API spelling the kind handlers compare with;
 * - `detail.Tags` is an object in the documented examples but absent from the processing-job
 *   example, so a missing or empty `Tags` means "read the tags", never "untagged".
 * SageMaker "may send multiple events to EventBridge for each state change" (same page), so the
 * caller must act idempotently.
 */
import type { ResourceKind } from '../../../lib/config/schema';

/** One watched detail type: where its name, ARN and status are, and the running statuses. */
export interface StateChangeType {
  readonly detailType: string;
  readonly kind: ResourceKind;
  readonly nameField: string;
  readonly arnField: string;
  readonly statusField: string;
  /** Status values (as the event spells them) that mean the resource now costs money. */
  readonly running: readonly string[];
}

export const STATE_CHANGE_TYPES: readonly StateChangeType[] = [
  {
    detailType: 'SageMaker Training Job State Change',
    kind: 'training-job',
    nameField: 'TrainingJobName',
    arnField: 'TrainingJobArn',
    statusField: 'TrainingJobStatus',
    running: ['InProgress'],
  },
  {
    detailType: 'SageMaker Processing Job State Change',
    kind: 'processing-job',
    nameField: 'ProcessingJobName',
    arnField: 'ProcessingJobArn',
    statusField: 'ProcessingJobStatus',
    running: ['InProgress'],
  },
  {
    detailType: 'SageMaker Transform Job State Change',
    kind: 'transform-job',
    nameField: 'TransformJobName',
    arnField: 'TransformJobArn',
    statusField: 'TransformJobStatus',
    running: ['InProgress'],
  },
  {
    detailType: 'SageMaker HyperParameter Tuning Job State Change',
    kind: 'hyperparameter-tuning-job',
    nameField: 'HyperParameterTuningJobName',
    arnField: 'HyperParameterTuningJobArn',
    statusField: 'HyperParameterTuningJobStatus',
    running: ['InProgress'],
  },
  {
    detailType: 'SageMaker Notebook Instance State Change',
    kind: 'notebook-instance',
    nameField: 'NotebookInstanceName',
    arnField: 'NotebookInstanceArn',
    statusField: 'NotebookInstanceStatus',
    running: ['InService'],
  },
  {
    detailType: 'SageMaker Endpoint State Change',
    kind: 'endpoint',
    nameField: 'EndpointName',
    arnField: 'EndpointArn',
    statusField: 'EndpointStatus',
    // The documented example says IN_SERVICE; the API's spelling is accepted as well.
    running: ['IN_SERVICE', 'InService'],
  },
];

/** A resource that just started costing money. */
export interface StateChange {
  readonly eventId: string;
  readonly kind: ResourceKind;
  readonly arn: string;
  readonly name: string;
  /** Normalised to the API spelling (`InProgress`, `InService`). */
  readonly status: string;
  readonly account: string;
  readonly region: string;
  /** Tags carried by the event; undefined when they must be read from SageMaker. */
  readonly tags: Readonly<Record<string, string>> | undefined;
}

export type ParsedEvent =
  | { readonly ok: true; readonly change: StateChange }
  | { readonly ok: false; readonly reason: string };

/** `IN_SERVICE` -> `InService`; API spellings pass through. */
export function normaliseStatus(status: string): string {
  if (!status.includes('_')) return status;
  return status
    .toLowerCase()
    .split('_')
    .map((w) => (w ? (w[0] ?? '').toUpperCase() + w.slice(1) : w))
    .join('');
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `{ k: v }` or `[{ Key, Value }]` / `[{ key, value }]`; undefined when absent or empty. */
export function eventTags(value: unknown): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const t of value) {
      const r = record(t);
      const key = text(r?.Key) ?? text(r?.key);
      if (key) tags[key] = String(r?.Value ?? r?.value ?? '');
    }
  } else {
    for (const [k, v] of Object.entries(record(value) ?? {})) tags[k] = String(v ?? '');
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

/** The state change an EventBridge event describes, or why it is not one the guard acts on. */
export function parseStateChange(event: unknown): ParsedEvent {
  const e = record(event);
  if (!e) return { ok: false, reason: 'the event is not an object' };
  if (e.source !== 'aws.sagemaker')
    return { ok: false, reason: `source is ${String(e.source)}, not aws.sagemaker` };
  const type = STATE_CHANGE_TYPES.find((t) => t.detailType === e['detail-type']);
  if (!type)
    return { ok: false, reason: `detail-type "${String(e['detail-type'])}" is not watched` };
  const detail = record(e.detail);
  if (!detail) return { ok: false, reason: `${type.detailType}: no detail` };
  const status = text(detail[type.statusField]);
  if (!status)
    return { ok: false, reason: `${type.detailType}: detail.${type.statusField} is missing` };
  if (!type.running.includes(status))
    return { ok: false, reason: `${type.detailType}: status ${status} is not a running status` };
  const resources = Array.isArray(e.resources) ? e.resources : [];
  const arn = text(detail[type.arnField]) ?? text(resources[0]);
  const name = text(detail[type.nameField]) ?? arn?.split('/').pop();
  if (!arn || !name) return { ok: false, reason: `${type.detailType}: no resource ARN or name` };
  return {
    ok: true,
    change: {
      eventId: text(e.id) ?? `${arn}@${String(e.time)}`,
      kind: type.kind,
      arn,
      name,
      status: normaliseStatus(status),
      account: text(e.account) ?? arn.split(':')[4] ?? '',
      region: text(e.region) ?? arn.split(':')[3] ?? '',
      tags: eventTags(detail.Tags),
    },
  };
}
