/**
 * Reads what the review needs from disk: the model directory's text files and the files that
 * deployment.yaml names. The file system is a parameter so tests can make reads fail.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import type { GuardrailsPolicy } from '../../config/schema';
import type { LoadedDeployment } from '../deployment';
import type { ModelFiles, PrrContext, ReferencedFile, SourceFile } from './types';

/** The part of `node:fs` the review uses. */
export interface ReviewFileSystem {
  readdirSync(dir: string, options: { withFileTypes: true }): nodeFs.Dirent[];
  readFileSync(file: string): Buffer;
  statSync(file: string): { size: number; isDirectory(): boolean };
}

/** Directories of dependencies, caches and build output: not the team's own code. */
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
  'dist',
  'build',
  'cdk.out',
  'coverage',
]);

/** Larger files are not read (listed as skipped, which the secret scan reports). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** A NUL byte in the first 8 KiB marks a binary file (the heuristic git and grep use). */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

/** Walk the model directory; read errors are collected, never thrown. */
export function readModelFiles(root: string, fs: ReviewFileSystem = nodeFs): ModelFiles {
  const files: SourceFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
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
      // Symlinks are not followed (they may point outside the model or loop), but listed, so
      // the secret scan says what it did not read.
      if (e.isSymbolicLink()) {
        skipped.push({ path: rel(full), reason: 'symbolic link, not followed' });
        continue;
      }
      if (!e.isFile()) continue;
      try {
        const size = fs.statSync(full).size;
        if (size > MAX_FILE_BYTES) {
          skipped.push({ path: rel(full), reason: `larger than ${MAX_FILE_BYTES} bytes` });
          continue;
        }
        const buf = fs.readFileSync(full);
        if (isBinary(buf)) skipped.push({ path: rel(full), reason: 'binary' });
        else files.push({ path: rel(full), text: buf.toString('utf8') });
      } catch (err) {
        errors.push(`cannot read file ${full}: ${errorText(err)}`);
      }
    }
  };
  walk(root);
  return { root, files, skipped, errors };
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}` : String(err);
}

function readReferenced(
  baseDir: string,
  relPath: string | undefined,
  fs: ReviewFileSystem,
): ReferencedFile | undefined {
  if (relPath === undefined) return undefined;
  const full = path.resolve(baseDir, relPath);
  try {
    return { path: relPath, text: fs.readFileSync(full).toString('utf8') };
  } catch (err) {
    return {
      path: relPath,
      error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : errorText(err),
    };
  }
}

/** Gather the review context: paths in deployment.yaml resolve against its directory. */
export function gatherContext(
  modelDir: string,
  loaded: LoadedDeployment,
  policy: GuardrailsPolicy,
  fs: ReviewFileSystem = nodeFs,
): PrrContext {
  const d = loaded.deployment;
  return {
    deploymentFile: loaded.file,
    deployment: d,
    policy,
    model: readModelFiles(modelDir, fs),
    modelCard: readReferenced(loaded.dir, d.modelCard, fs),
    loadTest: readReferenced(loaded.dir, d.loadTest, fs),
    iamPolicy: readReferenced(loaded.dir, d.iamPolicy, fs),
  };
}
