import { parseAlarmInput } from '../../../lambdas/paging/alarm-event';
import { type RouteDecision, route } from '../../../lambdas/paging/route';
import { loadPolicyFile } from '../../config/load';
import { type CommandModule, stringOption, UsageError } from '../command';
import { alarmEventOf, readPastedInput } from '../input';

/** What `--json` prints per record. */
export interface RouteOutput {
  readonly record: number;
  readonly alarmName?: string;
  readonly state?: string;
  readonly action?: RouteDecision['action'];
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
  /** Set when the record could not be understood (exit code 1). */
  readonly error?: string;
}

function toOutput(d: RouteDecision, record: number): RouteOutput {
  return {
    record,
    alarmName: d.alarmName,
    state: d.state,
    action: d.action,
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
  };
}

function text(o: RouteOutput): string {
  if (o.error) return `#${o.record} not understood: ${o.error}`;
  if (!o.action) return `#${o.record} ignored: ${o.reason}`;
  return [
    `#${o.record} ${o.alarmName} (${o.state})`,
    `  action:     ${o.action}${o.holdUntil ? ` until ${o.holdUntil}` : ''}`,
    `  incident:   ${o.incidentType}${o.model ? ` (model ${o.model}, project ${o.project})` : ''}`,
    `  team:       ${o.team} -> PagerDuty service ${o.service}`,
    `  severity:   ${o.severity} (${o.withinCoverage ? 'inside' : 'outside'} coverage)`,
    `  dedup key:  ${o.dedupKey}`,
    `  why:        ${o.reason}`,
  ].join('\n');
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
  ],
  help: `Reads an alarm event and prints, for every alarm record, the decision of the PagerDuty
router: action (trigger | resolve | hold | none), incident type, team, PagerDuty service,
severity, dedup key, whether the team is inside its coverage window, and why. Nothing is sent.
Accepted shapes: the Lambda event (Records[].Sns, as in the function's log), an SNS notification
(Type "Notification", as an SQS queue or HTTP endpoint receives it), an EventBridge "CloudWatch
Alarm State Change" event, or the bare alarm message as CloudWatch publishes it.
--json prints one JSON object per record, in a JSON array.

Exit code 0, or 1 when a record could not be understood.`,
  async run({ options, global }) {
    const event = stringOption(options, 'event');
    if (!event) throw new UsageError('--event <file> is required');
    const at = stringOption(options, 'at');
    const now = at === undefined ? new Date() : parseAt(at);
    const policy = loadPolicyFile(global.policyFile);
    const where = `--event ${event}`;
    const outputs: RouteOutput[] = parseAlarmInput(
      alarmEventOf(readPastedInput(event, '--event'), where),
    ).map((p) => {
      if (p.kind === 'invalid')
        return { record: p.index, reason: 'not understood', error: p.error.message };
      if (p.kind === 'ignored') return { record: p.index, reason: p.reason };
      return toOutput(route(p.alarm, policy, now), p.index);
    });
    return {
      exitCode: outputs.some((o) => o.error) ? 1 : 0,
      text: outputs.map(text).join('\n\n'),
      json: outputs,
    };
  },
};
