import { describe, expect, it } from 'vitest';
import { CliError, UsageError } from '../../lib/cli/command';
import { explainError } from '../../lib/cli/errors';
import { YamlValidationError } from '../../lib/config/load';

/** An error shaped as the AWS SDK throws it: a name and response metadata. */
const aws = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra });

const nodeError = (code: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { code, ...extra });

describe('explainError', () => {
  it.each([
    [
      'a usage error',
      new UsageError('--project is required'),
      2,
      'usage',
      /^--project is required$/,
    ],
    ['an expected failure', new CliError('cannot read --event x'), 1, 'failed', /^cannot read/],
    [
      'a missing region (SDK: "Region is missing")',
      new Error('Region is missing'),
      1,
      'no-region',
      /^no AWS region: pass --region <region> or set AWS_REGION/,
    ],
    [
      'no credentials (CredentialsProviderError)',
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      1,
      'no-credentials',
      /^no AWS credentials: pass --profile <name>/,
    ],
    [
      'expired credentials',
      aws('ExpiredTokenException', 'The security token included in the request is expired'),
      1,
      'expired-credentials',
      /^AWS rejected the credentials \(ExpiredTokenException\): refresh them/,
    ],
    [
      'access denied, naming the IAM action',
      aws(
        'AccessDeniedException',
        'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: budgets:ViewBudget on resource: arn:aws:budgets::111122223333:budget/ml-x',
      ),
      1,
      'access-denied',
      /^access denied: the AWS identity needs budgets:ViewBudget; ask your AWS administrator/,
    ],
    [
      'access denied without an action in the message',
      aws('AccessDenied', 'Access Denied'),
      1,
      'access-denied',
      /^access denied \(AccessDenied\): Access Denied; check the identity's IAM permissions/,
    ],
    [
      'throttling after the retries',
      aws('ThrottlingException', 'Rate exceeded'),
      1,
      'throttled',
      /^AWS throttled the requests \(ThrottlingException\) even after retries: run again/,
    ],
    [
      'no network (DNS)',
      nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.sagemaker.eu-west-1.amazonaws.com'),
      1,
      'no-network',
      /^cannot reach AWS \(ENOTFOUND: getaddrinfo ENOTFOUND .*\): check the network connection/,
    ],
    [
      'no network (connection refused)',
      nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4566'),
      1,
      'no-network',
      /^cannot reach AWS \(ECONNREFUSED/,
    ],
    [
      'an SDK timeout',
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      1,
      'no-network',
      /^cannot reach AWS \(TimeoutError/,
    ],
    [
      'a missing file',
      nodeError('ENOENT', "ENOENT: no such file or directory, open 'x.json'", { path: 'x.json' }),
      1,
      'file-not-found',
      /^file not found: x\.json \(check the path\)$/,
    ],
    [
      'any other AWS answer',
      aws('ValidationException', 'Budget name is invalid\nmore detail'),
      1,
      'aws-error',
      /^AWS answered ValidationException: Budget name is invalid$/,
    ],
    [
      'an unexpected error',
      new TypeError('x is not a function'),
      1,
      'unexpected',
      /^unexpected error: x is not a function \(run again with --debug for details\)$/,
    ],
  ])('explains %s in one line', (_name, err, exitCode, code, message) => {
    const explained = explainError(err);
    expect(explained.exitCode).toBe(exitCode);
    expect(explained.errors).toHaveLength(1);
    expect(explained.errors[0]?.code).toBe(code);
    expect(explained.errors[0]?.message).toMatch(message);
    expect(explained.errors[0]?.message).not.toContain('\n');
    expect(explained.expected).toBe(code !== 'unexpected');
  });

  it('lists every problem of an invalid YAML file with its file, line and path', () => {
    const err = new YamlValidationError('p.yaml', [
      { file: 'p.yaml', line: 3, path: 'projects[0].id', message: 'required' },
      { file: 'p.yaml', line: 9, path: '', message: 'YAML syntax error (column 2): bad' },
    ]);
    expect(explainError(err)).toEqual({
      exitCode: 1,
      expected: true,
      errors: [
        {
          code: 'invalid-file',
          message: 'p.yaml:3 projects[0].id: required',
          file: 'p.yaml',
          line: 3,
          path: 'projects[0].id',
        },
        {
          code: 'invalid-file',
          message: 'p.yaml:9 YAML syntax error (column 2): bad',
          file: 'p.yaml',
          line: 9,
        },
      ],
    });
  });
});
