/**
 * The worker's re-check before each queued action: a work message is a request, not an order.
 * The resource's live status and tags, the project's mode and the exemption decide again, with
 * the same plan rule as the notification run. Pure: the caller reads the live state.
 */
import type { Project } from '../../lib/config/schema';
import { exemptionOf } from '../shared/exemption';
import { planRegistryKind } from './plan';
import type { Decision } from './types';

type Act = Extract<Decision, { type: 'act' }>;

/** The live state of a queued resource, or `gone` when SageMaker no longer knows it. */
export type LiveState =
  | { readonly status: string; readonly tags: Readonly<Record<string, string>> }
  | 'gone';

export function recheck(
  queued: Act,
  live: LiveState,
  project: Project,
  projectTagKey: string,
  now: Date,
): Decision {
  const skip = (reason: string): Decision => ({
    type: 'skip',
    resource: queued.resource,
    reason: `re-checked before acting: ${reason}`,
  });
  if (live === 'gone') return skip('the resource no longer exists');
  if (project.autoStop.mode !== 'enforce')
    return skip(`the project's auto-stop mode is now ${project.autoStop.mode}`);
  const owner = live.tags[projectTagKey];
  if (owner !== project.id)
    return skip(`tagged ${projectTagKey}=${owner ?? '(none)'}, not ${project.id}`);
  const resource = { ...queued.resource, status: live.status, tags: live.tags };
  const decision = planRegistryKind(resource, project.autoStop, now);
  if (!decision) {
    // Kinds outside the registry (endpoints) re-derive their own state when they act; the
    // exemption is the one rule for every kind.
    const exemption = exemptionOf(
      live.tags,
      { tagKey: project.autoStop.exemptionTag, approvals: project.autoStop.exemptions },
      now,
    );
    return exemption.exempt ? skip(exemption.reason) : { ...queued, resource };
  }
  return decision.type === 'act' ? decision : skip(decision.reason);
}
