/**
 * The auto-stop change-event contract, shared by its producers (the auto-stop function and
 * worker, the restore function) and its consumer (the paging router, which posts each event to
 * PagerDuty as a change event on the owning team's service).
 *
 * Events go to the account's default EventBridge bus with `source: ml-guardrails.auto-stop` and
 * `detail-type: Auto-stop action`; the detail is `AutoStopDetail`. Producers send one event per
 * run that changed something, summarising it (counts per action, a short list of names), never
 * one per resource. A PutEvents entry, detail included, is limited to 256 KB ("Amazon
 * EventBridge quotas", EventBridge User Guide); `buildAutoStopDetail` keeps the detail far below.
 */
import * as z from 'zod/mini';
import './zod-messages';

export const AUTO_STOP_SOURCE = 'ml-guardrails.auto-stop';
export const AUTO_STOP_DETAIL_TYPE = 'Auto-stop action';

export const AUTO_STOP_ACTIONS = [
  'stopped',
  'parked',
  'scaled-to-zero',
  'restored',
  'would-stop',
] as const;
export type AutoStopAction = (typeof AUTO_STOP_ACTIONS)[number];

/** Resources named in one event: enough for a timeline entry, bounded whatever the run's size. */
export const MAX_NAMED_RESOURCES = 20;
/** Bytes of serialized detail a producer sends at most (PutEvents allows 256 KB per entry). */
export const MAX_DETAIL_BYTES = 16 * 1024;

export const AutoStopDetailSchema = z.object({
  project: z.string().check(z.minLength(1), z.maxLength(64)),
  /** The action of most resources of the run (all of them when `counts` has one key). */
  action: z.enum(AUTO_STOP_ACTIONS),
  /** Named resources: a sample of at most `MAX_NAMED_RESOURCES` from producers. */
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
  /** Resources changed per action, over the whole run. */
  counts: z.optional(
    z.partialRecord(z.enum(AUTO_STOP_ACTIONS), z.number().check(z.int(), z.nonnegative())),
  ),
  /** Resources changed in the run (`resources` may name fewer). @default resources.length */
  total: z.optional(z.number().check(z.int(), z.nonnegative())),
  reason: z.optional(z.string().check(z.maxLength(1024))),
  mode: z.optional(z.string().check(z.maxLength(32))),
});
export type AutoStopDetail = z.infer<typeof AutoStopDetailSchema>;

/** One resource a run changed. */
export interface ChangedResource {
  readonly kind: string;
  readonly name: string;
  readonly arn?: string;
  readonly action: AutoStopAction;
}

export interface AutoStopRun {
  readonly project: string;
  readonly changes: readonly ChangedResource[];
  readonly reason?: string;
  readonly mode?: string;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function detailBytes(detail: AutoStopDetail): number {
  return Buffer.byteLength(JSON.stringify(detail), 'utf8');
}

/**
 * The detail of the one event a run sends, or undefined when the run changed nothing (no
 * event). Pure: names are clipped to the schema's limits and dropped from the end until the
 * serialized detail fits `maxBytes`; counts and total always describe the whole run.
 */
export function buildAutoStopDetail(
  run: AutoStopRun,
  maxBytes = MAX_DETAIL_BYTES,
): AutoStopDetail | undefined {
  if (run.changes.length === 0) return undefined;
  const counts: Partial<Record<AutoStopAction, number>> = {};
  for (const c of run.changes) counts[c.action] = (counts[c.action] ?? 0) + 1;
  let action: AutoStopAction = run.changes[0]?.action ?? 'stopped';
  for (const a of AUTO_STOP_ACTIONS) if ((counts[a] ?? 0) > (counts[action] ?? 0)) action = a;
  const resources = run.changes.slice(0, MAX_NAMED_RESOURCES).map((c) => ({
    kind: clip(c.kind, 64),
    name: clip(c.name, 256),
    ...(c.arn !== undefined && c.arn.length <= 2048 ? { arn: c.arn } : {}),
  }));
  const detail: AutoStopDetail = {
    project: clip(run.project, 64),
    action,
    resources,
    counts,
    total: run.changes.length,
    ...(run.reason !== undefined ? { reason: clip(run.reason, 1024) } : {}),
    ...(run.mode !== undefined ? { mode: clip(run.mode, 32) } : {}),
  };
  while (detail.resources.length > 0 && detailBytes(detail) > maxBytes) detail.resources.pop();
  return detail;
}
