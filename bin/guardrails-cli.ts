#!/usr/bin/env node
/**
 * The `guardrails` process: real stdout/stderr, a status line on a terminal, and the network
 * pre-check before AWS commands. Compiled to dist/cli/ (npm run build:cli, run by
 * `npm ci` through the prepare script); bin/guardrails-cli.js loads that bundle.
 */
import { main } from '../lib/cli/main';

const tty = process.stderr.isTTY === true;
// On a terminal every stderr line first clears a pending status line.
const clear = tty ? '\r\x1b[K' : '';

main(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${clear}${text}\n`),
    stderrIsTTY: tty,
    status: (text) => process.stderr.write(`${clear}${text}`),
  },
  { checkNetwork: true },
).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // main() reports every error itself; this is a last resort, still one line.
    process.stderr.write(
      `guardrails: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
