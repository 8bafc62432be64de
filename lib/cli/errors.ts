/**
 * Turns whatever a command throws into what the user sees: one line that names the fix (or the
 * list of problems of an invalid file) and an exit code. Pure: no SDK, no environment.
 */
import { awsErrorName } from '../../lambdas/shared/errors';
import { isThrottlingError } from '../../lambdas/shared/retry';
import { YamlValidationError } from '../config/load';
import { CliError, UsageError } from './command';

/** One entry of `errors` in the `--json` failure document `{"ok": false, "errors": [...]}`. */
export interface ErrorItem {
  /** Stable kind: usage, invalid-file, file-not-found, no-region, no-credentials, ... */
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly path?: string;
}

export interface ExplainedError {
  readonly exitCode: 1 | 2;
  readonly errors: readonly ErrorItem[];
  /** False for an unexpected error: `--debug` shows its stack. */
  readonly expected: boolean;
}

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

const ACCESS_DENIED_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
]);

const EXPIRED_NAMES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
  'InvalidSignatureException',
]);

function field(err: unknown, key: string): unknown {
  return err !== null && typeof err === 'object'
    ? (err as Record<string, unknown>)[key]
    : undefined;
}

function text(err: unknown, key: string): string {
  const v = field(err, key);
  return typeof v === 'string' ? v : '';
}

/** The first line of an error message (SDK messages sometimes continue with advice). */
function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? '';
}

const one = (code: string, message: string, exitCode: 1 | 2 = 1): ExplainedError => ({
  exitCode,
  errors: [{ code, message }],
  expected: true,
});

/**
 * Classify an error. AWS failures are recognised by error name and code (as the SDK sets them);
 * a missing region by its text, "Region is missing", because the SDK throws a plain Error for it
 * (@smithy/core, config-resolver `resolveRegionConfig`).
 */
export function explainError(err: unknown): ExplainedError {
  if (err instanceof UsageError) return one('usage', err.message, 2);
  if (err instanceof CliError) return one('failed', err.message);
  if (err instanceof YamlValidationError)
    return {
      exitCode: 1,
      expected: true,
      errors: err.problems.map((p) => ({
        code: 'invalid-file',
        message: `${p.file}:${p.line} ${p.path ? `${p.path}: ` : ''}${p.message}`,
        file: p.file,
        line: p.line,
        ...(p.path ? { path: p.path } : {}),
      })),
    };

  const name = awsErrorName(err) ?? '';
  const code = text(err, 'code');
  const message = text(err, 'message');

  if (code === 'ENOENT' && text(err, 'path'))
    return one('file-not-found', `file not found: ${text(err, 'path')} (check the path)`);
  if (/Region is missing/i.test(message))
    return one(
      'no-region',
      'no AWS region: pass --region <region> or set AWS_REGION (or a region in the profile of ~/.aws/config)',
    );
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    return one(
      'no-credentials',
      'no AWS credentials: pass --profile <name> (after `aws sso login --profile <name>`), or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  if (EXPIRED_NAMES.has(name))
    return one(
      'expired-credentials',
      `AWS rejected the credentials (${name}): refresh them (e.g. \`aws sso login\`) or pick another --profile`,
    );
  if (ACCESS_DENIED_NAMES.has(name)) {
    // IAM denials read "User: <arn> is not authorized to perform: <action> on resource: <arn>
    // because ..." (IAM User Guide, "Troubleshoot access denied error messages").
    const action = /perform: ([\w-]+:[\w*]+)/.exec(message)?.[1];
    return one(
      'access-denied',
      action
        ? `access denied: the AWS identity needs ${action}; ask your AWS administrator to allow it (or use another --profile)`
        : `access denied (${name}): ${firstLine(message)}; check the identity's IAM permissions (or use another --profile)`,
    );
  }
  if (isThrottlingError(err))
    return one(
      'throttled',
      `AWS throttled the requests (${name}) even after retries: run again in a minute, or narrow the run (e.g. --project)`,
    );
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || name === 'TimeoutError')
    return one(
      'no-network',
      `cannot reach AWS (${code || name}${message ? `: ${firstLine(message)}` : ''}): check the network connection, a proxy, or AWS_ENDPOINT_URL`,
    );
  if (field(err, '$metadata') !== undefined)
    return one('aws-error', `AWS answered ${name}: ${firstLine(message)}`);
  return {
    exitCode: 1,
    expected: false,
    errors: [
      {
        code: 'unexpected',
        message: `unexpected error: ${firstLine(message) || String(err)} (run again with --debug for details)`,
      },
    ],
  };
}
