/**
 * Checks a schema cannot express: cross references, uniqueness, and limits that AWS enforces
 * only at deploy time. Each check is a small function returning problems with the policy path to
 * blame, so the loader can point at the YAML line.
 */
import {
  budgetShardOf,
  MAX_BUDGETS_PER_STACK,
  RESOURCES_PER_BUDGET,
  reportSubscriptionsByShard,
} from './naming';
import type { GuardrailsPolicyInput, Project } from './schema';
import { tagKeyProblem, tagValueProblem } from './tags';
import { isValidTimeZone } from './time';

export type PolicyPath = readonly (string | number)[];
export interface PathProblem {
  readonly path: PolicyPath;
  readonly message: string;
}

/** CloudFormation accepts at most 5 notifications per AWS::Budgets::Budget. */
export const MAX_NOTIFICATIONS_PER_BUDGET = 5;
/** A budget notification takes at most 10 email subscribers (and 1 SNS topic). */
export const MAX_EMAILS_PER_NOTIFICATION = 10;

type Check = (policy: GuardrailsPolicyInput, projects: readonly Project[]) => PathProblem[];

function duplicates<T>(
  items: readonly T[],
  key: (t: T) => string,
  at: (i: number) => PolicyPath,
  what: string,
): PathProblem[] {
  const seen = new Map<string, number>();
  const out: PathProblem[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else
      out.push({
        path: at(i),
        message: `duplicate ${what} "${k}" (first defined at index ${first})`,
      });
  });
  return out;
}

const uniqueIds: Check = (p) => [
  ...duplicates(
    p.projects,
    (x) => x.id,
    (i) => ['projects', i, 'id'],
    'project id',
  ),
  ...duplicates(
    p.teams,
    (x) => x.id,
    (i) => ['teams', i, 'id'],
    'team id',
  ),
  ...duplicates(
    p.organisation.requiredTags,
    (x) => x.key,
    (i) => ['organisation', 'requiredTags', i, 'key'],
    'required tag key',
  ),
  ...duplicates(
    p.raci.groups,
    (x) => x.id,
    (i) => ['raci', 'groups', i, 'id'],
    'RACI group id',
  ),
  ...duplicates(
    p.raci.roles,
    (x) => x.id,
    (i) => ['raci', 'roles', i, 'id'],
    'RACI role id',
  ),
  ...duplicates(
    p.raci.activities,
    (x) => x.name,
    (i) => ['raci', 'activities', i, 'name'],
    'activity',
  ),
  ...duplicates(
    p.raci.incidentTypes,
    (x) => x.id,
    (i) => ['raci', 'incidentTypes', i, 'id'],
    'incident type id',
  ),
  ...duplicates(
    p.paging.services,
    (x) => x.id,
    (i) => ['paging', 'services', i, 'id'],
    'PagerDuty service id',
  ),
];

/** Model names must be unique across projects: an alarm's model selects one project and team. */
const uniqueModels: Check = (p) => {
  const seen = new Map<string, string>();
  const out: PathProblem[] = [];
  p.projects.forEach((proj, i) => {
    proj.models.forEach((m, j) => {
      const owner = seen.get(m.name);
      if (owner !== undefined) {
        out.push({
          path: ['projects', i, 'models', j, 'name'],
          message: `model "${m.name}" is already listed by project "${owner}"`,
        });
      } else seen.set(m.name, proj.id);
    });
  });
  return out;
};

const knownTeams: Check = (p) => {
  const teams = new Set(p.teams.map((t) => t.id));
  const unknown = (team: string | undefined, path: PolicyPath): PathProblem[] =>
    team === undefined || teams.has(team)
      ? []
      : [{ path, message: `unknown team "${team}" (known: ${[...teams].join(', ')})` }];
  return [
    ...p.projects.flatMap((proj, i) => unknown(proj.team, ['projects', i, 'team'])),
    ...p.raci.groups.flatMap((g, i) => unknown(g.team, ['raci', 'groups', i, 'team'])),
    ...p.raci.roles.flatMap((r, i) => unknown(r.team, ['raci', 'roles', i, 'team'])),
    ...unknown(p.paging.platformTeam, ['paging', 'platformTeam']),
    ...unknown(p.paging.revenueCritical?.team, ['paging', 'revenueCritical', 'team']),
  ];
};

const timeZones: Check = (p) => {
  const bad = (tz: string | undefined, path: PolicyPath): PathProblem[] =>
    tz === undefined || isValidTimeZone(tz)
      ? []
      : [
          {
            path,
            message: `unknown IANA time zone "${tz}" (e.g. Europe/Berlin, America/New_York)`,
          },
        ];
  return [
    ...bad(p.organisation.defaultTimeZone, ['organisation', 'defaultTimeZone']),
    ...p.teams.flatMap((t, i) => bad(t.onCall.timeZone, ['teams', i, 'onCall', 'timeZone'])),
  ];
};

const coverageWindows: Check = (p) =>
  p.teams.flatMap((t, i) => {
    const path = ['teams', i, 'onCall'];
    if (t.onCall.coverage === 'business-hours' && t.onCall.windows.length === 0)
      return [
        {
          path: [...path, 'windows'],
          message: 'a business-hours team needs at least one coverage window',
        },
      ];
    if (t.onCall.coverage === '24x7' && t.onCall.windows.length > 0)
      return [
        {
          path: [...path, 'windows'],
          message: 'a 24x7 team has no coverage windows (remove them or use business-hours)',
        },
      ];
    return t.onCall.windows.flatMap((w, j) =>
      w.start === w.end
        ? [
            {
              path: [...path, 'windows', j, 'end'],
              message: `window start and end are both ${w.start}`,
            },
          ]
        : [],
    );
  });

function ascending(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v > (values[i - 1] as number));
}

/** Where a project's effective setting comes from: its own override, or the defaults. */
function settingPath(
  input: GuardrailsPolicyInput,
  i: number,
  section: 'alerts' | 'autoStop',
  key: string,
): PolicyPath {
  const own = input.projects[i]?.[section] as Record<string, unknown> | undefined;
  return own && key in own ? ['projects', i, section, key] : ['defaults', section, key];
}

const budgetNotifications: Check = (input, projects) =>
  projects.flatMap((proj, i) => {
    const out: PathProblem[] = [];
    const { actualPct, forecastedPct } = proj.alerts;
    const stop = proj.autoStop;
    if (!ascending(actualPct))
      out.push({
        path: settingPath(input, i, 'alerts', 'actualPct'),
        message: `project "${proj.id}": ACTUAL thresholds must be in ascending order without repeats (got ${actualPct.join(', ')})`,
      });
    if (!ascending(forecastedPct))
      out.push({
        path: settingPath(input, i, 'alerts', 'forecastedPct'),
        message: `project "${proj.id}": FORECASTED thresholds must be in ascending order without repeats (got ${forecastedPct.join(', ')})`,
      });
    if (stop.mode !== 'off') {
      const highest = Math.max(...actualPct);
      if (actualPct.length > 0 && stop.thresholdPct <= highest)
        out.push({
          path: settingPath(input, i, 'autoStop', 'thresholdPct'),
          message: `project "${proj.id}": auto-stop threshold ${stop.thresholdPct}% must be above the highest ACTUAL alert (${highest}%), so finance is told before anything stops`,
        });
    }
    if (stop.mode === 'enforce' && !stop.verifySpend)
      out.push({
        path: settingPath(input, i, 'autoStop', 'verifySpend'),
        message: `project "${proj.id}": autoStop.verifySpend must be true in enforce mode, so only a budget whose spend DescribeBudget confirms can stop work (use mode dry-run to skip the check)`,
      });
    const count = actualPct.length + forecastedPct.length + (stop.mode === 'off' ? 0 : 1);
    if (count > MAX_NOTIFICATIONS_PER_BUDGET)
      out.push({
        path: ['projects', i],
        message: `project "${proj.id}" needs ${count} budget notifications (ACTUAL ${actualPct.length}, FORECASTED ${forecastedPct.length}${stop.mode === 'off' ? '' : ', auto-stop 1'}); CloudFormation allows at most ${MAX_NOTIFICATIONS_PER_BUDGET} per budget`,
      });
    const emails = new Set(
      [...proj.financeEmails, ...proj.ownerEmails].map((e) => e.toLowerCase()),
    );
    if (emails.size > MAX_EMAILS_PER_NOTIFICATION)
      out.push({
        path: ['projects', i, 'financeEmails'],
        message: `project "${proj.id}" has ${emails.size} distinct finance and owner emails; a budget notification takes at most ${MAX_EMAILS_PER_NOTIFICATION} (use a distribution list)`,
      });
    return out;
  });

const raciRows: Check = (p) => {
  const groups = new Set(p.raci.groups.map((g) => g.id));
  const roles = new Set(p.raci.roles.map((r) => r.id));
  const out: PathProblem[] = [];
  p.raci.activities.forEach((a, i) => {
    for (const key of Object.keys(a.assignments))
      if (!groups.has(key))
        out.push({
          path: ['raci', 'activities', i, 'assignments', key],
          message: `unknown RACI group "${key}" (known: ${[...groups].join(', ')})`,
        });
    for (const key of Object.keys(a.notes ?? {}))
      if (!(key in a.assignments))
        out.push({
          path: ['raci', 'activities', i, 'notes', key],
          message: `note for "${key}", which has no assignment in activity "${a.name}"`,
        });
    const owners = Object.values(a.assignments).filter((v) => v === 'owns').length;
    if (owners !== 1)
      out.push({
        path: ['raci', 'activities', i, 'assignments'],
        message: `activity "${a.name}" must have exactly one owner (Accountable), found ${owners}`,
      });
  });
  p.raci.incidentTypes.forEach((t, i) => {
    for (const key of Object.keys(t.assignments))
      if (!roles.has(key))
        out.push({
          path: ['raci', 'incidentTypes', i, 'assignments', key],
          message: `unknown RACI role "${key}" (known: ${[...roles].join(', ')})`,
        });
    for (const key of Object.keys(t.notes ?? {}))
      if (!(key in t.assignments))
        out.push({
          path: ['raci', 'incidentTypes', i, 'notes', key],
          message: `note for "${key}", which has no assignment in incident type "${t.id}"`,
        });
    const accountable = Object.entries(t.assignments).filter(([, v]) => v === 'A');
    if (accountable.length !== 1) {
      out.push({
        path: ['raci', 'incidentTypes', i, 'assignments'],
        message: `incident type "${t.id}" must have exactly one Accountable (A), found ${accountable.length}`,
      });
      return;
    }
    const [roleId] = accountable[0] as [string, string];
    const role = p.raci.roles.find((r) => r.id === roleId);
    if (role && role.team === undefined)
      out.push({
        path: ['raci', 'incidentTypes', i, 'assignments', roleId],
        message: `incident type "${t.id}" is owned by role "${roleId}", which has no team to page`,
      });
  });
  return out;
};

const contractReviews: Check = (p) => {
  const seen = new Set<string>();
  return p.contracts.reviews.flatMap((r, i) => {
    if (!seen.has(r.contract)) {
      seen.add(r.contract);
      return [];
    }
    return [
      {
        path: ['contracts', 'reviews', i, 'contract'],
        message: `contract "${r.contract}" is listed more than once`,
      },
    ];
  });
};

const tagRules: Check = (p) => {
  const out: PathProblem[] = [];
  const org = p.organisation;
  org.requiredTags.forEach((t, i) => {
    const kp = tagKeyProblem(t.key);
    if (kp) out.push({ path: ['organisation', 'requiredTags', i, 'key'], message: kp });
    t.allowedValues?.forEach((v, j) => {
      const vp = tagValueProblem(v);
      if (vp)
        out.push({ path: ['organisation', 'requiredTags', i, 'allowedValues', j], message: vp });
      // REQUIRED_TAGS takes allowed values as one comma-separated string.
      if (v.includes(','))
        out.push({
          path: ['organisation', 'requiredTags', i, 'allowedValues', j],
          message: `allowed value "${v}" must not contain a comma`,
        });
    });
  });
  if (!org.requiredTags.some((t) => t.key === org.projectTagKey))
    out.push({
      path: ['organisation', 'projectTagKey'],
      message: `project tag "${org.projectTagKey}" must be one of the required tags`,
    });
  for (const [key, value] of Object.entries(org.tags)) {
    const kp = tagKeyProblem(key);
    if (kp) out.push({ path: ['organisation', 'tags', key], message: kp });
    const vp = tagValueProblem(value);
    if (vp) out.push({ path: ['organisation', 'tags', key], message: vp });
  }
  org.requiredTags.forEach((t) => {
    const value = org.tags[t.key];
    if (value === undefined)
      out.push({
        path: ['organisation', 'tags'],
        message: `the app's own tags must include required tag "${t.key}"`,
      });
    else if (t.allowedValues && !t.allowedValues.includes(value))
      out.push({
        path: ['organisation', 'tags', t.key],
        message: `"${value}" is not an allowed value of ${t.key} (${t.allowedValues.join(', ')})`,
      });
  });
  const exempt = tagKeyProblem(p.defaults.autoStop.exemptionTag);
  if (exempt) out.push({ path: ['defaults', 'autoStop', 'exemptionTag'], message: exempt });
  p.projects.forEach((proj, i) => {
    for (const [field, value] of [
      ['id', proj.id],
      ['costCenter', proj.costCenter],
      ['team', proj.team],
    ] as const) {
      const vp = tagValueProblem(value);
      if (vp) out.push({ path: ['projects', i, field], message: vp });
    }
    proj.models.forEach((m, j) => {
      const vp = tagValueProblem(m.name);
      if (vp) out.push({ path: ['projects', i, 'models', j, 'name'], message: vp });
    });
    const ex = proj.autoStop?.exemptionTag;
    const ep = ex === undefined ? undefined : tagKeyProblem(ex);
    if (ep) out.push({ path: ['projects', i, 'autoStop', 'exemptionTag'], message: ep });
    for (const field of ['costCenter', 'team'] as const) {
      const key = field === 'costCenter' ? 'CostCenter' : 'Team';
      const allowed = org.requiredTags.find((t) => t.key === key)?.allowedValues;
      if (allowed && !allowed.includes(proj[field]))
        out.push({
          path: ['projects', i, field],
          message: `"${proj[field]}" is not an allowed value of ${key} (${allowed.join(', ')})`,
        });
    }
  });
  return out;
};

const pagingReferences: Check = (p) => {
  const out: PathProblem[] = [];
  const services = new Set(p.paging.services.map((s) => s.id));
  const incidentTypes = new Set(p.raci.incidentTypes.map((t) => t.id));
  const models = new Set(p.projects.flatMap((proj) => proj.models.map((m) => m.name)));
  p.teams.forEach((t, i) => {
    if (t.pagerdutyService !== undefined && !services.has(t.pagerdutyService))
      out.push({
        path: ['teams', i, 'pagerdutyService'],
        message: `unknown PagerDuty service "${t.pagerdutyService}" (known: ${[...services].join(', ')})`,
      });
  });
  p.paging.alarmRules.forEach((r, i) => {
    if (!incidentTypes.has(r.incidentType))
      out.push({
        path: ['paging', 'alarmRules', i, 'incidentType'],
        message: `unknown incident type "${r.incidentType}" (known: ${[...incidentTypes].join(', ')})`,
      });
    if (r.responsibility !== undefined) {
      // The responsibility decides who is paged, so exactly one team may answer for it.
      const owners = p.teams.filter((t) =>
        t.onCall.responsibilities.includes(r.responsibility ?? ''),
      );
      if (owners.length !== 1)
        out.push({
          path: ['paging', 'alarmRules', i, 'responsibility'],
          message:
            owners.length === 0
              ? `no team lists responsibility "${r.responsibility}" under onCall.responsibilities`
              : `responsibility "${r.responsibility}" is listed by several teams (${owners.map((t) => t.id).join(', ')}); list it under one`,
        });
    }
  });
  const dflt = p.paging.defaultIncidentType;
  if (dflt !== undefined && !incidentTypes.has(dflt))
    out.push({
      path: ['paging', 'defaultIncidentType'],
      message: `unknown incident type "${dflt}" (known: ${[...incidentTypes].join(', ')})`,
    });
  p.paging.revenueCritical?.models.forEach((m, i) => {
    if (!models.has(m))
      out.push({
        path: ['paging', 'revenueCritical', 'models', i],
        message: `unknown model "${m}": list it under a project's models`,
      });
  });
  // Every team that can be paged needs a PagerDuty service, or its pages would have nowhere to go.
  const paged = new Set<string>([p.paging.platformTeam]);
  if (p.paging.revenueCritical) paged.add(p.paging.revenueCritical.team);
  for (const t of p.raci.incidentTypes) {
    const roleId = Object.entries(t.assignments).find(([, v]) => v === 'A')?.[0];
    const team = p.raci.roles.find((r) => r.id === roleId)?.team;
    if (team) paged.add(team);
  }
  for (const r of p.paging.alarmRules)
    for (const t of p.teams)
      if (r.responsibility !== undefined && t.onCall.responsibilities.includes(r.responsibility))
        paged.add(t.id);
  p.teams.forEach((t, i) => {
    if (paged.has(t.id) && t.pagerdutyService === undefined)
      out.push({
        path: ['teams', i],
        message: `team "${t.id}" can be paged but has no pagerdutyService`,
      });
  });
  return out;
};

const stackCapacity: Check = (p, projects) => {
  const shards = p.organisation.budgetStacks;
  const counts = new Array<number>(shards).fill(0);
  for (const proj of p.projects) {
    const shard = budgetShardOf(proj.id, shards);
    counts[shard] = (counts[shard] ?? 0) + 1;
  }
  // Each report address's email subscription also lives in a budget stack.
  const subscriptions = reportSubscriptionsByShard(projects, shards);
  return counts.flatMap((budgets, shard) => {
    const reports = subscriptions[shard]?.length ?? 0;
    const total = budgets * RESOURCES_PER_BUDGET + reports;
    return total > MAX_BUDGETS_PER_STACK
      ? [
          {
            path: ['organisation', 'budgetStacks'],
            message: `budget stack ${shard} would hold ${budgets} budgets (${RESOURCES_PER_BUDGET} resources each) and ${reports} report subscriptions: ${total} resources (limit ${MAX_BUDGETS_PER_STACK}, CloudFormation allows 500); raise budgetStacks before the first deploy`,
          },
        ]
      : [];
  });
};

const CHECKS: readonly Check[] = [
  uniqueIds,
  uniqueModels,
  knownTeams,
  timeZones,
  coverageWindows,
  budgetNotifications,
  raciRows,
  contractReviews,
  tagRules,
  pagingReferences,
  stackCapacity,
];

/**
 * Every semantic problem. With `bestEffort` (a policy that failed the schema), a check that
 * trips over a malformed part is skipped: the schema already reported that part.
 */
export function semanticProblems(
  policy: GuardrailsPolicyInput,
  projects: readonly Project[],
  bestEffort = false,
): PathProblem[] {
  return CHECKS.flatMap((check) => {
    if (!bestEffort) return check(policy, projects);
    try {
      return check(policy, projects);
    } catch {
      return [];
    }
  });
}
