/**
 * Model API contracts: which versions are served, how they are retired, and the deprecation
 * timeline every deprecated version walks through (T-90 announce, T-60 brownout, T-30
 * blackout, T-0 delete, counted back from its end-of-life date).
 *
 * Pure: "today" is a parameter, dates are calendar days in UTC.
 */
import { z } from 'zod';
import { parseYamlWithSchema, readYamlText, YamlValidationError } from '../config/load';

const IsoDate = z
  .string({ message: 'must be a date as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' })
  .refine((s) => toDay(s) !== undefined, { message: 'is not a calendar date' });

/** YAML reads `2` as a number; a version is always text. */
const VersionName = z.union([z.string().min(1), z.number()]).transform(String);

export const API_VERSION_STATUSES = ['current', 'deprecated', 'sunset'] as const;

export const ApiVersionSchema = z.strictObject({
  version: VersionName,
  status: z.enum(API_VERSION_STATUSES),
  releasedOn: IsoDate.optional(),
  /** Day the deprecation was announced to consumers (start of the notice period). */
  deprecatedOn: IsoDate.optional(),
  /** Day the version stops being served (T-0). */
  endOfLife: IsoDate.optional(),
  /** A URL, or a path in the API's repository (as the chapter's example has it). */
  migrationGuide: z
    .string()
    .min(1)
    .refine((v) => /^https:\/\//.test(v) || !/^[a-z][a-z0-9+.-]*:/i.test(v), {
      message: 'must be an https URL or a repository path',
    })
    .optional(),
  /** Whether the version still answers requests. @default true unless the status is sunset */
  served: z.boolean().optional(),
  /** Day of the planned brownout (short outages that show consumers what will break). */
  brownoutOn: IsoDate.optional(),
  /** Day of the planned blackout (requests rejected for a longer window). */
  blackoutOn: IsoDate.optional(),
});
export type ApiVersion = z.infer<typeof ApiVersionSchema>;

export const ApiContractSchema = z.strictObject({
  name: z.string().min(1),
  /** Model name in the guardrails policy that serves this API. */
  model: z.string().min(1).optional(),
  currentVersion: VersionName,
  versions: z.array(ApiVersionSchema).min(1),
  deprecationPolicy: z.strictObject({
    /** Minimum days between announcing a deprecation and the end of life. */
    noticePeriodDays: z.number().int().min(0),
    /** How many versions besides the current one may still be served. */
    previousVersionsKept: z.number().int().min(0),
    /** Deprecated versions must plan a brownout and a blackout before their end of life. */
    brownoutTesting: z.boolean().optional(),
  }),
  sla: z.strictObject({
    availabilityPct: z.number().gt(0).max(100),
    p99LatencyMs: z.number().positive(),
    errorRatePct: z.number().min(0).max(100),
  }),
});
export type ApiContract = z.infer<typeof ApiContractSchema>;

/** A number, or text the parser turns into one; any other text is reported with `message`. */
const numberFrom = (parse: (text: string) => number | undefined, message: string) =>
  z.union([z.number(), z.string()], { message }).transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const n = parse(v.trim());
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return n;
  });

/** `99.9%` or 99.9, in percent. */
const Percent = numberFrom((t) => {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  return m ? Number(m[1]) : undefined;
}, 'must be a percentage like 99.9%');

/** `200ms`, `1s` or a number, in milliseconds. */
const Millis = numberFrom((t) => {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s)$/.exec(t);
  return m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : undefined;
}, 'must be a duration like 200ms or 1s');

/**
 * The contract as the book chapter prints it (`model_api:` with snake_case keys, SLA values
 * such as `99.9%` and `200ms`, `end_of_life: null` for the current version), read into the
 * same shape as the project's own format.
 */
export const ChapterApiContractSchema = z
  .strictObject({
    model_api: z.strictObject({
      name: z.string().min(1),
      current_version: VersionName,
      supported_versions: z
        .array(
          z.strictObject({
            version: VersionName,
            status: z.enum(API_VERSION_STATUSES),
            released_on: IsoDate.optional(),
            deprecated_on: IsoDate.optional(),
            end_of_life: IsoDate.nullable().optional(),
            migration_guide: ApiVersionSchema.shape.migrationGuide,
            served: z.boolean().optional(),
            brownout_on: IsoDate.optional(),
            blackout_on: IsoDate.optional(),
          }),
        )
        .min(1),
      deprecation_policy: z.strictObject({
        notice_period_days: z.number().int().min(0),
        support_previous_versions: z.number().int().min(0),
        brownout_testing: z.boolean().default(false),
      }),
      sla: z.strictObject({
        availability: Percent.pipe(z.number().gt(0).max(100)),
        latency_p99: Millis.pipe(z.number().positive()),
        error_rate: Percent.pipe(z.number().min(0).max(100)),
      }),
    }),
  })
  .transform(
    ({ model_api: m }): ApiContract => ({
      name: m.name,
      // The chapter names the API after the model that serves it.
      model: m.name,
      currentVersion: m.current_version,
      versions: m.supported_versions.map((v) => ({
        version: v.version,
        status: v.status,
        ...(v.released_on ? { releasedOn: v.released_on } : {}),
        ...(v.deprecated_on ? { deprecatedOn: v.deprecated_on } : {}),
        ...(v.end_of_life ? { endOfLife: v.end_of_life } : {}),
        ...(v.migration_guide ? { migrationGuide: v.migration_guide } : {}),
        ...(v.served === undefined ? {} : { served: v.served }),
        ...(v.brownout_on ? { brownoutOn: v.brownout_on } : {}),
        ...(v.blackout_on ? { blackoutOn: v.blackout_on } : {}),
      })),
      deprecationPolicy: {
        noticePeriodDays: m.deprecation_policy.notice_period_days,
        previousVersionsKept: m.deprecation_policy.support_previous_versions,
        brownoutTesting: m.deprecation_policy.brownout_testing,
      },
      sla: {
        availabilityPct: m.sla.availability,
        p99LatencyMs: m.sla.latency_p99,
        errorRatePct: m.sla.error_rate,
      },
    }),
  );

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for a YYYY-MM-DD date, or undefined when it is not a calendar date. */
export function toDay(iso: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return t / DAY_MS;
}

/** YYYY-MM-DD for a day number. */
export function fromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Phases of a deprecated version, in order. */
export const PHASES = ['scheduled', 'announce', 'brownout', 'blackout', 'delete'] as const;
export type Phase = (typeof PHASES)[number];

type PhaseStarts = Readonly<Record<Exclude<Phase, 'scheduled'>, number>>;

/**
 * Days before end of life at which each phase starts, derived from the notice period: the
 * announcement opens it, the brownout starts after a third of it, the blackout after two
 * thirds (a 90-day notice gives the chapter's T-90, T-60, T-30, T-0). The boundary day
 * belongs to the later phase: the end-of-life day itself is `delete`.
 */
export function phaseStarts(noticePeriodDays = 90): PhaseStarts {
  return {
    announce: noticePeriodDays,
    brownout: Math.round((noticePeriodDays * 2) / 3),
    blackout: Math.round(noticePeriodDays / 3),
    delete: 0,
  };
}

/** The phase starts of the chapter's 90-day notice. */
export const PHASE_STARTS: PhaseStarts = phaseStarts(90);

/** Phase of a version whose end of life is `daysToEol` days away (negative: in the past). */
export function phaseFor(daysToEol: number, starts: PhaseStarts = PHASE_STARTS): Phase {
  if (daysToEol <= starts.delete) return 'delete';
  if (daysToEol <= starts.blackout) return 'blackout';
  if (daysToEol <= starts.brownout) return 'brownout';
  if (daysToEol <= starts.announce) return 'announce';
  return 'scheduled';
}

export interface TimelineEntry {
  readonly version: string;
  readonly endOfLife: string;
  /** Days from today to the end of life; negative once it has passed. */
  readonly daysToEol: number;
  readonly phase: Phase;
  /** Day the current phase started (undefined for `scheduled`). */
  readonly phaseStartedOn?: string;
  readonly nextPhase?: Phase;
  readonly nextPhaseOn?: string;
}

/** Where a deprecated version with an end-of-life date stands on the timeline today. */
export function timelineFor(
  version: string,
  endOfLife: string,
  today: number,
  starts: PhaseStarts = PHASE_STARTS,
): TimelineEntry {
  const eol = toDay(endOfLife) ?? today;
  const daysToEol = eol - today;
  const phase = phaseFor(daysToEol, starts);
  const idx = PHASES.indexOf(phase);
  const next = PHASES[idx + 1];
  const startOf = (p: Phase) =>
    p === 'scheduled' ? undefined : fromDay(eol - starts[p as Exclude<Phase, 'scheduled'>]);
  return {
    version,
    endOfLife,
    daysToEol,
    phase,
    ...(phase === 'scheduled' ? {} : { phaseStartedOn: startOf(phase) }),
    ...(next ? { nextPhase: next, nextPhaseOn: startOf(next) } : {}),
  };
}

export const VIOLATION_RULES = [
  'current-version',
  'duplicate-version',
  'missing-end-of-life',
  'notice-too-short',
  'too-many-previous-versions',
  'sunset-still-served',
  'past-end-of-life',
  'missing-migration-guide',
  'missing-brownout-plan',
  'unknown-model',
  'sla-beyond-policy',
] as const;
export type ViolationRule = (typeof VIOLATION_RULES)[number];

export interface Violation {
  readonly rule: ViolationRule;
  /** The version concerned, when there is one. */
  readonly version?: string;
  readonly message: string;
}

export interface ApiContractReport {
  readonly name: string;
  readonly today: string;
  readonly currentVersion: string;
  readonly versions: readonly {
    readonly version: string;
    readonly status: ApiVersion['status'];
    readonly served: boolean;
    readonly endOfLife?: string;
  }[];
  /** Days before end of life at which each phase starts (from the notice period). */
  readonly phaseStarts: PhaseStarts;
  readonly timeline: readonly TimelineEntry[];
  readonly violations: readonly Violation[];
}

const isServed = (v: ApiVersion) => v.served ?? v.status !== 'sunset';

/** Check the contract against its own deprecation policy as of `today` (YYYY-MM-DD). */
export interface PolicyModel {
  readonly name: string;
  readonly sla?: { readonly p99LatencyMs?: number; readonly availabilityPct?: number };
}

export interface CheckApiContractOptions {
  /** The models of the guardrails policy: when given, `model` must be one and its SLA is the floor. */
  readonly policyModels?: readonly PolicyModel[];
}

export function checkApiContract(
  contract: ApiContract,
  todayIso: string,
  options: CheckApiContractOptions = {},
): ApiContractReport {
  const today = toDay(todayIso);
  if (today === undefined) throw new RangeError(`today "${todayIso}" is not a YYYY-MM-DD date`);
  const violations: Violation[] = [];
  const add = (rule: ViolationRule, message: string, version?: string) =>
    violations.push({ rule, message, ...(version === undefined ? {} : { version }) });
  const { noticePeriodDays, previousVersionsKept } = contract.deprecationPolicy;

  const seen = new Set<string>();
  for (const v of contract.versions) {
    if (seen.has(v.version))
      add('duplicate-version', `version ${v.version} is listed more than once`, v.version);
    seen.add(v.version);
  }

  const current = contract.versions.filter((v) => v.status === 'current');
  const declared = contract.versions.find((v) => v.version === contract.currentVersion);
  if (!declared)
    add(
      'current-version',
      `currentVersion ${contract.currentVersion} is not listed under versions`,
      contract.currentVersion,
    );
  else if (declared.status !== 'current')
    add(
      'current-version',
      `currentVersion ${contract.currentVersion} has status ${declared.status}`,
      contract.currentVersion,
    );
  if (current.length > 1)
    add(
      'current-version',
      `${current.length} versions have status current (${current.map((v) => v.version).join(', ')}); exactly one may`,
    );

  for (const v of contract.versions) {
    if (v.status === 'current') continue;
    const eol = v.endOfLife === undefined ? undefined : toDay(v.endOfLife);
    if (eol === undefined) {
      add(
        'missing-end-of-life',
        `${v.status} version ${v.version} has no endOfLife date`,
        v.version,
      );
    } else if (v.deprecatedOn !== undefined) {
      const notice = eol - (toDay(v.deprecatedOn) ?? eol);
      if (notice < noticePeriodDays)
        add(
          'notice-too-short',
          `version ${v.version} ends ${notice} days after its deprecation was announced (${v.deprecatedOn} → ${v.endOfLife}); the policy requires ${noticePeriodDays} days of notice`,
          v.version,
        );
    } else if (v.status === 'deprecated') {
      // Without an announcement date the notice can only be counted from today.
      if (eol - today < noticePeriodDays)
        add(
          'notice-too-short',
          `version ${v.version} has no deprecatedOn date and ends ${eol - today} days from today (${v.endOfLife}); the policy requires ${noticePeriodDays} days of notice`,
          v.version,
        );
    }
    if (v.status === 'sunset' && isServed(v))
      add(
        'sunset-still-served',
        `version ${v.version} is sunset but still served: stop serving it`,
        v.version,
      );
    if (v.status === 'deprecated' && eol !== undefined && today >= eol && isServed(v))
      add(
        'past-end-of-life',
        `version ${v.version} reached its end of life on ${v.endOfLife} and is still served: delete it and mark it sunset`,
        v.version,
      );
    if (v.status === 'deprecated' && contract.deprecationPolicy.brownoutTesting) {
      const brown = v.brownoutOn === undefined ? undefined : toDay(v.brownoutOn);
      const black = v.blackoutOn === undefined ? undefined : toDay(v.blackoutOn);
      if (brown === undefined || black === undefined)
        add(
          'missing-brownout-plan',
          `deprecated version ${v.version} has no ${brown === undefined ? 'brownoutOn' : 'blackoutOn'} date; brownout testing is required before its end of life`,
          v.version,
        );
      else if (!(brown < black && (eol === undefined || black < eol)))
        add(
          'missing-brownout-plan',
          `version ${v.version} must have its brownout (${v.brownoutOn}) before its blackout (${v.blackoutOn}), both before its end of life (${v.endOfLife ?? 'not set'})`,
          v.version,
        );
    }
    if (v.status === 'deprecated' && v.migrationGuide === undefined)
      add(
        'missing-migration-guide',
        `deprecated version ${v.version} has no migrationGuide`,
        v.version,
      );
  }

  const previous = contract.versions.filter((v) => v.status !== 'current' && isServed(v));
  if (previous.length > previousVersionsKept)
    add(
      'too-many-previous-versions',
      `${previous.length} previous versions are served (${previous.map((v) => v.version).join(', ')}); the policy keeps at most ${previousVersionsKept}`,
    );

  if (options.policyModels && contract.model !== undefined) {
    const model = options.policyModels.find((m) => m.name === contract.model);
    if (!model)
      add(
        'unknown-model',
        `model ${contract.model} is not in the guardrails policy (known: ${options.policyModels.map((m) => m.name).join(', ')})`,
      );
    const agreed = model?.sla;
    // An API may not promise consumers more than the model's owners agreed to in the policy.
    if (agreed?.p99LatencyMs !== undefined && contract.sla.p99LatencyMs < agreed.p99LatencyMs)
      add(
        'sla-beyond-policy',
        `the contract promises p99 ${contract.sla.p99LatencyMs} ms, tighter than the policy's ${agreed.p99LatencyMs} ms for ${contract.model}`,
      );
    if (
      agreed?.availabilityPct !== undefined &&
      contract.sla.availabilityPct > agreed.availabilityPct
    )
      add(
        'sla-beyond-policy',
        `the contract promises ${contract.sla.availabilityPct}% availability, more than the policy's ${agreed.availabilityPct}% for ${contract.model}`,
      );
  }

  const timeline = contract.versions
    .filter((v) => v.status === 'deprecated' && v.endOfLife && toDay(v.endOfLife) !== undefined)
    .map((v) =>
      timelineFor(v.version, v.endOfLife as string, today, phaseStarts(noticePeriodDays)),
    );

  return {
    name: contract.name,
    today: todayIso,
    currentVersion: contract.currentVersion,
    versions: contract.versions.map((v) => ({
      version: v.version,
      status: v.status,
      served: isServed(v),
      ...(v.endOfLife === undefined ? {} : { endOfLife: v.endOfLife }),
    })),
    phaseStarts: phaseStarts(noticePeriodDays),
    timeline,
    violations,
  };
}

/** Parse contract text; throws YamlValidationError with `file:line path: message` problems. */
export function parseApiContract(text: string, file: string): ApiContract {
  // The chapter's layout has a single `model_api:` key at the top; anything else is ours.
  if (/^model_api\s*:/m.test(text))
    return parseYamlWithSchema(text, file, ChapterApiContractSchema, { what: 'API contract' }).data;
  return parseYamlWithSchema(text, file, ApiContractSchema, { what: 'API contract' }).data;
}

/** Read and parse a contract file. */
export function loadApiContractFile(file: string): ApiContract {
  const text = readYamlText(
    file,
    'API contract',
    (problems) => new YamlValidationError(file, problems, 'API contract'),
  );
  return parseApiContract(text, file);
}

const PHASE_MEANING: Record<Phase, string> = {
  scheduled: 'deprecated, before the announce phase',
  announce: 'consumers notified',
  brownout: 'short planned outages',
  blackout: 'requests rejected',
  delete: 'removed',
};

/** Human-readable report. */
export function renderApiContractText(r: ApiContractReport, file: string): string {
  const lines = [`${file}: ${r.name}, current version ${r.currentVersion} (as of ${r.today})`, ''];
  lines.push('Versions:');
  for (const v of r.versions)
    lines.push(
      `  ${v.version.padEnd(10)} ${v.status.padEnd(10)} ${v.served ? 'served    ' : 'not served'}${v.endOfLife ? `  end of life ${v.endOfLife}` : ''}`.trimEnd(),
    );
  if (r.timeline.length > 0) {
    const p = r.phaseStarts;
    lines.push(
      '',
      `Deprecation timeline (T-${p.announce} announce, T-${p.brownout} brownout, T-${p.blackout} blackout, T-0 delete):`,
    );
    for (const t of r.timeline) {
      const when = t.daysToEol >= 0 ? `T-${t.daysToEol}` : `T+${-t.daysToEol} (end of life passed)`;
      const since = t.phaseStartedOn ? ` since ${t.phaseStartedOn}` : '';
      const next = t.nextPhase ? `; ${t.nextPhase} from ${t.nextPhaseOn}` : '';
      lines.push(
        `  ${t.version}: ${when}, phase ${t.phase}${since} (${PHASE_MEANING[t.phase]})${next}`,
      );
    }
  }
  lines.push('');
  if (r.violations.length === 0) lines.push('No violations.');
  else {
    lines.push(`Violations (${r.violations.length}):`);
    for (const v of r.violations) lines.push(`  ✗ [${v.rule}] ${v.message}`);
  }
  return lines.join('\n');
}
