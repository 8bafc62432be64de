import * as nodeFs from 'node:fs';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDeploymentFile } from '../../../lib/contracts/deployment';
import {
  gatherContext,
  type ReviewFileSystem,
  readModelFiles,
} from '../../../lib/contracts/prr/gather';
import { runPrr } from '../../../lib/contracts/prr/index';
import {
  copyFixture,
  examplePolicy,
  PYTHON_MODEL,
  removeCopies,
  review,
  statusOf,
} from '../helpers';

afterEach(removeCopies);

/** A file system whose reads fail for one path: a root-run test cannot rely on chmod. */
function failingOn(target: string, code: string): ReviewFileSystem {
  const fail = (p: string) => {
    if (p === target) throw Object.assign(new Error(`${code}: ${p}`), { code });
  };
  return {
    readdirSync: (dir, options) => {
      fail(dir);
      return nodeFs.readdirSync(dir, options);
    },
    readFileSync: (file) => {
      fail(file);
      return nodeFs.readFileSync(file);
    },
    statSync: (file) => nodeFs.statSync(file),
  };
}

describe('the secret scan cannot run', () => {
  it('fails when a subdirectory cannot be read', () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    const fs = failingOn(path.join(dir, 'src'), 'EACCES');
    // Act
    const report = review(dir, fs);
    const check = report.checks.find((c) => c.id === 'secrets');
    // Assess
    expect(check?.status).toBe('fail');
    expect(check?.details).toContain(`cannot read directory ${path.join(dir, 'src')}: EACCES`);
    expect(report.verdict).toBe('fail');
  });

  it('fails when a file cannot be read', () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    const file = path.join(dir, 'requirements.txt');
    // Act
    const report = review(dir, failingOn(file, 'EIO'));
    // Assess
    expect(statusOf(report, 'secrets')).toBe('fail');
  });

  it.each([
    ['does not exist', 'missing', false],
    ['is empty', 'empty', true],
  ])('fails the secret and code checks when the model directory %s', (_name, sub, create) => {
    // Prepare: the fixture's deployment file, reviewed against another directory.
    const dir = copyFixture(PYTHON_MODEL);
    const modelDir = path.join(dir, sub);
    if (create) mkdirSync(modelDir);
    const loaded = loadDeploymentFile(path.join(dir, 'deployment.yaml'));
    // Act
    const report = runPrr(gatherContext(modelDir, loaded, examplePolicy()));
    // Assess
    expect(statusOf(report, 'secrets')).toBe('fail');
    expect(statusOf(report, 'structured-logging')).toBe('fail');
    expect(statusOf(report, 'metrics')).toBe('fail');
    expect(report.checks.find((c) => c.id === 'secrets')?.details.join('\n')).toMatch(
      create ? /no text files to scan/ : /cannot read directory .*missing: ENOENT/,
    );
  });
});

describe('readModelFiles', () => {
  it('skips binary files and dependency folders, and reports what it skipped', () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    writeFileSync(path.join(dir, 'model.bin'), Buffer.from([1, 0, 2, 3]));
    mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules', 'x', 'index.js'), 'secret');
    // Act
    const model = readModelFiles(dir);
    // Assess
    expect(model.skipped).toEqual([{ path: 'model.bin', reason: 'binary' }]);
    expect(model.files.map((f) => f.path)).not.toContain('node_modules/x/index.js');
    expect(model.files.map((f) => f.path)).toContain('src/fraud_detection/app.py');
  });

  it('lists symbolic links as not scanned, so the secret check warns instead of passing', () => {
    // Prepare
    const dir = copyFixture(PYTHON_MODEL);
    symlinkSync('/etc/hostname', path.join(dir, 'linked.txt'));
    // Act
    const model = readModelFiles(dir);
    const check = review(dir).checks.find((c) => c.id === 'secrets');
    // Assess
    expect(model.skipped).toEqual([{ path: 'linked.txt', reason: 'symbolic link, not followed' }]);
    expect(check?.status).toBe('warn');
    expect(check?.details).toContain('not scanned: linked.txt (symbolic link, not followed)');
  });
});
