/**
 * Custom resource (CDK Provider framework onEvent handler) that fails the deploy early, with one
 * message naming the fix, when the Config rules of the stack could not be created. It checks on
 * Create and when `CreateConfigRecorder` changes; later updates would see the stack's own recorder.
 */
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { RetryOptions } from '../shared/retry';
import { readRecorders } from './config';
import { recorderPrecondition } from './recorder';

export interface RecorderCheckEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface RecorderCheckDeps {
  readonly config: ConfigServiceClient;
  /** Where the check runs, for the message (`<account> <region>`). */
  readonly where: string;
  readonly log: (message: string, extra: Record<string, unknown>) => void;
  readonly retry?: RetryOptions;
}

const PHYSICAL_ID = 'config-recorder-precondition';
// CloudFormation passes custom resource properties as strings.
const flag = (props: Record<string, unknown> | undefined) =>
  String(props?.CreateConfigRecorder) === 'true';

export async function onRecorderCheckEvent(
  event: RecorderCheckEvent,
  deps: RecorderCheckDeps,
): Promise<{ PhysicalResourceId: string }> {
  const create = flag(event.ResourceProperties);
  const unchanged = event.RequestType === 'Update' && flag(event.OldResourceProperties) === create;
  if (event.RequestType === 'Delete' || unchanged)
    return { PhysicalResourceId: event.PhysicalResourceId ?? PHYSICAL_ID };
  const verdict = recorderPrecondition(
    await readRecorders(deps.config, deps.retry),
    create,
    deps.where,
  );
  if (!verdict.ok) throw new Error(verdict.message);
  if (verdict.note) deps.log(verdict.note, { createConfigRecorder: create });
  return { PhysicalResourceId: PHYSICAL_ID };
}
