#!/usr/bin/env node
// The published `guardrails` binary: the compiled CLI (dist/cli, ES modules split per command so
// only the chosen command loads), built by `npm run build:cli`, which the prepare script runs on
// `npm ci`, on `npm install` from git and before `npm pack`.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'guardrails-cli.mjs');
import(pathToFileURL(entry).href).catch((err) => {
  process.stderr.write(
    err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(entry)
      ? 'guardrails: the compiled CLI (dist/cli) is missing: run `npm run build:cli` (npm ci runs it)\n'
      : `guardrails: cannot start: ${err?.message ?? String(err)}\n`,
  );
  process.exitCode = 1;
});
