import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AwsCheckDeps, checkAwsAccess, withTimeout } from '../../lib/cli/aws';
import { CliError } from '../../lib/cli/command';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';
import { runCli } from '../helpers/cli';

const never = () => new Promise<never>(() => {});
const ok: AwsCheckDeps = {
  region: async () => 'eu-west-1',
  credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
  lookup: async () => ({ address: '127.0.0.1' }),
};

describe('checkAwsAccess', () => {
  it('passes when the region, the credentials and the endpoint name resolve', async () => {
    const lookup = vi.fn(async () => ({}));
    await checkAwsAccess({ ...ok, lookup }, { timeoutMs: 1000 });
    expect(lookup).toHaveBeenCalledWith('sts.eu-west-1.amazonaws.com');
  });

  it('skips the DNS check when AWS_ENDPOINT_URL points elsewhere', async () => {
    const lookup = vi.fn(never);
    await checkAwsAccess(
      { ...ok, lookup },
      { timeoutMs: 10, endpointUrl: 'http://localhost:4566' },
    );
    expect(lookup).not.toHaveBeenCalled();
  });

  it.each([
    ['the region', { region: never }, /^no AWS region after 0 s: pass --region/],
    ['the credentials', { credentials: never }, /^no AWS credentials after 0 s: pass --profile/],
    ['DNS', { lookup: never }, /^cannot reach AWS: no answer for sts\.eu-west-1\.amazonaws\.com/],
  ])('gives up on %s that never answers, naming the fix', async (_name, override, message) => {
    const check = checkAwsAccess({ ...ok, ...override }, { timeoutMs: 5 });
    await expect(check).rejects.toThrow(CliError);
    await expect(checkAwsAccess({ ...ok, ...override }, { timeoutMs: 5 })).rejects.toThrow(message);
  });

  it('passes the SDK errors through for the router to explain', async () => {
    const failing = { ...ok, region: async () => Promise.reject(new Error('Region is missing')) };
    await expect(checkAwsAccess(failing, { timeoutMs: 1000 })).rejects.toThrow('Region is missing');
  });

  it('withTimeout resolves with the value when it comes in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, 'late')).resolves.toBe(7);
  });
});

describe('AWS commands without AWS configuration', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** No region, no credentials anywhere the SDK looks, and no instance metadata to wait for. */
  function withoutAwsConfiguration(): void {
    for (const name of [
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_PROFILE',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
    ])
      vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  }

  it.each([
    [['auto-stop', 'plan', '--project', 'fraud-detection']],
    [['endpoints', 'restore', '--project', 'fraud-detection', '--table', 'audit']],
    [['tag-compliance', 'audit']],
  ])('%j says "no AWS region" in one line, also as JSON', async (argv) => {
    // Prepare
    withoutAwsConfiguration();
    // Act
    const text = await runCli(...argv, '--policy', EXAMPLE_POLICY_FILE);
    const json = await runCli(...argv, '--policy', EXAMPLE_POLICY_FILE, '--json');
    // Assess
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      `guardrails ${argv.slice(0, 2).join(' ')}: no AWS region: pass --region <region> or set AWS_REGION (or a region in the profile of ~/.aws/config)`,
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      errors: [{ code: 'no-region', message: expect.stringMatching(/^no AWS region/) }],
    });
  });

  it.each([
    [['endpoints', 'restore'], '--project is required'],
    [
      ['endpoints', 'restore', '--project', 'nope'],
      '--project "nope" is not a project of the policy',
    ],
    [['auto-stop', 'release'], '--project is required'],
    [
      ['auto-stop', 'release', '--project', 'nope'],
      '--project "nope" is not a project of the policy',
    ],
    [['auto-stop', 'plan'], 'give exactly one of --project <id> or --message <file>'],
    [['auto-stop', 'plan', '--project', 'nope'], '--project "nope" is not a project of the policy'],
    [
      ['tag-compliance', 'audit', '--project', 'nope'],
      '--project "nope" is not a project of the policy',
    ],
  ])('%j names the wrong input (exit 2) before it looks for a region', async (argv, message) => {
    // Prepare
    withoutAwsConfiguration();
    // Act
    const run = await runCli(...argv, '--policy', EXAMPLE_POLICY_FILE);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`guardrails ${argv.slice(0, 2).join(' ')}: ${message}`);
    expect(run.stderr).not.toMatch(/AWS region|AWS credentials/);
  });

  it('says "no AWS credentials" when --region is given but nothing provides credentials', async () => {
    // Prepare
    withoutAwsConfiguration();
    // Act
    const run = await runCli(
      'tag-compliance',
      'audit',
      '--region',
      'eu-west-1',
      '--policy',
      EXAMPLE_POLICY_FILE,
    );
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^guardrails tag-compliance audit: no AWS credentials: pass --profile <name> .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY$/,
    );
  });
});
