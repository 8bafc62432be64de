/**
 * Start time of the `guardrails` CLI: `guardrails --help` and `guardrails validate` (the shipped
 * policy), median of 20 process runs each, for the installed binary (bin/guardrails-cli.js, the
 * compiled bundle) and, in the same run as the "before", the former way of starting it: the
 * TypeScript entry through tsx (`node --import tsx bin/guardrails-cli.ts`). Goal: <= 300 ms median.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BenchSuite, printTable } from './suite';

const ROOT = path.join(__dirname, '..');
const RUNS = 20;
const TARGET_MS = 300;

const STARTS: Record<string, readonly string[]> = {
  'before (tsx)': ['--import', 'tsx', path.join(ROOT, 'bin', 'guardrails-cli.ts')],
  'after (compiled)': [path.join(ROOT, 'bin', 'guardrails-cli.js')],
};
const COMMANDS: Record<string, readonly string[]> = {
  'guardrails --help': ['--help'],
  'guardrails validate': ['validate'],
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * CPU time (user + system) of this process's finished children, in ms, from /proc/self/stat
 * (cutime, cstime; clock ticks of 10 ms, the Linux default): less sensitive than wall time to
 * other work on a shared machine. Undefined off Linux.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** Wall time of one process from spawn to exit, in milliseconds. */
function timeOnce(args: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const suite: BenchSuite = {
  name: 'cli',
  async run() {
    // The bundle the prepare script builds, from the current source.
    execFileSync('npm', ['run', '-s', 'build:cli'], { cwd: ROOT, stdio: 'inherit' });
    const rows: Record<string, string | number>[] = [];
    const medians = new Map<string, number>();
    for (const [command, cmdArgs] of Object.entries(COMMANDS))
      for (const [start, startArgs] of Object.entries(STARTS)) {
        timeOnce([...startArgs, ...cmdArgs]); // warm the file cache
        const times: number[] = [];
        const cpuBefore = childrenCpuMs();
        for (let i = 0; i < RUNS; i++) times.push(timeOnce([...startArgs, ...cmdArgs]));
        const cpuAfter = childrenCpuMs();
        const m = median(times);
        medians.set(`${command}|${start}`, m);
        rows.push({
          command,
          start,
          runs: RUNS,
          'median ms': Math.round(m),
          'min ms': Math.round(Math.min(...times)),
          'max ms': Math.round(Math.max(...times)),
          'mean CPU ms':
            cpuBefore === undefined || cpuAfter === undefined
              ? '-'
              : Math.round((cpuAfter - cpuBefore) / RUNS),
        });
      }
    printTable(rows);
    return {
      rows,
      targets: Object.keys(COMMANDS).map((command) => {
        const after = medians.get(`${command}|after (compiled)`) ?? Number.POSITIVE_INFINITY;
        const before = medians.get(`${command}|before (tsx)`) ?? Number.NaN;
        return {
          description: `${command} starts in <= ${TARGET_MS} ms (median of ${RUNS})`,
          actual: `${Math.round(after)} ms (before: ${Math.round(before)} ms through tsx)`,
          met: after <= TARGET_MS,
        };
      }),
    };
  },
};

export default suite;
