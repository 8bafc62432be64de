/**
 * Cold start of every function: bundle bytes and module-init time, beside the figures of the
 * commit before the cold-start work (499705c), both measured in this run on this machine.
 *
 * - Today's bundles: built from a `git worktree` of the current tree's functions with the same
 *   esbuild options GuardrailFunction deploys (`guardrailEsbuildOptions`), the validated policy
 *   written as JSON next to each one (`writeBundledPolicy`), as in the Lambda asset.
 * - Baseline bundles: a temporary `git worktree` of BASELINE_COMMIT, bundled with the options its
 *   GuardrailFunction passed to esbuild (minified CommonJS, linked source map, default main
 *   fields) and its policy YAML next to each one. It shares this checkout's node_modules (the
 *   lock files are compared; a difference is printed).
 * - Module init: a fresh `node` process per sample that times `require()` of the bundle (what
 *   Lambda reports as Init Duration, minus the runtime's own start); median of 10 samples,
 *   samples interleaved across variants so machine load affects all alike. The baseline is
 *   timed as deployed (`--enable-source-maps`, from its NODE_OPTIONS) and without it.
 *
 * Goals: every bundle <= 40 % of the baseline's bytes, the paging router <= 400 KB, module init
 * <= 50 % of the baseline's (as deployed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { build, type Metafile } from 'esbuild';
import { createGuardrailsApp } from '../lib/app';
import { loadPolicyFile } from '../lib/config/load';
import {
  GuardrailFunction,
  guardrailEsbuildOptions,
  writeBundledPolicy,
} from '../lib/constructs/guardrail-function';
import { type BenchSuite, type BenchTarget, printTable } from './suite';

const ROOT = path.join(__dirname, '..');
const POLICY_FILE = path.join(ROOT, 'config', 'guardrails.yaml');
/** main's HEAD before the cold-start work. */
const BASELINE_COMMIT = '499705c';
/** The functions of BASELINE_COMMIT by Powertools service name (entry files as they were). */
const BASELINE_ENTRIES: Record<string, string> = {
  'auto-stop': 'lambdas/auto-stop/handler.ts',
  'auto-stop-worker': 'lambdas/auto-stop/worker.ts',
  restore: 'lambdas/restore/handler.ts',
  'tag-compliance': 'lambdas/tag-compliance/handler.ts',
  paging: 'lambdas/paging/handler.ts',
};
const SAMPLES = Number(process.env.COLD_START_SAMPLES ?? 10);
const BYTES_GOAL = 0.4;
const ROUTER_GOAL_BYTES = 400 * 1024;
const INIT_GOAL = 0.5;

/** What module init needs in every function: placeholders for names and ARNs, no real AWS. */
const BASE_ENV: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_METRICS_NAMESPACE: 'MlGuardrails',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  HOLD_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/hold',
  HOLD_TABLE_NAME: 'hold',
  AUDIT_TABLE_NAME: 'audit',
  GUARD_TABLE_NAME: 'guard',
  IDEMPOTENCY_TABLE_NAME: 'idempotency',
  OWNER_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:owners',
};

interface Bundle {
  readonly dir: string;
  readonly bytes: number;
  readonly meta?: Metafile;
}

interface Variant {
  readonly file: string;
  readonly env: Record<string, string>;
  readonly nodeArgs: readonly string[];
  readonly samples: number[];
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

/** Milliseconds one fresh process spends in `require()` of the bundle. */
function initOnce(v: Variant): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(v.file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const out = spawnSync(process.execPath, [...v.nodeArgs, '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...v.env },
    encoding: 'utf8',
  });
  const ms = Number(out.stdout);
  if (out.status !== 0 || !Number.isFinite(ms))
    throw new Error(`require(${v.file}) failed: ${out.stderr.slice(0, 2000)}`);
  return ms;
}

/** Bytes each package (or our own file) adds to the bundle, from the esbuild metafile. */
function packageBytes(meta: Metafile | undefined, match: RegExp): number {
  const output = meta && Object.values(meta.outputs).find((o) => o.entryPoint);
  if (!output) return 0;
  return Object.entries(output.inputs)
    .filter(([p]) => match.test(p))
    .reduce((sum, [, i]) => sum + i.bytesInOutput, 0);
}

async function bundleCurrent(
  out: string,
): Promise<Map<string, { bundle: Bundle; env: Record<string, string> }>> {
  const policy = loadPolicyFile(POLICY_FILE);
  const { app } = createGuardrailsApp({
    policy,
    policyFile: POLICY_FILE,
    env: { account: '111122223333', region: 'eu-west-1' },
    nag: false,
    appProps: { context: { 'aws:cdk:bundling-stacks': [] } },
  });
  const result = new Map<string, { bundle: Bundle; env: Record<string, string> }>();
  for (const fn of GuardrailFunction.all(app as App)) {
    if (result.has(fn.serviceName)) continue;
    const dir = path.join(out, 'current', fn.serviceName);
    mkdirSync(dir, { recursive: true });
    const built = await build({
      ...guardrailEsbuildOptions(path.join(ROOT, fn.entryFile), path.join(dir, 'index.js')),
      absWorkingDir: ROOT,
      logLevel: 'error',
    });
    const policyJson = writeBundledPolicy(dir, POLICY_FILE);
    result.set(fn.serviceName, {
      bundle: {
        dir,
        bytes: statSync(path.join(dir, 'index.js')).size,
        ...(built.metafile ? { meta: built.metafile } : {}),
      },
      env: { POWERTOOLS_SERVICE_NAME: fn.serviceName, GUARDRAILS_POLICY_FILE: policyJson },
    });
  }
  return result;
}

async function bundleBaseline(
  out: string,
): Promise<{ bundles: Map<string, Bundle>; note: string }> {
  const tree = path.join(out, 'baseline-tree');
  execFileSync('git', ['worktree', 'add', '--detach', tree, BASELINE_COMMIT], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  try {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    const sameLock =
      readFileSync(path.join(tree, 'package-lock.json'), 'utf8') ===
      readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8');
    const bundles = new Map<string, Bundle>();
    for (const [service, entry] of Object.entries(BASELINE_ENTRIES)) {
      const dir = path.join(out, 'baseline', service);
      mkdirSync(dir, { recursive: true });
      // What GuardrailFunction at BASELINE_COMMIT rendered for esbuild.
      await build({
        entryPoints: [path.join(tree, entry)],
        outfile: path.join(dir, 'index.js'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node24',
        minify: true,
        sourcemap: true,
        absWorkingDir: tree,
        logLevel: 'error',
      });
      copyFileSync(
        path.join(tree, 'config', 'guardrails.yaml'),
        path.join(dir, 'guardrails-policy.yaml'),
      );
      bundles.set(service, { dir, bytes: statSync(path.join(dir, 'index.js')).size });
    }
    return {
      bundles,
      note: sameLock
        ? `baseline ${BASELINE_COMMIT}: same package-lock.json as this tree`
        : `baseline ${BASELINE_COMMIT}: built with this tree's node_modules (its package-lock.json differs)`,
    };
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT, stdio: 'ignore' });
  }
}

const suite: BenchSuite = {
  name: 'cold-start',
  async run() {
    const out = mkdtempSync(path.join(tmpdir(), 'bench-cold-start-'));
    try {
      const current = await bundleCurrent(out);
      const { bundles: baseline, note } = await bundleBaseline(out);
      process.stdout.write(`${note}; ${SAMPLES} samples per variant\n`);
      const measured = [...current.entries()].map(([service, now]) => {
        const before = baseline.get(service);
        const env = { ...BASE_ENV, ...now.env };
        const variants = {
          now: {
            file: path.join(now.bundle.dir, 'index.js'),
            env,
            nodeArgs: [],
            samples: [] as number[],
          },
          ...(before
            ? {
                beforeMaps: {
                  file: path.join(before.dir, 'index.js'),
                  env: {
                    ...env,
                    GUARDRAILS_POLICY_FILE: path.join(before.dir, 'guardrails-policy.yaml'),
                  },
                  nodeArgs: ['--enable-source-maps'],
                  samples: [] as number[],
                },
                beforeNoMaps: {
                  file: path.join(before.dir, 'index.js'),
                  env: {
                    ...env,
                    GUARDRAILS_POLICY_FILE: path.join(before.dir, 'guardrails-policy.yaml'),
                  },
                  nodeArgs: [],
                  samples: [] as number[],
                },
              }
            : {}),
        } as Record<string, Variant>;
        return { service, now, before, variants };
      });
      for (let i = 0; i < SAMPLES; i++)
        for (const m of measured)
          for (const v of Object.values(m.variants)) v.samples.push(initOnce(v));

      const rows: Record<string, string | number>[] = [];
      const targets: BenchTarget[] = [];
      for (const m of measured) {
        const nowInit = median(m.variants.now?.samples ?? []);
        const beforeInit = median(m.variants.beforeMaps?.samples ?? []);
        const beforeNoMaps = median(m.variants.beforeNoMaps?.samples ?? []);
        const bytesRatio = m.before ? m.now.bundle.bytes / m.before.bytes : Number.NaN;
        const initRatio = m.before ? nowInit / beforeInit : Number.NaN;
        // A function added after the baseline has nothing to compare with: no ratio, no goal.
        const ratioText = (ratio: number) => (m.before ? pct(ratio) : 'n/a');
        const msBefore = (ms: number) => (m.before ? ms.toFixed(0) : 'n/a');
        rows.push({
          function: m.service,
          'bytes before': m.before ? kb(m.before.bytes) : 'n/a',
          'bytes now': kb(m.now.bundle.bytes),
          'bytes now/before': ratioText(bytesRatio),
          'init ms before (maps)': msBefore(beforeInit),
          'init ms before (no maps)': msBefore(beforeNoMaps),
          'init ms now': nowInit.toFixed(0),
          'init now/before': ratioText(initRatio),
          'zod KB now': (packageBytes(m.now.bundle.meta, /node_modules\/zod\//) / 1024).toFixed(0),
          'X-Ray SDK KB now': (
            packageBytes(
              m.now.bundle.meta,
              /node_modules\/(aws-xray-sdk-core|semver|cls-hooked|@aws-lambda-powertools\/tracer)\//,
            ) / 1024
          ).toFixed(0),
          'yaml KB now': (packageBytes(m.now.bundle.meta, /node_modules\/yaml\//) / 1024).toFixed(
            0,
          ),
        });
        if (m.before)
          targets.push({
            description: `${m.service}: bundle <= 40 % of ${BASELINE_COMMIT}'s bytes`,
            actual: `${pct(bytesRatio)} (${kb(m.now.bundle.bytes)} vs ${kb(m.before.bytes)})`,
            met: bytesRatio <= BYTES_GOAL,
          });
        if (m.service === 'paging')
          targets.push({
            description: `paging router bundle <= 400 KB (${ROUTER_GOAL_BYTES.toLocaleString('en-US')} bytes)`,
            // Exact bytes: a bundle a few bytes over the goal still rounds to "400 KB".
            actual: `${m.now.bundle.bytes.toLocaleString('en-US')} bytes`,
            met: m.now.bundle.bytes <= ROUTER_GOAL_BYTES,
          });
        if (m.before)
          targets.push({
            description: `${m.service}: module init <= 50 % of ${BASELINE_COMMIT}'s (as deployed, with source maps)`,
            actual: `${pct(initRatio)} (${nowInit.toFixed(0)} ms vs ${beforeInit.toFixed(0)} ms; ${beforeNoMaps.toFixed(0)} ms without maps)`,
            met: initRatio <= INIT_GOAL,
          });
      }
      printTable(rows);
      return { rows, targets };
    } finally {
      if (existsSync(out)) rmSync(out, { recursive: true, force: true });
    }
  },
};

export default suite;
