/**
 * Pure restore decisions: given what auto-stop saved about an endpoint and what exists now, what
 * restore does. No SDK, no clock: table-tested in test/lambdas/endpoints/restore-plan.test.ts.
 */

import { minZeroConfigName } from './config-name';
import { TRANSITIONAL_STATUSES } from './plan';
import { ENDPOINT_ACTIONS, type SavedEndpoint } from './types';

/** What exists now for one saved endpoint. */
export interface LiveFacts {
  /** DescribeEndpoint status; undefined when no endpoint of that name exists. */
  readonly endpointStatus?: string;
  /** The endpoint's current config (DescribeEndpoint). */
  readonly endpointConfigName?: string;
  readonly failureReason?: string;
  /** The saved endpoint config still exists (read for parked endpoints and config copies). */
  readonly configExists: boolean;
  /** Models of the saved config that no longer exist. */
  readonly missingModels: readonly string[];
  /** The live endpoint's CreationTime (ISO), when it exists. */
  readonly endpointCreatedAt?: string;
  /** KMS key of the saved config (read when the endpoint has to be created again). */
  readonly kmsKeyId?: string;
}

/**
 * Saved state older than this is dropped instead of applied: budget periods are monthly, so after
 * three periods the capacity and scaling saved then no longer describe what the team wants, and
 * putting them back would be a surprise. A parked endpoint's config and models are kept, so it
 * can still be re-created by hand (the audit record names them).
 */
export const SAVED_STATE_MAX_AGE_DAYS = 90;

export type RestoreDecision =
  | {
      /** CreateEndpoint with the saved config and tags. */
      readonly type: 'recreate';
      readonly saved: SavedEndpoint;
      readonly reason: string;
    }
  | {
      /** Put back scalable targets, policies and copy counts, then forget the saved state. */
      readonly type: 'restore-scaling';
      readonly saved: SavedEndpoint;
      readonly reason: string;
      /** Point the endpoint back at this config first (auto-stop moved it to a min-0 copy). */
      readonly switchBackToConfig?: string;
    }
  | {
      /** Not yet possible (endpoint changing): the next run does it. */
      readonly type: 'wait';
      readonly saved: SavedEndpoint;
      readonly reason: string;
    }
  | {
      /** Left alone; `forget` drops a saved state that can no longer apply. */
      readonly type: 'skip';
      readonly saved: SavedEndpoint;
      readonly reason: string;
      readonly forget: boolean;
    }
  | {
      /** Cannot restore without a person (config or model deleted, endpoint failed): state kept. */
      readonly type: 'blocked';
      readonly saved: SavedEndpoint;
      readonly reason: string;
    };

function isTransitional(status: string): boolean {
  return (TRANSITIONAL_STATUSES as readonly string[]).includes(status);
}

function recreateOrBlock(saved: SavedEndpoint, live: LiveFacts): RestoreDecision {
  if (!live.configExists)
    return {
      type: 'blocked',
      saved,
      reason: `endpoint config ${saved.endpointConfigName} was deleted since parking: cannot re-create ${saved.endpointName}; saved state kept`,
    };
  if (live.missingModels.length > 0)
    return {
      type: 'blocked',
      saved,
      reason: `model(s) ${live.missingModels.join(', ')} of config ${saved.endpointConfigName} were deleted since parking: cannot re-create ${saved.endpointName}; saved state kept`,
    };
  return {
    type: 'recreate',
    saved,
    reason: `re-create ${saved.endpointName} from config ${saved.endpointConfigName} with its ${Object.keys(saved.tags).length} tag(s)${live.kmsKeyId ? ` (volume key ${live.kmsKeyId}: its key policy must allow this role)` : ''}`,
  };
}

/**
 * True when the live endpoint was created after the saved state was taken (someone deleted and
 * re-created it by hand): the saved state describes an endpoint that no longer exists.
 */
function recreatedSince(saved: SavedEndpoint, live: LiveFacts): boolean {
  if (!saved.endpointCreatedAt || !live.endpointCreatedAt || saved.recreatedAt) return false;
  return Date.parse(live.endpointCreatedAt) > Date.parse(saved.endpointCreatedAt);
}

/** What restore does with one saved endpoint at time `now`. */
export function planRestore(saved: SavedEndpoint, live: LiveFacts, now: Date): RestoreDecision {
  const status = live.endpointStatus;
  const ageDays = (now.getTime() - Date.parse(saved.parkedAt)) / 86_400_000;
  if (ageDays > SAVED_STATE_MAX_AGE_DAYS)
    return {
      type: 'skip',
      saved,
      forget: true,
      reason: `saved state of ${saved.parkedAt.slice(0, 10)} is older than ${SAVED_STATE_MAX_AGE_DAYS} days: expired and dropped, nothing changed${saved.action === ENDPOINT_ACTIONS.park && status === undefined ? ` (config ${saved.endpointConfigName} is kept: re-create the endpoint by hand if it is still wanted)` : ''}`,
    };
  if (status !== undefined && recreatedSince(saved, live))
    return {
      type: 'skip',
      saved,
      forget: true,
      reason: `endpoint ${saved.endpointName} was re-created (${live.endpointCreatedAt}) after auto-stop saved its state (${saved.endpointCreatedAt}): the saved state is superseded and dropped, the endpoint is not touched`,
    };
  if (saved.action === ENDPOINT_ACTIONS.park) {
    if (saved.recreatedAt === undefined) {
      const sameEndpoint =
        status !== undefined &&
        saved.endpointCreatedAt !== undefined &&
        live.endpointCreatedAt !== undefined &&
        Date.parse(saved.endpointCreatedAt) === Date.parse(live.endpointCreatedAt);
      // The same endpoint auto-stop began to park: the run stopped before (or at) DeleteEndpoint,
      // so its scaling may be deregistered. Put it back instead of deleting it now.
      if (sameEndpoint && status === 'InService')
        return {
          type: 'restore-scaling',
          saved,
          reason: `park of ${saved.endpointName} did not finish (the endpoint still runs): put back ${saved.scalableTargets.length} scalable target(s) and their policies`,
        };
      if (sameEndpoint && isTransitional(status))
        return {
          type: 'wait',
          saved,
          reason: `park of ${saved.endpointName} did not finish and it is ${status}: the next restore run decides once it settles`,
        };
      if (status !== undefined)
        return {
          type: 'skip',
          saved,
          forget: false,
          reason: `an endpoint named ${saved.endpointName} exists (${status}), re-created by hand: not overwritten; saved state kept`,
        };
      return recreateOrBlock(saved, live);
    }
    // Re-created by an earlier restore run: put scaling back once it is InService.
    if (status === undefined) return recreateOrBlock(saved, live);
    if (status === 'InService')
      return {
        type: 'restore-scaling',
        saved,
        reason: `re-created endpoint is InService: put back ${saved.scalableTargets.length} scalable target(s) and their policies`,
      };
    if (isTransitional(status))
      return {
        type: 'wait',
        saved,
        reason: `re-created endpoint is ${status}: scaling is put back by the next restore run once it is InService`,
      };
    return {
      type: 'blocked',
      saved,
      reason: `re-created endpoint is ${status}${live.failureReason ? ` (${live.failureReason})` : ''}: fix it by hand; saved state kept`,
    };
  }

  // Scaled to zero in place.
  if (status === undefined)
    return {
      type: 'skip',
      saved,
      forget: true,
      reason: `endpoint ${saved.endpointName} no longer exists: nothing to restore, saved state dropped`,
    };
  if (status === 'InService') {
    const onCopy =
      live.endpointConfigName !== undefined &&
      live.endpointConfigName !== saved.endpointConfigName &&
      live.endpointConfigName === minZeroConfigName(saved.endpointConfigName);
    if (onCopy && !live.configExists)
      return {
        type: 'blocked',
        saved,
        reason: `endpoint runs on ${live.endpointConfigName} (managed minimum 0) and its original config ${saved.endpointConfigName} was deleted: cannot put the minimum back; saved state kept`,
      };
    return {
      type: 'restore-scaling',
      saved,
      reason:
        saved.action === ENDPOINT_ACTIONS.scaleAsync
          ? 'put back the variant scaling (min, max, suspended state) saved before auto-stop'
          : `${onCopy ? `switch back to config ${saved.endpointConfigName} (managed minimum), then ` : ''}put back the inference component copy counts and scaling saved before auto-stop`,
      ...(onCopy ? { switchBackToConfig: saved.endpointConfigName } : {}),
    };
  }
  if (isTransitional(status))
    return {
      type: 'wait',
      saved,
      reason: `endpoint is ${status}: the next restore run puts its scaling back`,
    };
  return {
    type: 'blocked',
    saved,
    reason: `endpoint is ${status}${live.failureReason ? ` (${live.failureReason})` : ''}: fix it by hand; saved state kept`,
  };
}
