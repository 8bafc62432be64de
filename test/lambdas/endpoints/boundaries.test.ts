import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAMBDAS = resolve(__dirname, '../../../lambdas');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Relative imports of a file that land in another Lambda folder (not lambdas/shared). */
function crossings(file: string): string[] {
  const from = relative(LAMBDAS, file).split('/')[0];
  const specs = [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => m[1]);
  return specs.flatMap((spec) => {
    if (!spec) return [];
    const target = relative(LAMBDAS, resolve(dirname(file), spec));
    const [folder, ...rest] = target.split('/');
    if (!folder || folder.startsWith('..') || folder === from || folder === 'shared') return [];
    // A module's public index is its API: `../../endpoints` or `../endpoints/index`.
    if (rest.length === 0 || (rest.length === 1 && rest[0] === 'index')) return [];
    return [`${relative(LAMBDAS, file)} -> ${target}`];
  });
}

describe('Lambda folder boundaries', () => {
  it('no Lambda folder imports another Lambda folder except through its public index', () => {
    // Act
    const found = sources(LAMBDAS).flatMap(crossings);
    // Assess
    expect(found).toEqual([]);
  });

  it('auto-stop reaches the endpoint lifecycle only through lambdas/endpoints/index.ts', () => {
    // Prepare
    const adapter = readFileSync(join(LAMBDAS, 'auto-stop/kinds/endpoint.ts'), 'utf8');
    // Act
    const specs = [...adapter.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    // Assess
    expect(specs).toContain('../../endpoints');
    expect(specs.filter((s) => s?.includes('endpoints/'))).toEqual([]);
  });
});
