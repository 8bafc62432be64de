import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAlarmInput } from '../../../lambdas/paging/alarm-event';
import {
  autoStopChange,
  heartbeatChange,
  parseGuardrailsEvent,
} from '../../../lambdas/paging/change-events';
import { notificationFor } from '../../../lambdas/paging/notify';
import { type AlarmLookup, type RouteDecision, route } from '../../../lambdas/paging/route';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../config/load';
import type { GuardrailsPolicy } from '../../config/schema';
import { type CliCommand, UsageError } from '../command';

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

function readEvent(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --event ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--event ${file} is not JSON`);
  }
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

export const routeCommand: CliCommand = {
  path: ['route'],
  summary: 'Show where CloudWatch alarm events would be paged, without sending anything',
  usage: `Usage: guardrails route --event <file> [--at <ISO time>] [--policy <file>] [--json]

Reads an alarm event (an SNS event with Records[], an EventBridge "CloudWatch Alarm State
Change" event, or a bare alarm message as CloudWatch publishes it) and prints, for every alarm
record, the decision of the PagerDuty router: action (trigger | resolve | hold | none), incident
type, team, PagerDuty service, severity, dedup key, whether the team is inside its coverage
window, and why. Nothing is sent.

It shows every step of the reasoning: what was derived from an incomplete message, the alarm
rule or why none matched (paging.unclassified), the model and how it was linked, autoscaling,
suppressed, disabled or composite-child alarms that page nobody, the on-call responsibility or
Accountable role that chose the team, the revenue-critical override, coverage, and the
Consulted and Informed teams who would be told. Auto-stop and heartbeat events show the change
event that would be sent.

Options:
  --event <file>   the event JSON (required)
  --lookup <what>  for EventBridge alarms, what DescribeAlarms would say: actions-disabled,
                   parent=<composite alarm>, action=<ARN>, or failed (the CLI calls no AWS API)
  --at <time>      decide as of this ISO 8601 time (default: now), e.g. 2026-11-28T03:00:00Z
  --policy <file>  policy file (default ${DEFAULT_POLICY_FILE})
  --json           one JSON object per record, in a JSON array

Exit code 0, or 1 when a record could not be understood.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        event: { type: 'string' },
        at: { type: 'string' },
        policy: { type: 'string' },
        lookup: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (!values.event) throw new UsageError('--event <file> is required');
    const now = values.at === undefined ? new Date() : new Date(values.at);
    if (Number.isNaN(now.getTime()))
      throw new UsageError(
        `--at "${values.at}" is not an ISO 8601 time (e.g. 2026-11-28T03:00:00Z)`,
      );
    const policy = loadPolicyFile(values.policy ?? DEFAULT_POLICY_FILE);
    const { exitCode, outputs } = runRoute(policy, {
      event: readEvent(values.event),
      now,
      lookup: parseLookup(values.lookup),
    });
    io.out(values.json ? JSON.stringify(outputs, null, 2) : outputs.map(text).join('\n\n'));
    return exitCode;
  },
};
