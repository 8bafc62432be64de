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
  migrationGuide: z.url({ message: 'must be a URL' }).optional(),
  /** Whether the version still answers requests. @default true unless the status is sunset */
  served: z.boolean().optional(),
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
  }),
  sla: z.strictObject({
    availabilityPct: z.number().gt(0).max(100),
    p99LatencyMs: z.number().positive(),
    errorRatePct: z.number().min(0).max(100),
  }),
});
export type ApiContract = z.infer<typeof ApiContractSchema>;

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

/**
 * Days before end of life at which each phase starts. The boundary day belongs to the later
 * phase: exactly 90 days before EOL is already `announce`, 60 `brownout`, 30 `blackout`, and
 * the end-of-life day itself is `delete`.
 */
export const PHASE_STARTS: Readonly<Record<Exclude<Phase, 'scheduled'>, number>> = {
  announce: 90,
  brownout: 60,
  blackout: 30,
  delete: 0,
};

/** Phase of a version whose end of life is `daysToEol` days away (negative: in the past). */
export function phaseFor(daysToEol: number): Phase {
  if (daysToEol <= PHASE_STARTS.delete) return 'delete';
  if (daysToEol <= PHASE_STARTS.blackout) return 'blackout';
  if (daysToEol <= PHASE_STARTS.brownout) return 'brownout';
  if (daysToEol <= PHASE_STARTS.announce) return 'announce';
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
export function timelineFor(version: string, endOfLife: string, today: number): TimelineEntry {
  const eol = toDay(endOfLife) ?? today;
  const daysToEol = eol - today;
  const phase = phaseFor(daysToEol);
  const idx = PHASES.indexOf(phase);
  const next = PHASES[idx + 1];
  const startOf = (p: Phase) =>
    p === 'scheduled' ? undefined : fromDay(eol - PHASE_STARTS[p as Exclude<Phase, 'scheduled'>]);
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
    .map((v) => timelineFor(v.version, v.endOfLife as string, today));

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
    timeline,
    violations,
  };
}

/** Parse contract text; throws YamlValidationError with `file:line path: message` problems. */
export function parseApiContract(text: string, file: string): ApiContract {
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
  announce: 'consumers notified (T-90)',
  brownout: 'short planned outages (T-60)',
  blackout: 'requests rejected (T-30)',
  delete: 'removed (T-0)',
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
    lines.push(
      '',
      'Deprecation timeline (T-90 announce, T-60 brownout, T-30 blackout, T-0 delete):',
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
