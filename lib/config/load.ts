/**
 * Loads the guardrails policy: YAML -> one zod schema -> semantic checks -> resolved defaults.
 * Every problem is collected and reported at once as `file:line path: message`, so a policy
 * author fixes all of them in one pass.
 */
import { readFileSync } from 'node:fs';
import { type Document, isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { budgetNameFor, resolvedBudgetNamePrefix } from './naming';
import {
  type GuardrailsPolicy,
  type GuardrailsPolicyInput,
  GuardrailsPolicySchema,
  type Project,
} from './schema';
import { type PathProblem, type PolicyPath, semanticProblems } from './semantics';

/** The default policy file, relative to the working directory. */
export const DEFAULT_POLICY_FILE = 'config/guardrails.yaml';

export interface PolicyProblem {
  readonly file: string;
  /** 1-based line in the file (the nearest enclosing node when the key itself is missing). */
  readonly line: number;
  /** Path as written for humans: `projects[1].monthlyBudgetUsd`. */
  readonly path: string;
  readonly message: string;
}

/** Raised for any YAML document that fails its schema; `message` lists every problem, one per line. */
export class YamlValidationError extends Error {
  override readonly name: string = 'YamlValidationError';
  constructor(
    readonly file: string,
    readonly problems: readonly PolicyProblem[],
    /** What the file is, for the first line of the message (e.g. `deployment file`). */
    what = 'YAML file',
  ) {
    super(
      `Invalid ${what} ${file} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems
        .map(formatProblem)
        .join('\n')}`,
    );
  }
}

/** Raised for a policy that cannot be used; `message` lists every problem, one per line. */
export class PolicyValidationError extends YamlValidationError {
  override readonly name = 'PolicyValidationError';
  constructor(file: string, problems: readonly PolicyProblem[]) {
    super(file, problems, 'guardrails policy');
  }
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line} ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** `['projects', 1, 'monthlyBudgetUsd']` -> `projects[1].monthlyBudgetUsd`. */
export function formatPath(path: PolicyPath): string {
  return path.reduce<string>((acc, seg) => {
    if (typeof seg === 'number') return `${acc}[${seg}]`;
    const key = /^[A-Za-z_$][\w$-]*$/.test(seg) ? seg : JSON.stringify(seg);
    return acc === '' ? key : `${acc}.${key}`;
  }, '');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

/** Messages for zod's built-in checks, phrased for policy authors; explicit schema messages win. */
const friendlyError: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined
        ? 'is required'
        : `must be ${iss.expected === 'array' ? 'a list' : iss.expected === 'object' ? 'a mapping' : `a ${iss.expected}`} (got ${describe(iss.input)})`;
    case 'too_small': {
      const min = String(iss.minimum);
      if (iss.origin === 'array') return `must have at least ${min} item${min === '1' ? '' : 's'}`;
      if (iss.origin === 'string')
        return `must be at least ${min} character${min === '1' ? '' : 's'}`;
      return iss.inclusive
        ? `must be at least ${min} (got ${describe(iss.input)})`
        : `must be greater than ${min} (got ${describe(iss.input)})`;
    }
    case 'too_big': {
      const max = String(iss.maximum);
      if (iss.origin === 'array') return `must have at most ${max} items`;
      if (iss.origin === 'string') return `must be at most ${max} characters`;
      return iss.inclusive
        ? `must be at most ${max} (got ${describe(iss.input)})`
        : `must be less than ${max} (got ${describe(iss.input)})`;
    }
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')} (got ${describe(iss.input)})`;
    default:
      return undefined;
  }
};

/** Find the YAML node for a path, or the nearest ancestor that exists, and return its line. */
function lineOf(doc: Document, counter: LineCounter, path: PolicyPath): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as
      | { range?: [number, number, number] }
      | undefined;
    // Scalars come back wrapped (keepScalar); collections have their own range.
    const range = node && typeof node === 'object' && 'range' in node ? node.range : undefined;
    if (range) return counter.linePos(range[0]).line;
    if (n === 0) break;
  }
  return 1;
}

/** For an unknown key the blame belongs on the key itself, not the object holding it. */
function lineOfKey(doc: Document, counter: LineCounter, path: PolicyPath, key: string): number {
  const parent = doc.getIn(path, true);
  if (isMap(parent)) {
    const pair = parent.items.find((it) => (it.key as { value?: unknown } | null)?.value === key);
    const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
    if (range) return counter.linePos(range[0]).line;
  }
  return lineOf(doc, counter, path);
}

/** Merge organisation defaults into each project: consumers never merge again. */
export function resolveProjects(input: GuardrailsPolicyInput): Project[] {
  const d = input.defaults;
  return input.projects.map((p) => ({
    ...p,
    name: p.name ?? p.id,
    budgetName: budgetNameFor(resolvedBudgetNamePrefix(input.organisation), p.id),
    regions: p.regions ?? d.regions ?? [],
    alerts: {
      actualPct: p.alerts?.actualPct ?? d.alerts.actualPct,
      forecastedPct: p.alerts?.forecastedPct ?? d.alerts.forecastedPct,
    },
    autoStop: {
      thresholdPct: p.autoStop?.thresholdPct ?? d.autoStop.thresholdPct,
      mode: p.autoStop?.mode ?? d.autoStop.mode,
      resourceKinds: p.autoStop?.resourceKinds ?? d.autoStop.resourceKinds,
      exemptionTag: p.autoStop?.exemptionTag ?? d.autoStop.exemptionTag,
      verifySpend: p.autoStop?.verifySpend ?? d.autoStop.verifySpend,
      endpoints: { ...d.autoStop.endpoints, ...p.autoStop?.endpoints },
      exemptions: [...d.autoStop.exemptions, ...(p.autoStop?.exemptions ?? [])],
    },
  }));
}

/** A document that passed its schema, with the line lookup to blame later (semantic) problems. */
export interface ParsedYaml<T> {
  readonly data: T;
  /** 1-based line of the node at `path`, or of its nearest existing ancestor. */
  readonly lineOf: (path: PolicyPath) => number;
}

export interface ParseYamlOptions {
  /** What the file is, used in error messages. @default 'YAML file' */
  readonly what?: string;
  /** Message when the document is not a mapping. @default - a generic message */
  readonly notAMapping?: string;
  /** Extra problems to report next to schema errors (best effort on the raw document). */
  readonly onSchemaFailure?: (raw: object) => PathProblem[];
}

/**
 * Parse YAML text and validate it with a zod schema; throws YamlValidationError listing every
 * problem as `file:line path: message` (syntax errors, a non-mapping document, schema issues).
 */
export function parseYamlWithSchema<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  options: ParseYamlOptions = {},
): ParsedYaml<z.output<S>> {
  const what = options.what ?? 'YAML file';
  const counter = new LineCounter();
  // uniqueKeys (the default) makes a repeated mapping key a YAML error rather than a silent override.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new YamlValidationError(
      file,
      doc.errors.map((e) => {
        // linePos is only filled with prettyErrors; the offset in `pos` always is.
        const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
        return {
          file,
          line: pos?.line ?? 1,
          path: '',
          message: `YAML syntax error${pos ? ` (column ${pos.col})` : ''}: ${e.message.split('\n')[0]}`,
        };
      }),
      what,
    );
  }
  let raw: unknown;
  try {
    // toJS() refuses documents whose aliases expand too far (the `yaml` package's maxAliasCount,
    // 100 by default): a "billion laughs" alias bomb is an invalid file, not a crash.
    raw = doc.toJS();
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new YamlValidationError(
      file,
      [
        {
          file,
          line: 1,
          path: '',
          message: `YAML aliases expand too much (${err.message}): write the values out or use fewer nested aliases (&name / *name)`,
        },
      ],
      what,
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new YamlValidationError(
      file,
      [
        {
          file,
          line: 1,
          path: '',
          message: options.notAMapping ?? `the ${what} must be a YAML mapping`,
        },
      ],
      what,
    );

  const parsed = schema.safeParse(raw, { error: friendlyError, reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((iss): PolicyProblem[] => {
      const path = iss.path.filter((s): s is string | number => typeof s !== 'symbol');
      if (iss.code === 'unrecognized_keys')
        return iss.keys.map((key) => ({
          file,
          line: lineOfKey(doc, counter, path, key),
          path: formatPath([...path, key]),
          message: `unknown key "${key}"`,
        }));
      return [
        { file, line: lineOf(doc, counter, path), path: formatPath(path), message: iss.message },
      ];
    });
    // Also report what other checks can still see, so one run lists (nearly) everything.
    const blamed = new Set(problems.map((p) => p.path));
    const extra = (options.onSchemaFailure?.(raw) ?? [])
      .map((p) => ({
        file,
        line: lineOf(doc, counter, p.path),
        path: formatPath(p.path),
        message: p.message,
      }))
      .filter((p) => !blamed.has(p.path));
    throw new YamlValidationError(file, sortProblems([...problems, ...extra]), what);
  }
  return { data: parsed.data, lineOf: (path) => lineOf(doc, counter, path) };
}

/** Parse and validate policy text; throws PolicyValidationError listing every problem. */
export function parsePolicy(text: string, file = DEFAULT_POLICY_FILE): GuardrailsPolicy {
  let parsed: ParsedYaml<GuardrailsPolicyInput>;
  try {
    parsed = parseYamlWithSchema(text, file, GuardrailsPolicySchema, {
      what: 'guardrails policy',
      notAMapping:
        'the policy must be a YAML mapping with version, organisation, projects, teams, raci and paging',
      onSchemaFailure: bestEffortSemantics,
    });
  } catch (err) {
    if (err instanceof YamlValidationError) throw new PolicyValidationError(file, err.problems);
    throw err;
  }
  const projects = resolveProjects(parsed.data);
  const semantic = semanticProblems(parsed.data, projects);
  if (semantic.length > 0)
    throw new PolicyValidationError(
      file,
      sortProblems(
        semantic.map((p) => ({
          file,
          line: parsed.lineOf(p.path),
          path: formatPath(p.path),
          message: p.message,
        })),
      ),
    );
  return { ...parsed.data, projects };
}

/** Semantic checks on a policy that failed the schema, with schema defaults filled in where possible. */
function bestEffortSemantics(raw: object): PathProblem[] {
  try {
    const lenient = lenientDefaults(raw as Record<string, unknown>);
    return semanticProblems(lenient, resolveProjects(lenient), true);
  } catch {
    return [];
  }
}

/** The raw policy with the defaults the schema would add, without rejecting anything. */
function lenientDefaults(raw: Record<string, unknown>): GuardrailsPolicyInput {
  const org = (raw.organisation ?? {}) as Record<string, unknown>;
  const defaults = GuardrailsPolicySchema.shape.defaults.safeParse(raw.defaults);
  const arr = (v: unknown) => (Array.isArray(v) ? v : []);
  const projects = arr(raw.projects).map((p: Record<string, unknown>) => ({
    financeEmails: [],
    ownerEmails: [],
    ...p,
    models: arr(p?.models).map((m: Record<string, unknown>) => ({ endpoints: [], ...m })),
  }));
  const teams = arr(raw.teams).map((t: Record<string, unknown>) => ({
    ...t,
    onCall: { windows: [], escalation: [], ...((t?.onCall ?? {}) as object) },
  }));
  const raci = (raw.raci ?? {}) as Record<string, unknown>;
  const paging = (raw.paging ?? {}) as Record<string, unknown>;
  return {
    ...raw,
    organisation: {
      projectTagKey: 'Project',
      defaultTimeZone: 'UTC',
      budgetNamePrefix: 'ml-',
      budgetStacks: 8,
      requiredTags: [],
      tags: {},
      ...org,
    },
    defaults: defaults.success ? defaults.data : GuardrailsPolicySchema.shape.defaults.parse({}),
    projects,
    teams,
    raci: { groups: [], activities: [], roles: [], incidentTypes: [], ...raci },
    paging: { services: [], alarmRules: [], ...paging },
  } as unknown as GuardrailsPolicyInput;
}

function sortProblems(problems: PolicyProblem[]): PolicyProblem[] {
  return [...problems].sort((a, b) => a.line - b.line);
}

/**
 * The text of a YAML file, or a problem at line 1 that says why it cannot be read, raised as
 * `makeError(problems)` so each kind of file keeps its own error class and heading.
 */
export function readYamlText(
  file: string,
  what: string,
  makeError: (problems: PolicyProblem[]) => Error,
): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err);
    throw makeError([{ file, line: 1, path: '', message: `cannot read the ${what}: ${reason}` }]);
  }
}

/** Read, parse and validate a policy file. */
export function loadPolicyFile(file: string = DEFAULT_POLICY_FILE): GuardrailsPolicy {
  const text = readYamlText(
    file,
    'policy',
    (problems) => new PolicyValidationError(file, problems),
  );
  return parsePolicy(text, file);
}
