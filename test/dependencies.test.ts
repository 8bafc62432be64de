/**
 * The AWS SDK is one release: each package of @aws-sdk/* and @smithy/* resolves to a single
 * version in the lock file, so no function bundles two copies of the shared runtime. Clients
 * are only published when they change ("We don't publish incremental versions when no changes
 * are made", aws/aws-sdk-js-v3#5955), so one release means each client at its newest version
 * not above that release, with the runtime shared through version ranges (aws/aws-sdk-js-v3#7686).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..');
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
};
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Where Node.js finds `name` from the package installed at `from` (nested first, then up). */
function resolve(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('node_modules/');
    dir = up <= 0 ? '' : dir.slice(0, up - 1);
  }
}

/** Lock paths of everything the AWS SDK packages of package.json load, transitively. */
function sdkClosure(): Set<string> {
  const seen = new Set<string>();
  const queue = Object.keys(pkg.dependencies)
    .filter((n) => n.startsWith('@aws-sdk/'))
    .map((n) => resolve('', n))
    .filter((p): p is string => p !== undefined);
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    for (const dep of Object.keys(lock.packages[next]?.dependencies ?? {})) {
      const found = resolve(next, dep);
      if (found) queue.push(found);
    }
  }
  return seen;
}

/** Package name -> versions the AWS SDK loads (an old X-Ray SDK copy elsewhere is not bundled). */
function installedVersions(scope: string): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  for (const where of sdkClosure()) {
    const name = where.split('node_modules/').pop() ?? '';
    const version = lock.packages[where]?.version;
    if (!name.startsWith(`${scope}/`) || !version) continue;
    const set = versions.get(name) ?? new Set<string>();
    set.add(version);
    versions.set(name, set);
  }
  return versions;
}

describe('AWS SDK dependencies', () => {
  it.each(['@aws-sdk', '@smithy'])('installs one version of every %s package', (scope) => {
    const duplicated = [...installedVersions(scope)]
      .filter(([, v]) => v.size > 1)
      .map(([name, v]) => `${name}: ${[...v].join(', ')}`);
    expect(installedVersions(scope).size).toBeGreaterThan(0);
    expect(duplicated).toEqual([]);
  });

  it('pins every @aws-sdk dependency to an exact version', () => {
    const ranges = Object.entries(pkg.dependencies).filter(
      ([name, version]) => name.startsWith('@aws-sdk/') && !/^\d+\.\d+\.\d+$/.test(version),
    );
    expect(ranges).toEqual([]);
  });

  it('updates the SDK clients and their shared runtime in one Dependabot group', () => {
    const config = readFileSync(path.join(ROOT, '.github', 'dependabot.yml'), 'utf8');
    expect(config).toMatch(/groups:\s+aws-sdk:\s+patterns:\s+- "@aws-sdk\/\*"\s+- "@smithy\/\*"/);
  });
});

/**
 * Powertools is one release too. Its utilities pin `@aws-lambda-powertools/commons` to their own
 * version, so a logger and a metrics package one release apart each bring a copy of commons, and
 * every function bundles both.
 */
describe('Powertools for AWS Lambda dependencies', () => {
  const POWERTOOLS = '@aws-lambda-powertools/';

  it('installs every @aws-lambda-powertools package once, all at the same release', () => {
    const versions = new Map<string, Set<string>>();
    for (const [where, entry] of Object.entries(lock.packages)) {
      const name = where.split('node_modules/').pop() ?? '';
      if (!name.startsWith(POWERTOOLS) || !entry.version) continue;
      versions.set(name, (versions.get(name) ?? new Set<string>()).add(entry.version));
    }
    expect(versions.has(`${POWERTOOLS}commons`)).toBe(true);
    const duplicated = [...versions]
      .filter(([, v]) => v.size > 1)
      .map(([name, v]) => `${name}: ${[...v].join(', ')}`);
    expect(duplicated).toEqual([]);
    expect(new Set([...versions.values()].flatMap((v) => [...v])).size).toBe(1);
  });

  it('pins every Powertools dependency to the same exact version', () => {
    const pinned = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
      ([name]) => name.startsWith(POWERTOOLS),
    );
    expect(pinned.length).toBeGreaterThan(0);
    expect(pinned.filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(version))).toEqual([]);
    expect(new Set(pinned.map(([, version]) => version)).size).toBe(1);
  });

  it('updates the Powertools packages in one Dependabot group', () => {
    const config = readFileSync(path.join(ROOT, '.github', 'dependabot.yml'), 'utf8');
    expect(config).toMatch(/powertools:\s+patterns:\s+- "@aws-lambda-powertools\/\*"/);
  });
});
