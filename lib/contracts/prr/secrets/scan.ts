/**
 * The secret scan of a model directory: every file is read as a stream (any size up to
 * MAX_SCAN_BYTES), cut into bounded pieces, and checked by secretlint's recommended rules and
 * this project's line rules. One finding per secret; a finding carries the file, the line, the
 * rule and the secret's length, never any part of the secret, because reports end up in CI logs.
 *
 * The scan stops when its time budget runs out and says so: a scan that did not finish must
 * never look like a clean one.
 */
import type * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { globMatch } from './glob';
import { LineRules, type RawFinding } from './line-rules';
import { NotebookTextExtractor } from './notebook';
import type { PieceScanner } from './secretlint';
import { countBreaks, type Line, LineSplitter, type Segment, SegmentBuffer } from './segments';

/**
 * Larger files are not scanned and block the review: GitHub refuses files over 100 MiB
 * (GitHub Docs, "About large files on GitHub"), and model weights belong in the model registry.
 */
export const MAX_SCAN_BYTES = 100 * 1024 * 1024;
/** At most this long for the whole scan before it stops as incomplete. */
export const DEFAULT_SCAN_BUDGET_MS = 120_000;
/** Findings kept per file (the count beyond is still reported). */
export const MAX_FINDINGS_PER_FILE = 200;
/** Only the repository's history is skipped: everything else a model directory holds is scanned. */
export const SKIPPED_DIRS = new Set(['.git']);

const CHUNK_BYTES = 64 * 1024;

/** The part of `node:fs` the scan uses. */
export interface ScanFileSystem {
  readdirSync(dir: string, options: { withFileTypes: true }): nodeFs.Dirent[];
  lstatSync(file: string): { size: number; isFile(): boolean };
  openSync(file: string, flags: 'r'): number;
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

export interface SecretFinding {
  readonly file: string;
  /** 1-based line in the file. */
  readonly line: number;
  readonly rule: string;
  /** Length of the secret in characters: the only thing said about its value. */
  readonly length: number;
  /** Set when the deployment file's allowlist covers it (such entries need a sign-off). */
  readonly allowlistedBy?: 'ignorePaths' | 'allowValues';
}

export interface NotScanned {
  readonly path: string;
  readonly reason: string;
  /** A file that could hold a secret and was not read blocks the review. */
  readonly blocking: boolean;
}

export interface SecretScanResult {
  readonly filesScanned: number;
  readonly bytesScanned: number;
  readonly findings: readonly SecretFinding[];
  readonly notScanned: readonly NotScanned[];
  /** Directories or files that could not be read. */
  readonly errors: readonly string[];
  /** Why the scan stopped before the end, when it did. */
  readonly incomplete?: string;
}

export interface ScanOptions {
  readonly ignorePaths?: readonly string[];
  readonly allowValues?: readonly string[];
  readonly budgetMs?: number;
}

export interface ScanDeps {
  readonly fs: ScanFileSystem;
  readonly scanner: PieceScanner;
  /** Milliseconds, monotonic. */
  readonly now: () => number;
}

class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
}

/** Scan every file under `root`. */
export async function scanDirectory(
  root: string,
  deps: ScanDeps,
  options: ScanOptions = {},
): Promise<SecretScanResult> {
  const budgetMs = options.budgetMs ?? DEFAULT_SCAN_BUDGET_MS;
  const deadline = deps.now() + budgetMs;
  const checkBudget = () => {
    if (deps.now() > deadline) throw new BudgetExceeded();
  };
  const files: { rel: string; full: string; size: number }[] = [];
  const notScanned: NotScanned[] = [];
  const errors: string[] = [];
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const walk = (dir: string) => {
    let entries: nodeFs.Dirent[];
    try {
      entries = deps.fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      errors.push(`cannot read directory ${rel(dir) || '.'}: ${errorCode(err)}`);
      return;
    }
    for (const e of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(full);
      } else if (e.isSymbolicLink())
        // Not followed: it may point outside the model or loop; its target is not in the repository.
        notScanned.push({
          path: rel(full),
          reason: 'symbolic link, not followed',
          blocking: false,
        });
      else if (!e.isFile())
        notScanned.push({ path: rel(full), reason: 'not a regular file', blocking: false });
      else {
        try {
          const size = deps.fs.lstatSync(full).size;
          if (size > MAX_SCAN_BYTES)
            notScanned.push({
              path: rel(full),
              reason: `${size} bytes, over the ${MAX_SCAN_BYTES}-byte scan limit: keep artifacts in the model registry`,
              blocking: true,
            });
          else files.push({ rel: rel(full), full, size });
        } catch (err) {
          errors.push(`cannot read file ${rel(full)}: ${errorCode(err)}`);
        }
      }
    }
  };
  walk(root);

  const findings: SecretFinding[] = [];
  let filesScanned = 0;
  let bytesScanned = 0;
  let incomplete: string | undefined;
  for (const [i, f] of files.entries()) {
    try {
      checkBudget();
      const ignored = (options.ignorePaths ?? []).some((g) => globMatch(g, f.rel));
      const found = await scanFile(f.full, f.rel, deps, options.allowValues ?? [], checkBudget);
      findings.push(
        ...found.map((x) =>
          ignored && !x.allowlistedBy ? { ...x, allowlistedBy: 'ignorePaths' as const } : x,
        ),
      );
      filesScanned++;
      bytesScanned += f.size;
    } catch (err) {
      if (err instanceof BudgetExceeded) {
        incomplete = `the scan stopped after its ${budgetMs / 1000} s budget with ${files.length - i} of ${files.length} files not scanned (first: ${f.rel})`;
        break;
      }
      errors.push(`cannot read file ${f.rel}: ${errorCode(err)}`);
    }
  }
  return {
    filesScanned,
    bytesScanned,
    findings,
    notScanned,
    errors,
    ...(incomplete === undefined ? {} : { incomplete }),
  };
}

/** Scan one file as a stream; findings are deduplicated so each secret is reported once. */
async function scanFile(
  full: string,
  rel: string,
  deps: ScanDeps,
  allowValues: readonly string[],
  checkBudget: () => void,
): Promise<SecretFinding[]> {
  const notebook = /\.ipynb$/i.test(rel) ? new NotebookTextExtractor() : undefined;
  const segments = new SegmentBuffer();
  const lines = new LineSplitter();
  const rules = new LineRules(rel);
  // Line numbers are worked out as the text streams by, so memory does not grow with the file.
  const fromPieces: (RawFinding & { line: number; allowed: boolean })[] = [];
  const fromLines: (RawFinding & { line: number; allowed: boolean })[] = [];
  const withLine = (f: RawFinding, line: number) => ({ ...f, line: f.line ?? line });
  const allowed = (text: string, f: RawFinding, base: number) =>
    allowValues.length > 0 && allowValues.includes(text.slice(f.start - base, f.end - base));

  const feed = async (text: string) => {
    for (const s of segments.push(text)) await pieces(s);
    for (const l of lines.push(text)) lineFindings(l);
  };
  const lineFindings = (l: Line) => {
    for (const f of rules.line(l))
      fromLines.push({ ...withLine(f, l.line), allowed: allowed(l.text, f, l.start) });
  };
  const pieces = async (s: Segment) => {
    checkBudget();
    for (const f of await deps.scanner(s.text, rel)) {
      const abs = { rule: f.rule, start: f.start + s.start, end: f.end + s.start };
      const line = s.line + countBreaks(s.text.slice(0, f.start));
      fromPieces.push({ ...abs, line, allowed: allowed(s.text, abs, s.start) });
    }
  };

  const fd = deps.fs.openSync(full, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let decoder: StringDecoder | undefined;
    let binary = false;
    let position = 0;
    for (;;) {
      const n = deps.fs.readSync(fd, buffer, 0, CHUNK_BYTES, position);
      if (n <= 0) break;
      const chunk = buffer.subarray(0, n);
      if (decoder === undefined) {
        // A NUL byte in the first chunk marks a binary file (the heuristic git and grep use):
        // its bytes are read as Latin-1, so embedded ASCII credentials are still seen.
        binary = chunk.includes(0);
        decoder = new StringDecoder(binary ? 'latin1' : 'utf8');
      }
      position += n;
      let text = decoder.write(chunk);
      if (binary) text = text.replace(/\0/g, '\n');
      await feed(notebook ? notebook.push(text) : text);
    }
    const rest = decoder?.end() ?? '';
    if (rest !== '') await feed(notebook ? notebook.push(rest) : rest);
  } finally {
    deps.fs.closeSync(fd);
  }
  for (const s of segments.end()) await pieces(s);
  for (const l of lines.end()) lineFindings(l);
  // Kubernetes entries are only known at the end of their document.
  for (const f of rules.end()) fromLines.push({ ...withLine(f, 0), allowed: false });

  // A Kubernetes Secret's values are named as such rather than as generic assignments.
  const k8s = fromLines.filter((f) => f.rule === 'kubernetes-secret');
  const generic = fromLines.filter((f) => f.rule !== 'kubernetes-secret');
  return dedupe([...fromPieces, ...k8s, ...generic])
    .slice(0, MAX_FINDINGS_PER_FILE)
    .map((f) => {
      return {
        file: rel,
        line: notebook ? notebook.fileLineOf(f.line) : f.line,
        rule: f.rule,
        length: f.end - f.start,
        ...(f.allowed ? { allowlistedBy: 'allowValues' as const } : {}),
      };
    });
}

/**
 * One finding per secret: the same secret found again in an overlapping piece, or by a second
 * rule, is dropped. Earlier entries win, so secretlint's specific rules name a secret before
 * the generic line rules do.
 */
export function dedupe<T extends RawFinding>(found: readonly T[]): T[] {
  const ordered = found
    .map((f, priority) => ({ f, priority }))
    .sort((a, b) => a.f.start - b.f.start || a.priority - b.priority);
  const kept: T[] = [];
  let end = -1;
  for (const { f } of ordered)
    if (f.start >= end) {
      kept.push(f);
      end = f.end;
    }
  return kept;
}

function errorCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? (err instanceof Error ? err.message : String(err));
}
