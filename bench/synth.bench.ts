/**
 * Synth time and peak memory of the CDK app for 1, 100 and 1,000 projects: the app process as
 * `cdk synth` runs it (tsx, policy load and validation, all stacks, tags, cdk-nag, templates
 * written), median of three runs each. Goal: 1,000 projects in under 3x the time of 1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { policyWithProjects } from './policies';
import { type BenchSuite, printTable } from './suite';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const SIZES = [1, 100, 1000];
const RUNS = 3;

async function synthOnce(policyFile: string): Promise<{ seconds: number; peakMiB: number }> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bench-synth-'));
  const rssFile = path.join(outdir, 'rss');
  const started = performance.now();
  await run(
    process.execPath,
    [
      '-r',
      'tsx/cjs',
      '-r',
      path.join(__dirname, 'report-rss.js'),
      path.join(ROOT, 'bin', 'guardrails.ts'),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ config: policyFile }),
        CDK_OUTDIR: outdir,
        BENCH_RSS_FILE: rssFile,
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const peakMiB = Number(readFileSync(rssFile, 'utf8')) / 1024 / 1024;
  rmSync(outdir, { recursive: true, force: true });
  return { seconds, peakMiB };
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const suite: BenchSuite = {
  name: 'synth',
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-policy-'));
    const rows: Record<string, string | number>[] = [];
    const seconds = new Map<number, number>();
    for (const n of SIZES) {
      const file = path.join(dir, `policy-${n}.yaml`);
      writeFileSync(file, policyWithProjects(n));
      const samples = [];
      for (let i = 0; i < RUNS; i++) samples.push(await synthOnce(file));
      const s = median(samples.map((x) => x.seconds));
      seconds.set(n, s);
      rows.push({
        projects: n,
        'synth s (median of 3)': s.toFixed(2),
        'peak MiB': median(samples.map((x) => x.peakMiB)).toFixed(0),
      });
    }
    rmSync(dir, { recursive: true, force: true });
    printTable(rows);
    const ratio = (seconds.get(1000) ?? Number.NaN) / (seconds.get(1) ?? Number.NaN);
    return {
      rows,
      targets: [
        {
          description: '1,000 projects synthesize in under 3x the time of 1 project',
          actual: `${ratio.toFixed(2)}x`,
          met: ratio < 3,
        },
      ],
    };
  },
};

export default suite;
