/**
 * The signed Production Readiness Review document (the Markdown `prr init` writes and people
 * complete): what `prr check --review` reads so the gate covers what people confirmed and
 * signed, not only what a machine can check. Pure: text in, findings out.
 */

/** Approvers every review needs (Finance signs when the template lists it, but is optional). */
export const REQUIRED_APPROVERS = [
  'Data Science Lead',
  'ML Engineering Lead',
  'Platform Lead',
  'Product Manager',
] as const;

export interface Approval {
  readonly role: string;
  readonly name: string;
  readonly signature: string;
  readonly date: string;
}

export interface ReviewDocument {
  readonly file: string;
  readonly title?: string;
  readonly date?: string;
  /** Checklist items left unticked, with their section. */
  readonly unticked: readonly { readonly section: string; readonly item: string }[];
  readonly ticked: number;
  readonly approvals: readonly Approval[];
  /** Entries listed under "Secret-scan exceptions" (signed off with the approvals). */
  readonly signedExceptions: readonly string[];
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

/** Parse the review document. */
export function parseReview(text: string, file: string): ReviewDocument {
  const unticked: { section: string; item: string }[] = [];
  const approvals: Approval[] = [];
  const exceptions: string[] = [];
  let ticked = 0;
  let section = '';
  let title: string | undefined;
  let date: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const h = (heading[2] ?? '').trim();
      if (heading[1] === '#' && title === undefined) title = h;
      const d = /^Date:\s*(\S.*)$/i.exec(h);
      if (d) date = d[1]?.trim();
      else if (heading[1] === '##' || heading[1] === '#') section = h;
      continue;
    }
    const dateLine = /^\**Date:?\**:?\s*(\d{4}-\d{2}-\d{2})/i.exec(line);
    if (dateLine && date === undefined) date = dateLine[1];
    if (/^secret-scan exceptions/i.test(section)) {
      const entry = /^\s*[-*]\s+`?([^`]+?)`?\s*$/.exec(line);
      if (entry?.[1]) exceptions.push(entry[1]);
      continue;
    }
    const box = /^\s*[-*]\s+\[( |x|X)\]\s+(.*)$/.exec(line);
    if (box) {
      if (box[1] === ' ') unticked.push({ section, item: (box[2] ?? '').trim() });
      else ticked++;
      continue;
    }
    if (/^approvals/i.test(section) && line.startsWith('|')) {
      const [role = '', name = '', signature = '', when = ''] = cells(line);
      if (role === '' || /^:?-+:?$/.test(role) || /^role$/i.test(role)) continue;
      approvals.push({ role, name, signature, date: when });
    }
  }
  return {
    file,
    ...(title === undefined ? {} : { title }),
    ...(date === undefined ? {} : { date }),
    unticked,
    ticked,
    approvals,
    signedExceptions: exceptions,
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What keeps the review from counting as signed: missing approvals, unticked items, no date. */
export function reviewProblems(
  doc: ReviewDocument,
  expected: { readonly model: string; readonly version: string },
): string[] {
  const out: string[] = [];
  if (doc.title !== undefined && !doc.title.includes(expected.model))
    out.push(`${doc.file} reviews "${doc.title}", not model ${expected.model}`);
  if (doc.title !== undefined && !doc.title.includes(expected.version))
    out.push(`${doc.file} does not name version ${expected.version} in its title`);
  if (doc.date === undefined || !ISO_DATE.test(doc.date))
    out.push(`${doc.file} has no review date (Date: YYYY-MM-DD)`);
  for (const role of REQUIRED_APPROVERS) {
    const a = doc.approvals.find((x) => x.role.toLowerCase() === role.toLowerCase());
    if (!a) out.push(`approval missing: ${role} (no row in the Approvals table)`);
    else {
      const missing = [
        a.name === '' ? 'name' : undefined,
        a.signature === '' ? 'signature' : undefined,
        !ISO_DATE.test(a.date) ? 'date (YYYY-MM-DD)' : undefined,
      ].filter((m): m is string => m !== undefined);
      if (missing.length > 0) out.push(`approval of ${role} lacks ${missing.join(', ')}`);
    }
  }
  for (const u of doc.unticked) out.push(`unticked: ${u.section ? `${u.section}: ` : ''}${u.item}`);
  return out;
}
