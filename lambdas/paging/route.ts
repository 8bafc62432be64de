/**
 * The paging decision, a pure function of (alarm, policy, now, what DescribeAlarms said): whether
 * the alarm is in scope at all, which incident type, which team and PagerDuty service, trigger /
 * resolve / hold / none, at which severity, and who among the Consulted and Informed is told.
 *
 * Scope first: an alarm pages only when a rule classifies it as an ML incident or it is one of
 * the guardrails' own alarms. Alarms of autoscaling policies, composite alarms whose actions are
 * suppressed, alarms whose actions are disabled and alarms that only feed a composite alarm page
 * nobody; unclassified alarms follow `paging.unclassified`.
 *
 * The service (and so the routing key) and the dedup key depend on the alarm and the policy
 * only, never on the clock: a PagerDuty resolve reaches its alert only with the same routing key
 * and dedup key as the trigger (PagerDuty developer docs, "Events API v2: Alert events",
 * dedup_key), so a resolve after a shift change must still go where the trigger went. Time
 * changes the severity and holds only.
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
import { globMatch } from './glob';

export { globMatch } from './glob';

export type RouteAction = 'trigger' | 'resolve' | 'hold' | 'none';

/** Why an alarm is (or is not) the router's business. */
export type RouteScope =
  | 'classified'
  | 'guardrails'
  | 'unclassified'
  | 'autoscaling'
  | 'suppressed'
  | 'actions-disabled'
  | 'feeds-composite'
  | 'other-account';

/** Incident type of alarms no rule matches when the policy has no `defaultIncidentType`. */
export const UNCLASSIFIED = 'unclassified';
/**
 * Start of the names of the guardrails' own alarms (GuardrailsMonitoring names them
 * `<namePrefix>-...`), so each deployment recognises its own and not another copy's.
 */
export function guardrailsAlarmPrefix(policy: Pick<GuardrailsPolicy, 'organisation'>): string {
  return `${policy.organisation.namePrefix}-`;
}
/**
 * PagerDuty's limits (Events API v2 reference, "Send an event"): dedup_key ≤ 255 characters,
 * summary ≤ 1024 characters.
 */
export const MAX_DEDUP_KEY = 255;
export const MAX_SUMMARY = 1024;
/** Alarm-supplied text kept in an incident: CloudWatch's own limits are 1,024 (reason, description). */
export const MAX_ALARM_TEXT = 1024;

/** What DescribeAlarms said about the alarm (EventBridge events lack actions and parents). */
export type AlarmLookup =
  | {
      readonly status: 'found';
      readonly actionsEnabled: boolean;
      readonly alarmActions: readonly string[];
      /** Composite alarms whose rule names this alarm (`ParentsOfAlarmName`). */
      readonly parents: readonly string[];
    }
  | { readonly status: 'not-found' }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'not-needed'; readonly why: string };

/** Inputs besides the alarm, the policy and the clock. */
export interface RouteContext {
  readonly lookup?: AlarmLookup;
  /** The account the router runs in; alarms of other accounts page nobody. */
  readonly ownAccount?: string;
}

/** A team (or a role without one) that is told about a triggered page. */
export interface NotifyTarget {
  readonly role: string;
  readonly letter: 'C' | 'I';
  /** Team whose notification topic is used; undefined when the role has no team. */
  readonly team?: string;
}

export interface RouteDecision {
  readonly action: RouteAction;
  readonly scope: RouteScope;
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
  /** Every step of the reasoning, in order (the route CLI prints them). */
  readonly steps: readonly string[];
  /** For `hold`: when the team's next coverage window opens (ISO 8601). */
  readonly holdUntil?: string;
  readonly model?: string;
  readonly project?: string;
  /** Consulted and Informed roles told when the page is triggered. */
  readonly notify: readonly NotifyTarget[];
  readonly summary: string;
  /** Events API v2 payload fields besides summary and severity. */
  readonly source: string;
  readonly component?: string;
  readonly group?: string;
  readonly class: string;
  readonly timestamp: string;
  readonly consoleUrl: string;
  readonly runbook?: string;
  readonly customDetails: Readonly<Record<string, unknown>>;
}

type AlarmRule = GuardrailsPolicy['paging']['alarmRules'][number];
type AlarmRuleMatch = AlarmRule['match'];

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

/**
 * Dimensions that name an endpoint: `EndpointName` (`AWS/SageMaker` invocation metrics, SageMaker
 * developer guide "Amazon SageMaker AI metrics in Amazon CloudWatch"; also the built-in Model
 * Monitor container's `/aws/sagemaker/Endpoints/data-metric`, "CloudWatch Metrics" in the Model
 * Monitor guide) and `Endpoint` (Model Monitor metrics of custom containers and the model
 * quality, bias and explainability jobs, "CloudWatch Metrics for Bring Your Own Containers").
 */
export const ENDPOINT_DIMENSIONS = ['EndpointName', 'Endpoint'] as const;
/**
 * Dimensions whose values usually carry the model's or endpoint's name: monitoring schedules
 * (`MonitoringSchedule`, and `ScheduleName` of the built-in container) and inference components
 * (`InferenceComponentName`, SageMaker guide "Inference component metrics").
 */
export const NAMED_DIMENSIONS = ['MonitoringSchedule', 'ScheduleName', 'InferenceComponentName'];

function dimensionValues(alarm: AlarmChange, names: readonly string[]) {
  return alarm.metrics.flatMap((m) =>
    names.flatMap((n) =>
      Object.hasOwn(m.dimensions, n) ? [{ name: n, value: m.dimensions[n] as string }] : [],
    ),
  );
}

/** The model an alarm is about, and how it was found. */
export function modelOf(
  alarm: AlarmChange,
  policy: GuardrailsPolicy,
): { model: string; project: string; via: string } | undefined {
  const endpoints = dimensionValues(alarm, [...ENDPOINT_DIMENSIONS, ...NAMED_DIMENSIONS]);
  for (const project of policy.projects)
    for (const model of project.models)
      for (const e of endpoints)
        if (model.endpoints.some((g) => globMatch(g, e.value)))
          return {
            model: model.name,
            project: project.id,
            via: `dimension ${e.name}=${e.value} matches the endpoints of ${model.name}`,
          };
  // By name: the longest model name a schedule, component or the alarm name mentions
  // (fraud_detection or fraud-detection).
  const names = [
    ...dimensionValues(alarm, NAMED_DIMENSIONS),
    { name: 'alarm name', value: alarm.alarmName },
  ];
  let best: { model: string; project: string; via: string; length: number } | undefined;
  for (const project of policy.projects)
    for (const model of project.models)
      for (const n of names) {
        const mentioned =
          n.value.includes(model.name) || n.value.includes(model.name.replaceAll('_', '-'));
        if (mentioned && (best === undefined || model.name.length > best.length))
          best = {
            model: model.name,
            project: project.id,
            via: `${n.name === 'alarm name' ? 'the alarm name' : `dimension ${n.name}=${n.value}`} mentions ${model.name}`,
            length: model.name.length,
          };
      }
  return best && { model: best.model, project: best.project, via: best.via };
}

/** Stable per alarm: the alarm ARN, or a readable prefix plus a SHA-256 when it is too long. */
export function dedupKeyFor(alarm: AlarmChange): string {
  const key = alarm.alarmArn;
  if (key.length <= MAX_DEDUP_KEY) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, MAX_DEDUP_KEY - hash.length - 8)}…sha256:${hash}`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Printable, single-line and bounded: alarm text goes into pages as data, never as markup. */
function alarmText(text: string, max = MAX_ALARM_TEXT): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return truncate(text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim(), max);
}

interface Classification {
  readonly scope: 'classified' | 'guardrails' | 'unclassified';
  readonly incidentType: IncidentType;
  readonly rule?: AlarmRule;
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

function describe(match: AlarmRuleMatch): string {
  const parts: string[] = [];
  if (match.alarmName) parts.push(`alarmName ${match.alarmName}`);
  if (match.namespace) parts.push(`namespace ${match.namespace}`);
  if (match.metricName) parts.push(`metricName ${match.metricName}`);
  for (const [k, v] of Object.entries(match.dimensions ?? {})) parts.push(`${k}=${v}`);
  return parts.join(', ');
}

function classify(alarm: AlarmChange, policy: GuardrailsPolicy): Classification {
  const types = policy.raci.incidentTypes;
  const rules = policy.paging.alarmRules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as AlarmRule;
    if (!ruleMatches(alarm, rule.match)) continue;
    const type = types.find((t) => t.id === rule.incidentType);
    if (type)
      return {
        scope: 'classified',
        incidentType: type,
        rule,
        because: `alarm rule ${i + 1} (${describe(rule.match)}) -> ${type.id}`,
      };
  }
  const ownPrefix = guardrailsAlarmPrefix(policy);
  if (alarm.alarmName.startsWith(ownPrefix))
    return {
      scope: 'guardrails',
      incidentType: { ...UNCLASSIFIED_TYPE, id: 'guardrails-alarm', name: 'ml-guardrails alarm' },
      because: `no alarm rule matched, but the name starts with ${ownPrefix}: one of the guardrails' own alarms`,
    };
  const dflt = types.find((t) => t.id === policy.paging.defaultIncidentType);
  if (dflt)
    return {
      scope: 'classified',
      incidentType: dflt,
      because: `no alarm rule matched: defaultIncidentType -> ${dflt.id}`,
    };
  return {
    scope: 'unclassified',
    incidentType: UNCLASSIFIED_TYPE,
    because: `no alarm rule matched: unclassified (paging.unclassified: ${policy.paging.unclassified})`,
  };
}

function roleName(policy: GuardrailsPolicy, roleId: string): string {
  return policy.raci.roles.find((r) => r.id === roleId)?.name ?? roleId;
}

function rolesWith(type: IncidentType, policy: GuardrailsPolicy, letter: 'A' | 'C' | 'I') {
  return Object.entries(type.assignments)
    .filter(([, v]) => v === letter)
    .map(([roleId]) => roleName(policy, roleId));
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

/**
 * Alarms Application Auto Scaling (or EC2 Auto Scaling) creates or drives: target tracking
 * alarms are named `TargetTracking-…` ("Target tracking scaling policies for Application Auto
 * Scaling": it "creates and manages the CloudWatch alarms"), step scaling alarms have a scaling
 * policy ARN (`arn:…:autoscaling:…:scalingPolicy:…`) as their action, and SageMaker's
 * scale-from-zero alarm for asynchronous endpoints watches `HasBacklogWithoutCapacity`
 * (SageMaker guide, "Autoscale an asynchronous endpoint").
 */
export function scalingAlarmReason(alarm: AlarmChange, lookup?: AlarmLookup): string | undefined {
  if (alarm.alarmName.startsWith('TargetTracking-'))
    return 'a target tracking alarm (TargetTracking-…) that Application Auto Scaling manages';
  if (alarm.metrics.some((m) => m.metricName === 'HasBacklogWithoutCapacity'))
    return "an asynchronous endpoint's scale-from-zero alarm (HasBacklogWithoutCapacity)";
  if (lookup?.status === 'found') {
    const policyAction = lookup.alarmActions.find((a) => /^arn:aws[a-z-]*:autoscaling:/.test(a));
    if (policyAction) return `its action is a scaling policy (${truncate(policyAction, 200)})`;
  }
  return undefined;
}

/** Decides what one alarm state change does. Pure: `now` is the only clock. */
export function route(
  alarm: AlarmChange,
  policy: GuardrailsPolicy,
  now: Date,
  context: RouteContext = {},
): RouteDecision {
  const steps: string[] = [];
  for (const d of alarm.derived ?? []) steps.push(`input: ${d}`);
  const lookup = context.lookup;
  if (lookup?.status === 'failed')
    steps.push(
      `DescribeAlarms failed (${lookup.error}): actions and parents unknown, so paging anyway (fail open)`,
    );
  else if (lookup?.status === 'not-found')
    steps.push(
      'DescribeAlarms does not know the alarm (deleted since?): treated as enabled, no parents',
    );
  else if (lookup?.status === 'not-needed') steps.push(`DescribeAlarms not needed: ${lookup.why}`);

  const classification = classify(alarm, policy);
  const { incidentType } = classification;
  steps.push(classification.because);
  const found = modelOf(alarm, policy);
  if (found) steps.push(`model ${found.model} (project ${found.project}): ${found.via}`);
  else steps.push('no model: no endpoint, schedule or component dimension or name matches a model');

  // Out of scope: reasons that no policy setting overrides.
  let outOfScope: { scope: RouteScope; why: string } | undefined;
  const scaling = scalingAlarmReason(alarm, lookup);
  if (context.ownAccount && alarm.accountId !== context.ownAccount)
    outOfScope = {
      scope: 'other-account',
      why: `the alarm is in account ${alarm.accountId}, not this account (${context.ownAccount})`,
    };
  else if (scaling)
    outOfScope = { scope: 'autoscaling', why: `autoscaling never pages: ${scaling}` };
  else if (alarm.actionsSuppressedBy && alarm.state !== 'OK')
    outOfScope = {
      scope: 'suppressed',
      why: `the composite alarm's actions are suppressed (actionsSuppressedBy ${alarm.actionsSuppressedBy}${alarm.actionsSuppressedReason ? `: ${alarmText(alarm.actionsSuppressedReason, 200)}` : ''})`,
    };
  else if (lookup?.status === 'found' && !lookup.actionsEnabled)
    outOfScope = { scope: 'actions-disabled', why: 'the alarm has its actions disabled' };
  else if (
    lookup?.status === 'found' &&
    lookup.parents.length > 0 &&
    lookup.alarmActions.length === 0
  )
    outOfScope = {
      scope: 'feeds-composite',
      why: `the alarm has no actions of its own and feeds composite alarm ${lookup.parents.slice(0, 3).join(', ')}, which pages instead`,
    };

  // Who: the rule's responsibility, else the Accountable role's team, else the platform team.
  let teamId: string;
  const platformTeam = policy.paging.platformTeam;
  const responsibility = classification.rule?.responsibility;
  const owner =
    responsibility === undefined
      ? undefined
      : policy.teams.find((t) => t.onCall.responsibilities.includes(responsibility));
  const accountable = accountableTeam(incidentType, policy);
  if (owner) {
    teamId = owner.id;
    steps.push(
      `responsibility ${responsibility} is on ${owner.id}'s on-call policy: ${owner.id} is paged`,
    );
  } else if (classification.scope === 'classified' && accountable) {
    teamId = accountable;
    steps.push(`the Accountable role's team is ${accountable}`);
  } else {
    teamId = platformTeam;
    steps.push(`no owning team: the platform team ${platformTeam} is paged`);
  }
  const revenue = policy.paging.revenueCritical;
  if (found && revenue?.models.includes(found.model)) {
    if (teamId === platformTeam)
      steps.push(
        `model ${found.model} is revenue-critical, but the incident is ${platformTeam}'s: ${platformTeam} is still paged`,
      );
    else {
      steps.push(
        `model ${found.model} is revenue-critical: ${revenue.team} is paged 24x7 instead of ${teamId}`,
      );
      teamId = revenue.team;
    }
  }
  let team = teamById(policy, teamId);
  if (team.pagerdutyService === undefined) {
    steps.push(`${team.id} has no PagerDuty service, so the platform team is paged`);
    team = teamById(policy, platformTeam);
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
  const unclassifiedMode = policy.paging.unclassified;
  if (outOfScope) {
    action = 'none';
    actionBecause = `not paged: ${outOfScope.why}`;
  } else if (classification.scope === 'unclassified' && unclassifiedMode === 'ignore') {
    action = 'none';
    actionBecause =
      'not paged: unclassified alarms are ignored (paging.unclassified: ignore); counted in alarmsUnclassified';
  } else if (alarm.state === 'OK') {
    action = incidentType.onOk === 'resolve' ? 'resolve' : 'none';
    actionBecause =
      action === 'resolve'
        ? 'OK resolves the alert (same service and dedup key as the trigger)'
        : `OK is ignored for ${incidentType.id} (onOk: ignore)`;
  } else if (!pages) {
    action = 'none';
    severity = 'info';
    actionBecause = `INSUFFICIENT_DATA does not page for ${incidentType.id} (onInsufficientData: ignore)`;
  } else if (classification.scope === 'unclassified' && unclassifiedMode === 'low-urgency') {
    action = 'trigger';
    severity = 'warning';
    actionBecause =
      'unclassified: warning (low urgency) to the platform team (paging.unclassified: low-urgency)';
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
  steps.push(actionBecause);

  // Consulted and Informed: told when a page is triggered (not for holds or resolves).
  const notify: NotifyTarget[] = [];
  for (const [roleId, letter] of Object.entries(incidentType.assignments)) {
    if (letter !== 'C' && letter !== 'I') continue;
    const roleTeam = policy.raci.roles.find((r) => r.id === roleId)?.team;
    if (roleTeam === team.id) continue;
    notify.push({ role: roleName(policy, roleId), letter, team: roleTeam });
  }
  if (action === 'trigger' && notify.length > 0) {
    const teams = [...new Set(notify.flatMap((n) => (n.team ? [n.team] : [])))];
    const unreachable = notify.filter((n) => !n.team).map((n) => n.role);
    steps.push(
      `Consulted and Informed: ${teams.length > 0 ? `notify ${teams.join(', ')}` : 'no team topic'}${unreachable.length > 0 ? `; ${unreachable.join(', ')} ha${unreachable.length > 1 ? 've' : 's'} no team to notify` : ''}`,
    );
  }

  // The one-line reason keeps the decision steps; the route CLI prints all of them.
  const reason = steps
    .filter((x) => !/^(input:|DescribeAlarms|model \S+ \(project |no model|Consulted)/.test(x))
    .join('; ');
  const consoleUrl = `https://${alarm.region}.console.aws.amazon.com/cloudwatch/home?region=${alarm.region}#alarmsV2:alarm/${encodeURIComponent(alarm.alarmName)}`;
  // The summary is ours (state, incident type, model, the alarm's name); the alarm's free text
  // (reason, description) is set by whoever created the alarm, so it goes into custom details,
  // bounded and labelled as such, never into the summary a responder reads first.
  const summary = truncate(
    `${alarm.state === 'OK' ? 'RESOLVED' : alarm.state}: ${incidentType.name}${found ? ` (${found.model})` : ''} — CloudWatch alarm "${alarmText(alarm.alarmName, 300)}"`,
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
    routing: truncate(reason, 2000),
    alarm: {
      name: alarm.alarmName,
      arn: alarm.alarmArn,
      state: alarm.state,
      previousState: alarm.previousState,
      kind: alarm.kind,
      stateChangeTime: alarm.stateChangeTime,
      metrics: alarm.metrics.slice(0, 10),
      account: alarm.accountId,
      region: alarm.region,
    },
    fromAlarm: {
      note: 'Text below is copied from the CloudWatch alarm (set by whoever created it), bounded, not verified',
      reason: alarmText(alarm.reason),
      description: alarm.description === undefined ? undefined : alarmText(alarm.description),
      alarmRule: alarm.alarmRule && alarmText(alarm.alarmRule),
    },
    console: consoleUrl,
  };

  return {
    action,
    scope: outOfScope?.scope ?? classification.scope,
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
    steps,
    holdUntil,
    model: found?.model,
    project: found?.project,
    notify: action === 'trigger' ? notify : [],
    summary,
    source: `${alarm.accountId}/${alarm.region}`,
    component: found?.model ?? alarm.metrics[0]?.namespace,
    group: found?.project,
    class: incidentType.id,
    timestamp: alarm.stateChangeTime,
    consoleUrl,
    runbook: incidentType.runbook,
    customDetails,
  };
}
