/**
 * Reads what the review needs from disk: the model directory's source files (for the code
 * checks), the secret scan of every file, and the files that deployment.yaml names. The file
 * system, the secret scanner and the clock are parameters so tests can make reads fail.
 *
 * deployment.yaml belongs to the repository under review, so nothing it says is trusted: the
 * files it names must be regular files inside the model directory and small enough to read.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import type { GuardrailsPolicy } from '../../config/schema';
import type { LoadedDeployment } from '../deployment';
import type { ReviewDocument } from './review';
import { type ScanFileSystem, scanDirectory } from './secrets/scan';
import { createSecretlintScanner, type PieceScanner } from './secrets/secretlint';
import type { ModelFiles, PrrContext, ReferencedFile, SourceFile } from './types';

/** The part of `node:fs` the review uses. */
export interface ReviewFileSystem extends ScanFileSystem {
  readFileSync(file: string): Buffer;
  realpathSync(file: string): string;
}

/** Dependency and cache directories: not the team's own code (the secret scan still reads them). */
export const IGNORED_DIRS = new Set([
  '.git',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
]);

/** Source files larger than this are not read by the code checks (the secret scan reads them). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Files named by deployment.yaml (model card, load test, IAM policy) are refused above this. */
export const MAX_REFERENCED_BYTES = 1024 * 1024;

/** A NUL byte in the first 8 KiB marks a binary file (the heuristic git and grep use). */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

const SOURCE = /\.(py|pyi|ts|tsx|mts|cts|js|mjs|cjs|jsx)$/i;

/** Walk the model directory for the source files the code checks read; errors are collected. */
export function readModelFiles(root: string, fs: ReviewFileSystem = nodeFs): ModelFiles {
  const files: SourceFile[] = [];
  const errors: string[] = [];
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const walk = (dir: string) => {
    let entries: nodeFs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      errors.push(`cannot read directory ${dir}: ${errorText(err)}`);
      return;
    }
    for (const e of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) walk(full);
        continue;
      }
      if (!e.isFile() || !SOURCE.test(e.name)) continue;
      try {
        if (fs.lstatSync(full).size > MAX_FILE_BYTES) continue;
        const buf = fs.readFileSync(full);
        if (!isBinary(buf)) files.push({ path: rel(full), text: buf.toString('utf8') });
      } catch (err) {
        errors.push(`cannot read file ${full}: ${errorText(err)}`);
      }
    }
  };
  walk(root);
  return { root, files, errors };
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}` : String(err);
}

/** Whether `child` is `parent` or inside it. */
function isInside(parent: string, child: string): boolean {
  const r = path.relative(parent, child);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

/**
 * Read a file deployment.yaml names, only when it resolves (links followed) to a regular file
 * inside the model directory and under MAX_REFERENCED_BYTES: a path like `/etc/passwd` or
 * `../../.aws/credentials` is refused without being opened.
 */
export function readReferenced(
  modelDir: string,
  baseDir: string,
  relPath: string | undefined,
  fs: ReviewFileSystem = nodeFs,
): ReferencedFile | undefined {
  if (relPath === undefined) return undefined;
  const refuse = (error: string): ReferencedFile => ({ path: relPath, error });
  try {
    const root = fs.realpathSync(path.resolve(modelDir));
    const lexical = path.resolve(baseDir, relPath);
    if (!isInside(path.resolve(modelDir), lexical) && !isInside(root, lexical))
      return refuse('is outside the model directory: only files of the reviewed model are read');
    const real = fs.realpathSync(lexical);
    if (!isInside(root, real))
      return refuse('links outside the model directory: only files of the reviewed model are read');
    const stat = fs.lstatSync(real);
    if (!stat.isFile()) return refuse('is not a regular file');
    if (stat.size > MAX_REFERENCED_BYTES)
      return refuse(`is ${stat.size} bytes, over the ${MAX_REFERENCED_BYTES}-byte limit`);
    return { path: relPath, text: fs.readFileSync(real).toString('utf8') };
  } catch (err) {
    return refuse(
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : errorText(err),
    );
  }
}

/** What the review reads from outside: all defaulted to the real thing. */
export interface GatherDeps {
  readonly fs?: ReviewFileSystem;
  readonly scanner?: PieceScanner;
  readonly now?: () => number;
  /** Time budget of the secret scan in milliseconds. */
  readonly scanBudgetMs?: number;
  /** The review day (YYYY-MM-DD). @default - today in UTC */
  readonly today?: string;
  /** The signed review document (`--review`). */
  readonly review?: ReviewDocument;
}

let defaultScanner: Promise<PieceScanner> | undefined;

/** Gather the review context: paths in deployment.yaml resolve against its directory. */
export async function gatherContext(
  modelDir: string,
  loaded: LoadedDeployment,
  policy: GuardrailsPolicy,
  deps: GatherDeps = {},
): Promise<PrrContext> {
  const fs = deps.fs ?? nodeFs;
  const d = loaded.deployment;
  defaultScanner ??= createSecretlintScanner();
  const scanner = deps.scanner ?? (await defaultScanner);
  const secretScan = await scanDirectory(
    modelDir,
    { fs, scanner, now: deps.now ?? (() => performance.now()) },
    {
      ignorePaths: d.secretScan?.ignorePaths ?? [],
      allowValues: d.secretScan?.allowValues ?? [],
      ...(deps.scanBudgetMs === undefined ? {} : { budgetMs: deps.scanBudgetMs }),
    },
  );
  const ref = (p: string | undefined) => readReferenced(modelDir, loaded.dir, p, fs);
  return {
    deploymentFile: loaded.file,
    deployment: d,
    policy,
    model: readModelFiles(modelDir, fs),
    secretScan,
    modelCard: ref(d.modelCard),
    loadTest: ref(d.loadTest),
    iamPolicy: ref(d.iamPolicy),
    today: deps.today ?? new Date().toISOString().slice(0, 10),
    ...(deps.review === undefined ? {} : { review: deps.review }),
    reviewRequired: policy.contracts.operatingModel === 'B',
  };
}
