#!/usr/bin/env node
// The published `guardrails` binary: runs the TypeScript CLI through tsx (a runtime dependency),
// so `npx guardrails` works straight after `npm ci` with no build step.
require('tsx/cjs');
require('./guardrails-cli.ts');
