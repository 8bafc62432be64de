import { parseAlarmInput } from '../../../lambdas/paging/alarm-event';
import {
  autoStopChange,
  heartbeatChange,
  parseGuardrailsEvent,
} from '../../../lambdas/paging/change-events';
import { notificationFor } from '../../../lambdas/paging/notify';
import { type AlarmLookup, type RouteDecision, route } from '../../../lambdas/paging/route';
import type { GuardrailsPolicy } from '../../config/schema';
import { type CommandModule, stringOption, UsageError } from '../command';
import { alarmEventOf, readPastedInput } from '../input';

/** What `--json` prints per record. */
export interface RouteOutput {
  readonly record: number;
  readonly alarmName?: string;
  readonly state?: string;
  readonly action?: RouteDecision['action'];
  /** Why the alarm is or is not the router's business (classified, unclassified, autoscaling, ...). */
  readonly scope?: RouteDecision['scope'];
  readonly incidentType?: string;
  readonly team?: string;
  readonly service?: string;
  readonly severity?: string;
  readonly dedupKey?: string;
  readonly withinCoverage?: boolean;
  readonly holdUntil?: string;
  readonly model?: string;
  readonly project?: string;
  readonly summary?: string;
  readonly reason: string;
  /** Every step of the reasoning, in order. */
  readonly steps?: readonly string[];
  /** Teams told as Consulted or Informed when the page is triggered. */
  readonly notify?: readonly string[];
  /** For our own events: the PagerDuty change event that would be sent. */
  readonly changeEvent?: {
    readonly service: string;
    readonly team: string;
    readonly summary: string;
  };
  /** Set when the record could not be understood (exit code 1). */
  readonly error?: string;
}

function toOutput(d: RouteDecision, record: number): RouteOutput {
  return {
    record,
    alarmName: d.alarmName,
    state: d.state,
    action: d.action,
    scope: d.scope,
    incidentType: d.incidentType,
    team: d.team,
    service: d.service,
    severity: d.severity,
    dedupKey: d.dedupKey,
    withinCoverage: d.withinCoverage,
    holdUntil: d.holdUntil,
    model: d.model,
    project: d.project,
    summary: d.summary,
    reason: d.reason,
    steps: d.steps,
    notify: notificationFor(d)?.teams ?? [],
  };
}

function text(o: RouteOutput): string {
  if (o.error) return `#${o.record} not understood: ${o.error}`;
  if (o.changeEvent)
    return [
      `#${o.record} change event (never pages)`,
      `  service:    ${o.changeEvent.service} (team ${o.changeEvent.team})`,
      `  summary:    ${o.changeEvent.summary}`,
    ].join('\n');
  if (!o.action) return `#${o.record} ignored: ${o.reason}`;
  return [
    `#${o.record} ${o.alarmName} (${o.state})`,
    `  action:     ${o.action}${o.holdUntil ? ` until ${o.holdUntil}` : ''}`,
    `  scope:      ${o.scope}`,
    `  incident:   ${o.incidentType}${o.model ? ` (model ${o.model}, project ${o.project})` : ''}`,
    `  team:       ${o.team} -> PagerDuty service ${o.service}`,
    `  severity:   ${o.severity} (${o.withinCoverage ? 'inside' : 'outside'} coverage)`,
    `  dedup key:  ${o.dedupKey}`,
    `  notify:     ${o.notify && o.notify.length > 0 ? o.notify.join(', ') : 'nobody'}`,
    '  why:',
    ...(o.steps ?? [o.reason]).map((step, i) => `    ${i + 1}. ${step}`),
  ].join('\n');
}

/** Options of `guardrails route`, parsed. */
export interface RouteOptions {
  readonly event: unknown;
  readonly now: Date;
  /** What DescribeAlarms would say for EventBridge alarms (the CLI does not call AWS). */
  readonly lookup?: AlarmLookup;
  readonly account?: string;
}

/** The decisions for every record of an event, without the CLI (testable, portable). */
export function runRoute(
  policy: GuardrailsPolicy,
  options: RouteOptions,
): { exitCode: number; outputs: RouteOutput[] } {
  const own = parseGuardrailsEvent(options.event);
  if (own) {
    if (own.kind === 'invalid')
      return { exitCode: 1, outputs: [{ record: 0, reason: 'not understood', error: own.error }] };
    const c =
      own.kind === 'heartbeat'
        ? heartbeatChange(own.time, policy)
        : autoStopChange(own.detail, own.time, policy);
    return {
      exitCode: 0,
      outputs: [
        {
          record: 0,
          reason: 'a guardrails event: sent as a PagerDuty change event',
          changeEvent: { service: c.service, team: c.team, summary: c.summary },
        },
      ],
    };
  }
  const outputs: RouteOutput[] = parseAlarmInput(options.event).map((p) => {
    if (p.kind === 'invalid')
      return { record: p.index, reason: 'not understood', error: p.error.message };
    if (p.kind === 'ignored') return { record: p.index, reason: p.reason };
    const lookup: AlarmLookup | undefined =
      options.lookup ??
      (p.alarm.via === 'eventbridge'
        ? {
            status: 'not-needed',
            why: 'the CLI does not call AWS; pass --lookup to say what DescribeAlarms returns',
          }
        : undefined);
    return toOutput(
      route(p.alarm, policy, options.now, { lookup, ownAccount: options.account }),
      p.index,
    );
  });
  return { exitCode: outputs.some((o) => o.error) ? 1 : 0, outputs };
}

function parseLookup(value: string | undefined): AlarmLookup | undefined {
  if (value === undefined) return undefined;
  const [kind, arg] = value.split('=');
  if (kind === 'actions-disabled')
    return { status: 'found', actionsEnabled: false, alarmActions: [], parents: [] };
  if (kind === 'parent' && arg)
    return { status: 'found', actionsEnabled: true, alarmActions: [], parents: [arg] };
  if (kind === 'action' && arg)
    return { status: 'found', actionsEnabled: true, alarmActions: [arg], parents: [] };
  if (kind === 'failed') return { status: 'failed', error: arg ?? 'DescribeAlarms failed' };
  throw new UsageError(
    `--lookup "${value}": use actions-disabled, parent=<composite>, action=<arn> or failed`,
  );
}

/**
 * `--at`: an ISO 8601 time with an offset or Z, so the answer does not depend on the time zone
 * of the machine that runs the command.
 */
export function parseAt(at: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(at))
    throw new UsageError(
      `--at "${at}" is not an ISO 8601 time with an offset or Z (the answer must not depend on this machine's time zone), e.g. 2026-11-28T03:00:00Z or 2026-11-28T03:00:00-05:00`,
    );
  const date = new Date(at);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--at "${at}" is not an ISO 8601 time (e.g. 2026-11-28T03:00:00Z)`);
  return date;
}

export const routeCommand: CommandModule = {
  options: [
    {
      flags: '--event <file>',
      description: 'the alarm JSON, SNS notification or Lambda event (- for stdin; required)',
    },
    {
      flags: '--at <time>',
      description: 'decide as of this time, with an offset or Z (default: now)',
    },
    {
      flags: '--lookup <what>',
      description:
        'for EventBridge alarms, what DescribeAlarms would say: actions-disabled, parent=<composite>, action=<ARN> or failed (the CLI calls no AWS API)',
    },
  ],
  help: `Reads an alarm event and prints, for every alarm record, the decision of the PagerDuty
router: action (trigger | resolve | hold | none), incident type, team, PagerDuty service,
severity, dedup key, whether the team is inside its coverage window, and why. Nothing is sent.
Accepted shapes: the Lambda event (Records[].Sns, as in the function's log), an SNS notification
(Type "Notification", as an SQS queue or HTTP endpoint receives it), an EventBridge "CloudWatch
Alarm State Change" event, or the bare alarm message as CloudWatch publishes it.

It shows every step of the reasoning: what was derived from an incomplete message, the alarm
rule or why none matched (paging.unclassified), the model and how it was linked, autoscaling,
suppressed, disabled or composite-child alarms that page nobody, the on-call responsibility or
Accountable role that chose the team, the revenue-critical override, coverage, and the
Consulted and Informed teams who would be told. Auto-stop and heartbeat events show the change
event that would be sent. --json prints one JSON object per record, in a JSON array.

Exit code 0, or 1 when a record could not be understood.`,
  async run({ options, loadPolicy }) {
    const event = stringOption(options, 'event');
    if (!event) throw new UsageError('--event <file> is required');
    const at = stringOption(options, 'at');
    const now = at === undefined ? new Date() : parseAt(at);
    const policy = loadPolicy();
    const { exitCode, outputs } = runRoute(policy, {
      event: alarmEventOf(readPastedInput(event, '--event'), `--event ${event}`),
      now,
      lookup: parseLookup(stringOption(options, 'lookup')),
    });
    return { exitCode, text: outputs.map(text).join('\n\n'), json: outputs };
  },
};
