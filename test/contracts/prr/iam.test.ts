import { describe, expect, it } from 'vitest';
import { iamFindings } from '../../../lib/contracts/prr/checks/iam';

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('iamFindings', () => {
  it.each([
    [
      'a single Statement object',
      JSON.stringify({
        Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' },
      }),
      'statement 0: wildcard action "s3:*"',
    ],
    [
      'a wildcard among specific actions',
      doc({
        Sid: 'Read',
        Effect: 'Allow',
        Action: ['s3:GetObject', 'kms:*'],
        Resource: 'arn:aws:s3:::b',
      }),
      'statement 0 (Read): wildcard action "kms:*"',
    ],
    [
      'a statement without Effect',
      doc({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b' }),
      'statement 0: Effect must be "Allow" or "Deny" (got undefined)',
    ],
    ['no statements', JSON.stringify({ Version: '2012-10-17' }), 'has no Statement'],
  ])('fails %s', (_name, text, problem) => {
    expect(iamFindings(text).problems).toContain(problem);
  });

  it('warns on Resource "*" only without a Condition', () => {
    // Prepare
    const text = doc(
      { Effect: 'Allow', Action: 'sagemaker:ListEndpoints', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'X' } },
      },
    );
    // Act / Assess
    expect(iamFindings(text)).toEqual({
      problems: [],
      warnings: ['statement 0: Resource "*" (scope it to ARNs where the actions allow it)'],
    });
  });
});
