/**
 * The five human contracts of the chapter's summary checklist (section 32.8.6): each with its
 * document, owner and review cadence from the policy and when it was last reviewed, so CI can
 * hold teams to the cadence. Pure: `today` is a parameter.
 */
import { CONTRACT_KINDS, type GuardrailsPolicy } from '../config/schema';

type Kind = (typeof CONTRACT_KINDS)[number];

/** What each contract is and which section of the chapter it implements. */
export const CONTRACT_INFO: Readonly<
  Record<Kind, { title: string; section: string; command: string }>
> = {
  ownership: { title: 'Ownership', section: '32.8.1', command: 'guardrails raci' },
  'production-readiness': {
    title: 'Production readiness',
    section: '32.8.2',
    command: 'guardrails prr init / prr check',
  },
  'incident-response': {
    title: 'Incident response',
    section: '32.8.3',
    command: 'guardrails runbook init / runbook check',
  },
  'cost-attribution': {
    title: 'Cost attribution',
    section: '32.8.4',
    command: 'guardrails validate, tags-audit',
  },
  deprecation: {
    title: 'Deprecation',
    section: '32.8.5',
    command: 'guardrails api-contract check',
  },
};

/** Months between reviews for calendar cadences; event-driven cadences have none. */
const CADENCE_MONTHS: Readonly<Record<string, number | undefined>> = { monthly: 1, quarterly: 3 };

export type ContractState = 'current' | 'overdue' | 'event-driven' | 'not in policy';

export interface ContractStatus {
  readonly contract: Kind;
  readonly title: string;
  readonly section: string;
  readonly command: string;
  readonly document?: string;
  readonly owner?: string;
  readonly cadence?: string;
  readonly lastReviewed?: string;
  /** Day the next review is due (calendar cadences only). */
  readonly dueOn?: string;
  readonly state: ContractState;
}

export interface ContractsSummary {
  readonly operatingModel: GuardrailsPolicy['contracts']['operatingModel'];
  readonly today: string;
  readonly contracts: readonly ContractStatus[];
  /** Contracts overdue or missing from the policy: any makes the command exit 1. */
  readonly problems: number;
}

/** `date` plus `months` calendar months, the day clamped to the month's length (Jan 31 + 1 = Feb 28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** Every contract with its review state on `today` (YYYY-MM-DD). */
export function summarizeContracts(policy: GuardrailsPolicy, today: string): ContractsSummary {
  const contracts = CONTRACT_KINDS.map((kind): ContractStatus => {
    const info = CONTRACT_INFO[kind];
    const r = policy.contracts.reviews.find((x) => x.contract === kind);
    if (!r) return { contract: kind, ...info, state: 'not in policy' };
    const months = CADENCE_MONTHS[r.cadence];
    const base = {
      contract: kind,
      ...info,
      document: r.document,
      owner: r.owner,
      cadence: r.cadence,
      ...(r.lastReviewed === undefined ? {} : { lastReviewed: r.lastReviewed }),
    };
    if (months === undefined) return { ...base, state: 'event-driven' };
    if (r.lastReviewed === undefined) return { ...base, state: 'overdue' };
    const dueOn = addMonths(r.lastReviewed, months);
    // ISO dates compare as text.
    return { ...base, dueOn, state: today > dueOn ? 'overdue' : 'current' };
  });
  return {
    operatingModel: policy.contracts.operatingModel,
    today,
    contracts,
    problems: contracts.filter((c) => c.state === 'overdue' || c.state === 'not in policy').length,
  };
}

const MODEL_MEANING = {
  A: 'A, you build it, you run it: the model team owns the model to production and is paged',
  B: 'B, the handover: no model reaches production without a signed PRR',
  hybrid: 'hybrid: the ownership matrix assigns each activity',
} as const;

/** A table for the terminal. */
export function renderContractsText(s: ContractsSummary): string {
  const rows = s.contracts.map((c) => [
    `${c.title} (${c.section})`,
    c.document ?? '-',
    c.owner ?? '-',
    c.cadence ?? '-',
    c.lastReviewed ?? 'never',
    c.state === 'overdue'
      ? `OVERDUE${c.dueOn ? ` since ${c.dueOn}` : ''}`
      : c.state === 'current'
        ? `due ${c.dueOn}`
        : c.state,
  ]);
  const header = ['Contract', 'Document', 'Owner', 'Cadence', 'Last reviewed', 'State'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    `Operating model ${MODEL_MEANING[s.operatingModel]}.`,
    '',
    line(header),
    ...rows.map(line),
    '',
    s.problems === 0
      ? `Every review is on schedule (as of ${s.today}).`
      : `${s.problems} contract${s.problems === 1 ? '' : 's'} overdue or missing (as of ${s.today}).`,
  ].join('\n');
}
