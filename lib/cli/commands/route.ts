import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAlarmInput } from '../../../lambdas/paging/alarm-event';
import { type RouteDecision, route } from '../../../lambdas/paging/route';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../config/load';
import { type CliCommand, UsageError } from '../command';

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

export const routeCommand: CliCommand = {
  path: ['route'],
  summary: 'Show where CloudWatch alarm events would be paged, without sending anything',
  usage: `Usage: guardrails route --event <file> [--at <ISO time>] [--policy <file>] [--json]

Reads an alarm event (an SNS event with Records[], an EventBridge "CloudWatch Alarm State
Change" event, or a bare alarm message as CloudWatch publishes it) and prints, for every alarm
record, the decision of the PagerDuty router: action (trigger | resolve | hold | none), incident
type, team, PagerDuty service, severity, dedup key, whether the team is inside its coverage
window, and why. Nothing is sent.

Options:
  --event <file>   the event JSON (required)
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
    const outputs: RouteOutput[] = parseAlarmInput(readEvent(values.event)).map((p) => {
      if (p.kind === 'invalid')
        return { record: p.index, reason: 'not understood', error: p.error.message };
      if (p.kind === 'ignored') return { record: p.index, reason: p.reason };
      return toOutput(route(p.alarm, policy, now), p.index);
    });
    io.out(values.json ? JSON.stringify(outputs, null, 2) : outputs.map(text).join('\n\n'));
    return outputs.some((o) => o.error) ? 1 : 0;
  },
};
