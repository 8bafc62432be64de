/**
 * PagerDuty change events the router sends, decided purely: auto-stop actions (jobs stopped,
 * endpoints parked, scaled to zero or restored) on the owning team's service, so responders see
 * them in the incident timeline, and the router's heartbeat on the platform team's service.
 *
 * Change events appear on a service's timeline and never page (PagerDuty developer docs,
 * "Events API v2 Overview": change events, "Notifications can be sent? No").
 *
 * Inputs are EventBridge events on the default bus:
 * - `source: ml-guardrails.auto-stop`, `detail-type: Auto-stop action`, detail
 *   `{ project, action, resources: [{ kind, name, arn? }], reason?, mode? }` (auto-stop and
 *   restore publish them);
 * - `source: ml-guardrails.paging`, `detail-type: Heartbeat` (a scheduled rule).
 */
import * as z from 'zod/mini';
import type { GuardrailsPolicy } from '../../lib/config/schema';
import '../shared/zod-messages';
import { truncate } from './route';

export const AUTO_STOP_SOURCE = 'ml-guardrails.auto-stop';
export const AUTO_STOP_DETAIL_TYPE = 'Auto-stop action';
export const HEARTBEAT_SOURCE = 'ml-guardrails.paging';
export const HEARTBEAT_DETAIL_TYPE = 'Heartbeat';

const AutoStopDetailSchema = z.object({
  project: z.string().check(z.minLength(1), z.maxLength(64)),
  action: z.enum(['stopped', 'parked', 'scaled-to-zero', 'restored', 'would-stop']),
  resources: z._default(
    z
      .array(
        z.object({
          kind: z.string().check(z.maxLength(64)),
          name: z.string().check(z.maxLength(256)),
          arn: z.optional(z.string().check(z.maxLength(2048))),
        }),
      )
      .check(z.maxLength(10_000)),
    [],
  ),
  reason: z.optional(z.string().check(z.maxLength(1024))),
  mode: z.optional(z.string().check(z.maxLength(32))),
});
export type AutoStopDetail = z.infer<typeof AutoStopDetailSchema>;

/** What one of our own events asks for. */
export type GuardrailsEvent =
  | { readonly kind: 'heartbeat'; readonly time: string }
  | { readonly kind: 'auto-stop'; readonly time: string; readonly detail: AutoStopDetail }
  | { readonly kind: 'invalid'; readonly error: string };

/** Recognises the guardrails' own events; undefined for anything else (alarms). */
export function parseGuardrailsEvent(input: unknown): GuardrailsEvent | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const e = input as Record<string, unknown>;
  const time = typeof e.time === 'string' ? e.time : new Date(0).toISOString();
  if (e.source === HEARTBEAT_SOURCE && e['detail-type'] === HEARTBEAT_DETAIL_TYPE)
    return { kind: 'heartbeat', time };
  if (e.source !== AUTO_STOP_SOURCE) return undefined;
  if (e['detail-type'] !== AUTO_STOP_DETAIL_TYPE)
    return {
      kind: 'invalid',
      error: `detail-type "${String(e['detail-type']).slice(0, 64)}" is not "${AUTO_STOP_DETAIL_TYPE}"`,
    };
  const detail = AutoStopDetailSchema.safeParse(e.detail);
  if (!detail.success)
    return {
      kind: 'invalid',
      error: detail.error.issues
        .slice(0, 3)
        .map((i) => `detail.${i.path.join('.')}: ${i.message}`)
        .join('; '),
    };
  return { kind: 'auto-stop', time, detail: detail.data };
}

/** A change event to send: where to, and the payload (no routing key). */
export interface ChangeDecision {
  readonly service: string;
  readonly routingKeySecret: string;
  readonly team: string;
  readonly summary: string;
  readonly source: string;
  readonly timestamp: string;
  readonly customDetails: Readonly<Record<string, unknown>>;
}

function serviceOfTeam(policy: GuardrailsPolicy, teamId: string) {
  const team = policy.teams.find((t) => t.id === teamId);
  const fallback = policy.teams.find((t) => t.id === policy.paging.platformTeam);
  const chosen = team?.pagerdutyService !== undefined ? team : fallback;
  const service = policy.paging.services.find((s) => s.id === chosen?.pagerdutyService);
  if (!chosen || !service)
    throw new Error(`paging: no PagerDuty service for team "${teamId}" or the platform team`);
  return { team: chosen.id, service };
}

const VERB: Record<AutoStopDetail['action'], string> = {
  stopped: 'stopped',
  parked: 'parked (deleted, config kept for restore)',
  'scaled-to-zero': 'scaled to zero',
  restored: 'restored',
  'would-stop': 'would stop (dry run)',
};

/** The change event for an auto-stop action: on the project's team's service. */
export function autoStopChange(
  detail: AutoStopDetail,
  time: string,
  policy: GuardrailsPolicy,
): ChangeDecision {
  const project = policy.projects.find((p) => p.id === detail.project);
  const { team, service } = serviceOfTeam(policy, project?.team ?? policy.paging.platformTeam);
  const names = detail.resources.slice(0, 5).map((r) => `${r.kind} ${r.name}`);
  const more =
    detail.resources.length > names.length
      ? ` and ${detail.resources.length - names.length} more`
      : '';
  return {
    service: service.id,
    routingKeySecret: service.routingKeySecret,
    team,
    summary: truncate(
      `ml-guardrails auto-stop: ${detail.resources.length} resource(s) of project ${detail.project} ${VERB[detail.action]}${names.length ? `: ${names.join(', ')}${more}` : ''}`,
      1024,
    ),
    source: 'ml-guardrails/auto-stop',
    timestamp: time,
    customDetails: {
      project: detail.project,
      projectKnown: project !== undefined,
      action: detail.action,
      mode: detail.mode,
      reason: detail.reason && truncate(detail.reason, 1024),
      resources: detail.resources.slice(0, 50),
      resourceCount: detail.resources.length,
    },
  };
}

/** The heartbeat: a change event on the platform team's service proves key and endpoint work. */
export function heartbeatChange(time: string, policy: GuardrailsPolicy): ChangeDecision {
  const { team, service } = serviceOfTeam(policy, policy.paging.platformTeam);
  return {
    service: service.id,
    routingKeySecret: service.routingKeySecret,
    team,
    summary: 'ml-guardrails heartbeat: the paging router reached PagerDuty with this routing key',
    source: 'ml-guardrails/paging',
    timestamp: time,
    customDetails: { heartbeat: true },
  };
}
