/**
 * GuardrailFunction bundling: real esbuild runs (local bundling), so these tests check what is
 * deployed: the validated policy as JSON next to the handler, no source map in the asset, and
 * which modules each function bundle contains (esbuild metafiles).
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../lib/config/load';
import {
  BUNDLED_POLICY_FILE,
  GuardrailFunction,
  guardrailEsbuildOptions,
  RUNTIME_PROVIDED_MODULES,
} from '../../lib/constructs/guardrail-function';
import { buildTestApp, EXAMPLE_POLICY_FILE } from '../helpers/app';

const REPO_ROOT = path.join(__dirname, '..', '..');

describe('GuardrailFunction bundling (real esbuild)', () => {
  let outdir = '';
  let assetDir = '';
  let template: Template;
  let policyDir = '';

  beforeAll(() => {
    // Prepare: a policy path with shell metacharacters; a shell command built from it would run them.
    policyDir = path.join(mkdtempSync(path.join(tmpdir(), 'gf-')), 'p"; touch pwned; echo "$(id)');
    mkdirSync(policyDir, { recursive: true });
    const policyFile = path.join(policyDir, 'guardrails.yaml');
    copyFileSync(EXAMPLE_POLICY_FILE, policyFile);
    outdir = mkdtempSync(path.join(tmpdir(), 'gf-out-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundled', {
      env: { account: '111122223333', region: 'eu-west-1' },
    });
    // Act
    new GuardrailFunction(stack, 'Router', {
      entry: 'lambdas/paging/handler.ts',
      serviceName: 'paging',
      description: 'bundling test',
      policyFile,
    });
    template = Template.fromStack(stack);
    app.synth();
    const code = template.findResources('AWS::Lambda::Function');
    const key = Object.values(code)[0]?.Properties?.Code?.S3Key as string | undefined;
    if (!key) throw new Error('no Lambda code key');
    assetDir = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  });

  it('writes the validated, normalized policy as JSON next to the handler', () => {
    const json = JSON.parse(readFileSync(path.join(assetDir, BUNDLED_POLICY_FILE), 'utf8'));
    expect(json).toEqual(
      JSON.parse(JSON.stringify(loadPolicyFile(path.join(policyDir, 'guardrails.yaml')))),
    );
  });

  it('copies the policy without a shell: metacharacters in its path run nothing', () => {
    expect(existsSync(path.join(REPO_ROOT, 'pwned'))).toBe(false);
    expect(existsSync(path.join(policyDir, 'pwned'))).toBe(false);
    expect(existsSync(path.join(outdir, 'pwned'))).toBe(false);
  });

  it('ships the bundle, the policy, the legal comments and a source map that Node.js does not load at start', () => {
    expect(readdirSync(assetDir).sort()).toEqual([
      'guardrails-policy.json',
      'index.js',
      'index.js.LEGAL.txt',
      'index.js.map',
    ]);
    const code = readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    expect(code).not.toContain('sourceMappingURL');
    // Kept beside the code, not in it: Powertools marks a coverage hint with @preserve.
    expect(code).not.toContain('@preserve');
    expect(readFileSync(path.join(assetDir, 'index.js.LEGAL.txt'), 'utf8')).toContain(
      '@aws-lambda-powertools/logger',
    );
  });

  it('points GUARDRAILS_POLICY_FILE at the JSON and does not load source maps at start', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectEquals({
          POWERTOOLS_SERVICE_NAME: 'paging',
          POWERTOOLS_METRICS_NAMESPACE: 'MlGuardrails',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          GUARDRAILS_POLICY_FILE: '/var/task/guardrails-policy.json',
        }),
      },
    });
  });
});

/** Inputs that end up in the bundle (esbuild also lists modules it scanned and then dropped). */
function shipped(meta: Metafile): string[] {
  const output = Object.values(meta.outputs).find((o) => o.entryPoint);
  if (!output) throw new Error('no bundle output in the metafile');
  return Object.entries(output.inputs)
    .filter(([, i]) => i.bytesInOutput > 0)
    .map(([p]) => p);
}

/** Our shipped modules (outside node_modules) that import a shipped path of the given package. */
function importersOf(meta: Metafile, pkg: string): string[] {
  const inBundle = new Set(shipped(meta));
  const inPkg = (p: string) => p.includes(`node_modules/${pkg}/`) && inBundle.has(p);
  return Object.entries(meta.inputs)
    .filter(([p]) => inBundle.has(p) && !p.includes('node_modules/'))
    .filter(([, input]) => input.imports.some((i) => inPkg(i.path)))
    .map(([p]) => p)
    .sort();
}

/**
 * Our modules that bring zod into a bundle: the runtime input parsers, all on the tree-shakable
 * `zod/mini`, and the module that gives it English issue messages. The list may only shrink.
 */
const ZOD_IMPORTERS = new Set([
  'lambdas/auto-stop/work-queue.ts',
  'lambdas/budgets/reconcile.ts',
  'lambdas/endpoints/restore-event.ts',
  'lambdas/paging/alarm-event.ts',
  'lambdas/paging/hold.ts',
  'lambdas/shared/change-events.ts',
  'lambdas/shared/zod-messages.ts',
  'lambdas/tag-compliance/event.ts',
]);

describe('function bundles (esbuild metafiles, same options as deployed)', () => {
  const metas = new Map<string, Metafile>();

  beforeAll(async () => {
    const app = buildTestApp();
    const out = mkdtempSync(path.join(tmpdir(), 'gf-meta-'));
    for (const fn of GuardrailFunction.all(app.app)) {
      if (metas.has(fn.entryFile)) continue;
      const result = await build({
        ...guardrailEsbuildOptions(
          path.join(REPO_ROOT, fn.entryFile),
          path.join(out, fn.node.addr, 'index.js'),
        ),
        absWorkingDir: REPO_ROOT,
        logLevel: 'error',
      });
      if (!result.metafile) throw new Error(`esbuild wrote no metafile for ${fn.entryFile}`);
      metas.set(fn.entryFile, result.metafile);
    }
  }, 120_000);

  it('builds every function of the app', () => {
    expect([...metas.keys()].length).toBeGreaterThanOrEqual(5);
  });

  it('ships neither the YAML parser nor the policy loader in any function', () => {
    for (const [entry, meta] of metas) {
      const inputs = shipped(meta);
      expect({ entry, yaml: inputs.filter((p) => p.includes('node_modules/yaml/')) }).toEqual({
        entry,
        yaml: [],
      });
      expect(inputs).not.toContain('lib/config/load.ts');
      expect(inputs).not.toContain('lib/config/semantics.ts');
    }
  });

  it('leaves the X-Ray SDK out: tracing is done by the Lambda runtime', () => {
    for (const [entry, meta] of metas) {
      const xray = shipped(meta).filter((p) => p.includes('node_modules/aws-xray-sdk-core/'));
      expect({ entry, xray }).toEqual({ entry, xray: [] });
    }
  });

  it('takes zod only through the runtime input parsers listed, never through the policy', () => {
    for (const [entry, meta] of metas) {
      const extra = importersOf(meta, 'zod').filter((p) => !ZOD_IMPORTERS.has(p));
      expect({ entry, extra }).toEqual({ entry, extra: [] });
      expect(shipped(meta)).not.toContain('lib/config/schema.ts');
    }
  });

  it('ships zod/mini only, never the full zod build (about 440 KB minified)', () => {
    for (const [entry, meta] of metas) {
      const classic = shipped(meta).filter((p) => p.includes('node_modules/zod/v4/classic/'));
      expect({ entry, classic }).toEqual({ entry, classic: [] });
    }
  });

  it('leaves out the credential links after fromEnv and event streams, and imports them only lazily', () => {
    for (const [entry, meta] of metas) {
      const inBundle = new Set(shipped(meta));
      const left = Object.entries(meta.inputs)
        .filter(([p]) => inBundle.has(p))
        .flatMap(([, input]) => input.imports.filter((i) => i.external))
        .filter((i) => !i.path.startsWith('node:') && !isBuiltin(i.path));
      // Loaded only when a lazy path is taken, never at module init.
      expect({ entry, eager: left.filter((i) => i.kind !== 'dynamic-import') }).toEqual({
        entry,
        eager: [],
      });
      expect(new Set(left.map((i) => i.path))).toEqual(new Set(RUNTIME_PROVIDED_MODULES));
      const chain = [...inBundle].filter((p) =>
        /node_modules\/@aws-sdk\/(nested-clients|credential-provider-(ini|sso|login|process|web-identity|http))\//.test(
          p,
        ),
      );
      expect({ entry, chain }).toEqual({ entry, chain: [] });
    }
  });

  it('bundles every module of ours as an ES module, so esbuild hoists it and its imports', () => {
    // A file esbuild takes for CommonJS is wrapped, and so is everything it imports (evanw/esbuild#4381).
    for (const [entry, meta] of metas) {
      const inBundle = new Set(shipped(meta));
      const cjs = Object.entries(meta.inputs)
        .filter(
          ([p, input]) => inBundle.has(p) && !p.includes('node_modules/') && input.format !== 'esm',
        )
        .map(([p]) => p);
      expect({ entry, cjs }).toEqual({ entry, cjs: [] });
    }
  });

  it('uses the ES module build of the AWS SDK, so unused commands are left out', () => {
    for (const [entry, meta] of metas) {
      const cjs = shipped(meta).filter((p) =>
        /node_modules\/@aws-sdk\/client-[^/]+\/dist-cjs\//.test(p),
      );
      expect({ entry, cjs }).toEqual({ entry, cjs: [] });
    }
  });
});

describe('credentials in a bundle without the lazy credential links', () => {
  /** Bundles a client that resolves its credentials, as deployed, into a folder outside the repository. */
  async function credentialProbe(): Promise<string> {
    const dir = mkdtempSync(path.join(tmpdir(), 'gf-creds-'));
    const entry = path.join(dir, 'probe.ts');
    writeFileSync(
      entry,
      [
        `import { SNSClient } from '${path.join(REPO_ROOT, 'node_modules/@aws-sdk/client-sns')}';`,
        `import { sdkClientConfig } from '${path.join(REPO_ROOT, 'lambdas/shared/sdk')}';`,
        'const client = new SNSClient({ ...sdkClientConfig(), region: "eu-west-1" });',
        'client.config.credentials().then(',
        '  (c) => console.log(JSON.stringify({ ok: c.accessKeyId })),',
        '  (e) => console.log(JSON.stringify({ error: String(e) })),',
        ');',
      ].join('\n'),
    );
    const outfile = path.join(dir, 'index.js');
    await build({
      ...guardrailEsbuildOptions(entry, outfile),
      absWorkingDir: REPO_ROOT,
      logLevel: 'error',
    });
    return outfile;
  }

  /** Runs the bundle in a fresh Node.js process whose module paths do not reach the repository. */
  function run(bundle: string, env: Record<string, string>): { ok?: string; error?: string } {
    const out = execFileSync(process.execPath, [bundle], {
      cwd: path.dirname(bundle),
      env: { PATH: process.env.PATH ?? '', HOME: path.dirname(bundle), ...env },
      encoding: 'utf8',
    });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}');
  }

  it('resolves the credentials Lambda puts in the environment from the bundle alone', async () => {
    const bundle = await credentialProbe();
    expect(
      run(bundle, {
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
      }),
    ).toEqual({ ok: 'ASIAEXAMPLEEXAMPLE' });
    // Without them the chain would load its next link from the runtime's SDK copy, which this
    // process cannot reach: proof that the link is not in the bundle.
    expect(run(bundle, {}).error).toMatch(
      /Cannot find (module|package) '@aws-sdk\/credential-provider-ini'/,
    );
  }, 60_000);
});
