/**
 * The paging decision, a pure function of (alarm, policy, now): which incident type, which team
 * and PagerDuty service, trigger / resolve / hold / none, and at which severity.
 *
 * The service (and so the routing key) and the dedup key depend on the alarm and the policy
 * only, never on the clock: a PagerDuty resolve reaches its alert only with the same routing key
 * and dedup key as the trigger (DOMAIN-NOTES.md, "PagerDuty Events API v2"), so a resolve after a
 * shift change must still go where the trigger went. Time changes the severity and holds only.
 */
import { createHash } from 'node:crypto';
import type {
  GuardrailsPolicy,
  IncidentType,
  PagerDutySeverity,
  Team,
} from '../../lib/config/schema';
import type { AlarmChange, AlarmMetric } from './alarm-event';
import { inWindows, localTime, nextWindowOpening } from './coverage';

export type RouteAction = 'trigger' | 'resolve' | 'hold' | 'none';

/** Incident type of alarms no rule matches when the policy has no `defaultIncidentType`. */
export const UNCLASSIFIED = 'unclassified';
/** PagerDuty's limits: dedup_key ≤ 255 characters, summary ≤ 1024 (DOMAIN-NOTES.md). */
export const MAX_DEDUP_KEY = 255;
export const MAX_SUMMARY = 1024;

export interface RouteDecision {
  readonly action: RouteAction;
  readonly alarmName: string;
  readonly state: AlarmChange['state'];
  readonly incidentType: string;
  readonly team: string;
  /** PagerDuty service id from `paging.services`. */
  readonly service: string;
  /** Secrets Manager secret that holds the service's routing key. */
  readonly routingKeySecret: string;
  readonly severity: PagerDutySeverity;
  readonly dedupKey: string;
  /** Whether `now` is inside the paged team's coverage (always true for 24x7 teams). */
  readonly withinCoverage: boolean;
  /** Why, in one sentence a human can check against the policy. */
  readonly reason: string;
  /** For `hold`: when the team's next coverage window opens (ISO 8601). */
  readonly holdUntil?: string;
  readonly model?: string;
  readonly project?: string;
  readonly summary: string;
  /** Events API v2 payload fields besides summary and severity. */
  readonly source: string;
  readonly component?: string;
  readonly group?: string;
  readonly class: string;
  readonly timestamp: string;
  readonly consoleUrl: string;
  readonly customDetails: Readonly<Record<string, unknown>>;
}

const globCache = new Map<string, RegExp>();
/** `*` matches any run of characters; everything else is literal. Case-sensitive, like alarm names. */
export function globMatch(pattern: string, value: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 's');
    globCache.set(pattern, re);
  }
  return re.test(value);
}

type AlarmRuleMatch = GuardrailsPolicy['paging']['alarmRules'][number]['match'];

function metricMatches(m: AlarmMetric, match: AlarmRuleMatch): boolean {
  if (match.namespace !== undefined && !globMatch(match.namespace, m.namespace ?? '')) return false;
  if (match.metricName !== undefined && !globMatch(match.metricName, m.metricName ?? ''))
    return false;
  for (const [name, pattern] of Object.entries(match.dimensions ?? {})) {
    const value = Object.hasOwn(m.dimensions, name) ? m.dimensions[name] : undefined;
    if (value === undefined || !globMatch(pattern, value)) return false;
  }
  return true;
}

/** True when every condition of the rule holds; metric conditions must hold on one metric. */
export function ruleMatches(alarm: AlarmChange, match: AlarmRuleMatch): boolean {
  if (match.alarmName !== undefined && !globMatch(match.alarmName, alarm.alarmName)) return false;
  const needsMetric =
    match.namespace !== undefined ||
    match.metricName !== undefined ||
    Object.keys(match.dimensions ?? {}).length > 0;
  return !needsMetric || alarm.metrics.some((m) => metricMatches(m, match));
}

/** The model an alarm is about: EndpointName dimension against model endpoint globs, else the alarm name. */
export function modelOf(
  alarm: AlarmChange,
  policy: GuardrailsPolicy,
): { model: string; project: string } | undefined {
  const endpoints = alarm.metrics.flatMap((m) =>
    Object.hasOwn(m.dimensions, 'EndpointName') ? [m.dimensions.EndpointName as string] : [],
  );
  for (const project of policy.projects)
    for (const model of project.models)
      if (endpoints.some((e) => model.endpoints.some((g) => globMatch(g, e))))
        return { model: model.name, project: project.id };
  // By name: the longest model name the alarm name mentions (fraud_detection or fraud-detection).
  let best: { model: string; project: string; length: number } | undefined;
  for (const project of policy.projects)
    for (const model of project.models) {
      const mentioned =
        alarm.alarmName.includes(model.name) ||
        alarm.alarmName.includes(model.name.replaceAll('_', '-'));
      if (mentioned && (best === undefined || model.name.length > best.length))
        best = { model: model.name, project: project.id, length: model.name.length };
    }
  return best && { model: best.model, project: best.project };
}

/** Stable per alarm: the alarm ARN, or a readable prefix plus a SHA-256 when it is too long. */
export function dedupKeyFor(alarm: AlarmChange): string {
  const key = alarm.alarmArn;
  if (key.length <= MAX_DEDUP_KEY) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, MAX_DEDUP_KEY - hash.length - 8)}…sha256:${hash}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Classification {
  readonly incidentType: IncidentType;
  readonly because: string;
}

const UNCLASSIFIED_TYPE: IncidentType = {
  id: UNCLASSIFIED,
  name: 'Unclassified alarm',
  assignments: {},
  severity: 'error',
  onOk: 'resolve',
  onInsufficientData: 'ignore',
};

function classify(alarm: AlarmChange, policy: GuardrailsPolicy): Classification {
  const types = policy.raci.incidentTypes;
  const rules = policy.paging.alarmRules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as (typeof rules)[number];
    if (!ruleMatches(alarm, rule.match)) continue;
    const type = types.find((t) => t.id === rule.incidentType);
    if (type)
      return { incidentType: type, because: `alarm rule ${i + 1} (${describe(rule.match)})` };
  }
  const dflt = types.find((t) => t.id === policy.paging.defaultIncidentType);
  if (dflt) return { incidentType: dflt, because: 'no alarm rule matched: default incident type' };
  return { incidentType: UNCLASSIFIED_TYPE, because: 'no alarm rule matched' };
}

function describe(match: AlarmRuleMatch): string {
  const parts: string[] = [];
  if (match.alarmName) parts.push(`alarmName ${match.alarmName}`);
  if (match.namespace) parts.push(`namespace ${match.namespace}`);
  if (match.metricName) parts.push(`metricName ${match.metricName}`);
  for (const [k, v] of Object.entries(match.dimensions ?? {})) parts.push(`${k}=${v}`);
  return parts.join(', ');
}

function rolesWith(type: IncidentType, policy: GuardrailsPolicy, letter: 'A' | 'C' | 'I') {
  return Object.entries(type.assignments)
    .filter(([, v]) => v === letter)
    .map(([roleId]) => policy.raci.roles.find((r) => r.id === roleId)?.name ?? roleId);
}

function accountableTeam(type: IncidentType, policy: GuardrailsPolicy): string | undefined {
  const roleId = Object.entries(type.assignments).find(([, v]) => v === 'A')?.[0];
  return policy.raci.roles.find((r) => r.id === roleId)?.team;
}

function teamById(policy: GuardrailsPolicy, id: string): Team {
  const team = policy.teams.find((t) => t.id === id);
  // Semantic checks guarantee references; reaching this means the policy was not validated.
  if (!team) throw new Error(`paging: team "${id}" is not in the policy`);
  return team;
}

/** Decides what one alarm state change does. Pure: `now` is the only clock. */
export function route(alarm: AlarmChange, policy: GuardrailsPolicy, now: Date): RouteDecision {
  const { incidentType, because } = classify(alarm, policy);
  const found = modelOf(alarm, policy);
  const revenue = policy.paging.revenueCritical;

  let teamId: string;
  let teamBecause: string;
  if (found && revenue?.models.includes(found.model)) {
    teamId = revenue.team;
    teamBecause = `model ${found.model} is revenue-critical: paged by ${revenue.team}`;
  } else {
    const accountable = accountableTeam(incidentType, policy);
    teamId = accountable ?? policy.paging.platformTeam;
    teamBecause = accountable
      ? `the Accountable role's team is ${accountable}`
      : `unowned: the platform team ${policy.paging.platformTeam} is paged`;
  }
  let team = teamById(policy, teamId);
  if (team.pagerdutyService === undefined) {
    teamBecause += `; ${team.id} has no PagerDuty service, so the platform team is paged`;
    team = teamById(policy, policy.paging.platformTeam);
  }
  const service = policy.paging.services.find((s) => s.id === team.pagerdutyService);
  if (!service) throw new Error(`paging: service "${team.pagerdutyService}" is not in the policy`);

  const timeZone = team.onCall.timeZone ?? policy.organisation.defaultTimeZone;
  const withinCoverage =
    team.onCall.coverage === '24x7' || inWindows(localTime(now, timeZone), team.onCall.windows);

  let action: RouteAction;
  let severity: PagerDutySeverity = incidentType.severity;
  let actionBecause: string;
  let holdUntil: string | undefined;
  const pages =
    alarm.state === 'ALARM' ||
    (alarm.state === 'INSUFFICIENT_DATA' && incidentType.onInsufficientData === 'trigger');
  if (alarm.state === 'OK') {
    action = incidentType.onOk === 'resolve' ? 'resolve' : 'none';
    actionBecause =
      action === 'resolve'
        ? 'OK resolves the alert (same service and dedup key as the trigger)'
        : `OK is ignored for ${incidentType.id} (onOk: ignore)`;
  } else if (!pages) {
    action = 'none';
    severity = 'info';
    actionBecause = `INSUFFICIENT_DATA does not page for ${incidentType.id} (onInsufficientData: ignore)`;
  } else if (withinCoverage) {
    action = 'trigger';
    actionBecause = `inside ${team.id}'s coverage: ${severity} (high urgency)`;
  } else if (team.onCall.afterHours === 'hold') {
    const opens = nextWindowOpening(now, timeZone, team.onCall.windows);
    if (opens) {
      action = 'hold';
      holdUntil = opens.toISOString();
      actionBecause = `outside ${team.id}'s coverage (${timeZone}): held until ${holdUntil}`;
    } else {
      action = 'trigger';
      severity = 'warning';
      actionBecause = `outside ${team.id}'s coverage and no window opens within 8 days: warning (low urgency)`;
    }
  } else {
    action = 'trigger';
    severity = 'warning';
    actionBecause = `outside ${team.id}'s coverage (${timeZone}): best effort, warning (low urgency, never escalates)`;
  }

  const reason = `${because} -> ${incidentType.id}; ${teamBecause}; ${actionBecause}`;
  const consoleUrl = `https://${alarm.region}.console.aws.amazon.com/cloudwatch/home?region=${alarm.region}#alarmsV2:alarm/${encodeURIComponent(alarm.alarmName)}`;
  const summary = truncate(
    `${alarm.state === 'OK' ? 'RESOLVED' : alarm.state}: ${alarm.alarmName} — ${incidentType.name}${found ? ` (${found.model})` : ''}: ${alarm.reason}`,
    MAX_SUMMARY,
  );
  const customDetails = {
    incidentType: incidentType.id,
    incidentTypeName: incidentType.name,
    accountable: rolesWith(incidentType, policy, 'A'),
    consulted: rolesWith(incidentType, policy, 'C'),
    informed: rolesWith(incidentType, policy, 'I'),
    team: team.id,
    responseMinutes: team.onCall.responseMinutes,
    escalation: team.onCall.escalation.map((e) => `${e.afterMinutes} min: ${e.notify}`),
    runbook: incidentType.runbook,
    model: found?.model,
    project: found?.project,
    withinCoverage,
    routing: reason,
    alarm: {
      name: alarm.alarmName,
      arn: alarm.alarmArn,
      state: alarm.state,
      previousState: alarm.previousState,
      reason: truncate(alarm.reason, 2000),
      description: alarm.description && truncate(alarm.description, 1000),
      kind: alarm.kind,
      stateChangeTime: alarm.stateChangeTime,
      metrics: alarm.metrics.slice(0, 10),
      alarmRule: alarm.alarmRule && truncate(alarm.alarmRule, 2000),
      account: alarm.accountId,
      region: alarm.region,
    },
    console: consoleUrl,
  };

  return {
    action,
    alarmName: alarm.alarmName,
    state: alarm.state,
    incidentType: incidentType.id,
    team: team.id,
    service: service.id,
    routingKeySecret: service.routingKeySecret,
    severity,
    dedupKey: dedupKeyFor(alarm),
    withinCoverage,
    reason,
    holdUntil,
    model: found?.model,
    project: found?.project,
    summary,
    source: `${alarm.accountId}/${alarm.region}`,
    component: found?.model ?? alarm.metrics[0]?.namespace,
    group: found?.project,
    class: incidentType.id,
    timestamp: alarm.stateChangeTime,
    consoleUrl,
    customDetails,
  };
}
