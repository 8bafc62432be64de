/**
 * The installed binary: bin/guardrails-cli.js running the compiled bundle that `npm ci` builds
 * (the prepare script), in a real process with a clean environment.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'guardrails-cli.js');

/** No AWS configuration anywhere the SDK looks, and no instance metadata to wait for. */
const NO_AWS: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: mkdtempSync(path.join(tmpdir(), 'home-')),
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function guardrails(args: string[], env: NodeJS.ProcessEnv = NO_AWS) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // What `npm ci` runs through the prepare script.
  execFileSync('npm', ['run', '-s', 'build:cli'], { cwd: ROOT, stdio: 'inherit' });
});

describe('the guardrails binary', () => {
  it('runs the compiled bundle, not TypeScript', () => {
    expect(existsSync(path.join(ROOT, 'dist', 'cli', 'guardrails-cli.mjs'))).toBe(true);
    const run = guardrails(['--version']);
    expect(run).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('lists the commands with exit 0', () => {
    const run = guardrails([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: guardrails <command> \[options\]/);
  });

  it('ends in one line, not a stack trace, without AWS configuration', () => {
    const text = guardrails(['auto-stop', 'plan', '--project', 'fraud-detection']);
    const json = guardrails(['auto-stop', 'plan', '--project', 'fraud-detection', '--json']);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      'guardrails auto-stop plan: no AWS region: pass --region <region> or set AWS_REGION (or a region in the profile of ~/.aws/config)\n',
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, errors: [{ code: 'no-region' }] });
  });

  it('says AWS cannot be reached in one line when nothing answers', () => {
    // Prepare: credentials and a region, and an endpoint where nothing listens.
    const env = {
      ...NO_AWS,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    };
    // Act
    const run = guardrails(['tag-compliance', 'audit', '--region', 'eu-west-1'], env);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      /^guardrails tag-compliance audit: cannot reach AWS \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:9\): check the network/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a YAML alias bomb as an invalid file, exit 1', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bomb-')), 'bomb.yaml');
    const levels = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
    ])
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    writeFileSync(file, levels.join('\n'));
    const run = guardrails(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:1 YAML aliases expand too much`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
