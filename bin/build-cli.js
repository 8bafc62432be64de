// Builds the `guardrails` CLI into dist/cli: one ES module per command (esbuild code splitting),
// so a run loads the router and the chosen command only. `npm run build:cli`; the prepare script
// runs it on `npm ci`, on `npm install` from git and before `npm pack`.
const { rmSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const outdir = path.join(root, 'dist', 'cli');
rmSync(outdir, { recursive: true, force: true });
esbuild.buildSync({
  entryPoints: [path.join(root, 'bin', 'guardrails-cli.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir,
  outExtension: { '.js': '.mjs' },
  // Bundled CommonJS dependencies (the AWS SDK) call require() for Node's built-in modules.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
