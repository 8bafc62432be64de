/** A benchmark suite: `bench/<name>.bench.ts` default-exports one. */
export interface BenchTarget {
  readonly description: string;
  readonly actual: string;
  readonly met: boolean;
}

export interface BenchOutcome {
  /** Rows of figures, printed as a table and saved to .bench/results.json. */
  readonly rows: readonly Record<string, string | number>[];
  readonly targets: readonly BenchTarget[];
}

export interface BenchSuite {
  readonly name: string;
  run(): Promise<BenchOutcome>;
}

/** Print rows as an aligned text table. */
export function printTable(rows: readonly Record<string, string | number>[]): void {
  const first = rows[0];
  if (!first) return;
  const cols = Object.keys(first);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i] ?? 0)).join('  ');
  process.stdout.write(`${line(cols)}\n${line(width.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(cols.map((c) => String(r[c] ?? '')))}\n`);
}
