/**
 * The RACI matrices of the policy, rendered for humans (Markdown) and tools (JSON).
 *
 * Activity ownership uses owns / supports / informed in the policy; the matrix shows them as
 * A (the single Accountable owner), C and I, the letters teams already use in their documents.
 */
import type { GuardrailsPolicy } from '../config/schema';

type Raci = GuardrailsPolicy['raci'];

/** Letter shown for each activity assignment. */
export const ACTIVITY_LETTERS = { owns: 'A', supports: 'C', informed: 'I' } as const;

export interface RaciColumn {
  readonly id: string;
  readonly name: string;
}

export interface RaciRow {
  readonly name: string;
  /** Column id -> letter (A, C or I); columns without an assignment are absent. */
  readonly cells: Readonly<Record<string, string>>;
  /** Name of the column that is Accountable. */
  readonly accountable: string | undefined;
  /** Column id -> what that column does in this row (e.g. `Fix it`); absent when none. */
  readonly notes: Readonly<Record<string, string>>;
}

export interface RaciMatrix {
  readonly title: string;
  /** Header of the first column (`Activity`, `Incident`). */
  readonly rowLabel: string;
  readonly columns: readonly RaciColumn[];
  readonly rows: readonly RaciRow[];
}

export interface RaciReport {
  readonly activities: RaciMatrix;
  readonly incidents: RaciMatrix;
}

/** Build both matrices from the policy's `raci` section. */
export function raciReport(raci: Raci): RaciReport {
  const groupName = new Map(raci.groups.map((g) => [g.id, g.name]));
  const roleName = new Map(raci.roles.map((r) => [r.id, r.name]));
  return {
    activities: {
      title: 'Activity ownership',
      rowLabel: 'Activity',
      columns: raci.groups.map((g) => ({ id: g.id, name: g.name })),
      rows: raci.activities.map((a) => {
        const cells = Object.fromEntries(
          Object.entries(a.assignments).map(([group, v]) => [group, ACTIVITY_LETTERS[v]]),
        );
        const owner = Object.entries(a.assignments).find(([, v]) => v === 'owns')?.[0];
        return {
          name: a.name,
          cells,
          accountable: owner && (groupName.get(owner) ?? owner),
          notes: { ...a.notes },
        };
      }),
    },
    incidents: {
      title: 'Incident response',
      rowLabel: 'Incident',
      columns: raci.roles.map((r) => ({ id: r.id, name: r.name })),
      rows: raci.incidentTypes.map((t) => {
        const owner = Object.entries(t.assignments).find(([, v]) => v === 'A')?.[0];
        return {
          name: t.name,
          cells: { ...t.assignments },
          accountable: owner && (roleName.get(owner) ?? owner),
          notes: { ...t.notes },
        };
      }),
    },
  };
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function matrixMarkdown(m: RaciMatrix): string {
  const header = `| ${[m.rowLabel, ...m.columns.map((c) => c.name)].map(escapeCell).join(' | ')} |`;
  const rule = `| ${['---', ...m.columns.map(() => ':---:')].join(' | ')} |`;
  const rows = m.rows.map((r) => {
    const cells = m.columns.map((c) => {
      const letter = r.cells[c.id];
      // The Accountable is bold so the one name that matters stands out in a wide table.
      if (letter === undefined) return '';
      const note = r.notes[c.id];
      const shown = letter === 'A' ? '**A**' : letter;
      return note === undefined ? shown : `${shown} (${escapeCell(note)})`;
    });
    return `| ${[escapeCell(r.name), ...cells].join(' | ')} |`;
  });
  return [`## ${m.title}`, '', header, rule, ...rows].join('\n');
}

/** Both matrices as Markdown tables with a legend. */
export function renderRaciMarkdown(report: RaciReport): string {
  return [
    '# RACI',
    '',
    matrixMarkdown(report.activities),
    '',
    '**A** Accountable (owns; exactly one per activity), C Consulted (supports), I Informed.',
    '',
    matrixMarkdown(report.incidents),
    '',
    '**A** Accountable (the team of this role is paged), C Consulted, I Informed.',
  ].join('\n');
}

/** Both matrices as JSON (stable field order, two-space indent). */
export function renderRaciJson(report: RaciReport): string {
  return JSON.stringify(report, null, 2);
}

/** Raised when `--owner` names an activity the policy does not list. */
export class UnknownActivityError extends Error {
  override readonly name = 'UnknownActivityError';
  constructor(
    readonly activity: string,
    readonly known: readonly string[],
  ) {
    super(
      `unknown activity "${activity}"; known activities:\n${known.map((k) => `  - ${k}`).join('\n')}`,
    );
  }
}

export interface ActivityOwner {
  readonly activity: string;
  readonly owner: { readonly id: string; readonly name: string; readonly team: string };
  readonly supports: readonly string[];
  readonly informed: readonly string[];
}

/**
 * The owner of an activity, matched case-insensitively and ignoring surrounding spaces, since
 * people type the name from memory; throws UnknownActivityError listing the known activities.
 */
export function ownerOf(raci: Raci, activity: string): ActivityOwner {
  const wanted = activity.trim().toLowerCase();
  const found = raci.activities.find((a) => a.name.trim().toLowerCase() === wanted);
  if (!found)
    throw new UnknownActivityError(
      activity,
      raci.activities.map((a) => a.name),
    );
  const group = (id: string) => raci.groups.find((g) => g.id === id);
  const withRole = (role: string) =>
    Object.entries(found.assignments)
      .filter(([, v]) => v === role)
      .map(([id]) => group(id)?.name ?? id);
  const ownerId = Object.entries(found.assignments).find(([, v]) => v === 'owns')?.[0];
  const g = ownerId === undefined ? undefined : group(ownerId);
  // The policy loader guarantees exactly one known owner; this guards hand-built policies.
  if (!ownerId || !g) throw new Error(`activity "${found.name}" has no owner in the policy`);
  return {
    activity: found.name,
    owner: { id: g.id, name: g.name, team: g.team },
    supports: withRole('supports'),
    informed: withRole('informed'),
  };
}
