/**
 * The plan rule for the kinds auto-stop stops through the kind registry (jobs and notebooks):
 * kind enabled, not exempt under the one exemption rule, in the one state the stop call accepts.
 * Pure: no SDK, no clock, no env.
 */
import type { AutoStopSettings } from '../../lib/config/schema';
import { exemptionOf } from '../shared/exemption';
import { isStoppable, KIND_SPECS } from '../shared/sagemaker-kinds';
import type { Decision, Resource } from './types';

export type PlanSettings = Pick<AutoStopSettings, 'resourceKinds' | 'exemptionTag' | 'exemptions'>;

export function planStop(
  resource: Resource,
  settings: PlanSettings,
  rule: { readonly runningStatus: string; readonly action: string },
  now: Date,
): Decision {
  if (!settings.resourceKinds.includes(resource.kind))
    return {
      type: 'skip',
      resource,
      reason: `${resource.kind} is not in this project's autoStop.resourceKinds`,
    };
  const exemption = exemptionOf(
    resource.tags,
    { tagKey: settings.exemptionTag, approvals: settings.exemptions },
    now,
  );
  if (exemption.exempt) return { type: 'skip', resource, reason: exemption.reason };
  // A refused exemption request is said in the reason, so the owner learns why it did not hold.
  const refused = exemption.refused ? `; exemption refused: ${exemption.refused}` : '';
  if (resource.status !== rule.runningStatus)
    return {
      type: 'skip',
      resource,
      reason: `status is ${resource.status}, not ${rule.runningStatus}: nothing to stop${refused}`,
    };
  return {
    type: 'act',
    resource,
    action: rule.action,
    reason: `${rule.runningStatus} and not exempt${refused}`,
  };
}

/**
 * `planStop` with the kind registry's rule (running status and stop action) for the resource's
 * kind; undefined for a kind the registry does not stop (endpoints have their own handler).
 */
export function planRegistryKind(
  resource: Resource,
  settings: PlanSettings,
  now: Date,
): Decision | undefined {
  const spec = KIND_SPECS[resource.kind];
  if (!isStoppable(spec)) return undefined;
  return planStop(
    resource,
    settings,
    { runningStatus: spec.runningStatus, action: spec.stopAction },
    now,
  );
}
