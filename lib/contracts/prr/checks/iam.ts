/**
 * The serving role's IAM policy: an Allow with a wildcard action (`*`, `s3:*`, `s3:Get*`) or
 * with `NotAction` grants more than the model needs, so it fails.
 */
import type { CheckStatus, PrrCheck } from '../types';

interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Problems (fail) and warnings of one IAM policy document's text. */
export function iamFindings(text: string): { problems: string[]; warnings: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { problems: [`is not valid JSON: ${(err as Error).message}`], warnings: [] };
  }
  const statements = list((doc as { Statement?: unknown } | null)?.Statement) as Statement[];
  if (statements.length === 0) return { problems: ['has no Statement'], warnings: [] };
  const problems: string[] = [];
  const warnings: string[] = [];
  statements.forEach((s, i) => {
    const name = typeof s?.Sid === 'string' ? `statement ${i} (${s.Sid})` : `statement ${i}`;
    if (s?.Effect !== 'Allow' && s?.Effect !== 'Deny') {
      problems.push(`${name}: Effect must be "Allow" or "Deny" (got ${JSON.stringify(s?.Effect)})`);
      return;
    }
    if (s.Effect === 'Deny') return; // a Deny with a wildcard only narrows
    if (s.NotAction !== undefined)
      problems.push(`${name}: Allow with NotAction grants every other action`);
    for (const action of list(s.Action))
      if (typeof action === 'string' && action.includes('*'))
        problems.push(`${name}: wildcard action "${action}"`);
    // Some actions (cloudwatch:PutMetricData, List*) only take "*": a condition is the scoping then.
    if (list(s.Resource).includes('*') && s.Condition === undefined)
      warnings.push(`${name}: Resource "*" (scope it to ARNs where the actions allow it)`);
  });
  return { problems, warnings };
}

export const iamCheck: PrrCheck = {
  id: 'iam',
  title: 'IAM policy without wildcard actions',
  blocking: true,
  evaluate: ({ iamPolicy }) => {
    if (iamPolicy === undefined)
      return { status: 'fail', details: ['iamPolicy is not set in the deployment file'] };
    if ('error' in iamPolicy)
      return { status: 'fail', details: [`iamPolicy ${iamPolicy.path}: ${iamPolicy.error}`] };
    const { problems, warnings } = iamFindings(iamPolicy.text);
    const status: CheckStatus =
      problems.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'pass';
    const prefix = (m: string) => `${iamPolicy.path} ${m}`;
    return {
      status,
      details:
        status === 'pass'
          ? [`${iamPolicy.path}: no wildcard actions`]
          : [...problems, ...warnings].map(prefix),
    };
  },
};
