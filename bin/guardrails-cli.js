#!/usr/bin/env node
// The published `guardrails` binary: the compiled CLI bundle (built by `npm run build:cli`, which
// the prepare script runs on `npm ci`, `npm install` from git, and before `npm pack`).
try {
  require.resolve('../dist/guardrails-cli.js');
} catch {
  process.stderr.write(
    'guardrails: the compiled CLI (dist/guardrails-cli.js) is missing: run `npm run build:cli` (npm ci runs it)\n',
  );
  process.exit(1);
}
require('../dist/guardrails-cli.js');
