/**
 * `npm run bench`: runs every `bench/*.bench.ts` suite (or the ones named on the command line,
 * e.g. `npm run bench -- synth`), prints each suite's table, and writes all figures to
 * `.bench/results.json`. Targets are checked in the suites and reported as PASS/FAIL lines;
 * a missed target makes the run exit 1.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BenchSuite } from './suite';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  const results: Record<string, unknown> = {};
  let failed = 0;
  for (const file of files) {
    const suite = (await import(path.join(__dirname, file))).default as BenchSuite;
    process.stdout.write(`\n## ${suite.name}\n`);
    const outcome = await suite.run();
    results[suite.name] = outcome;
    for (const t of outcome.targets) {
      process.stdout.write(`${t.met ? 'PASS' : 'FAIL'} ${t.description}: ${t.actual}\n`);
      if (!t.met) failed++;
    }
  }
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nFigures written to .bench/results.json; ${failed} target(s) missed.\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
