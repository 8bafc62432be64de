/**
 * A small evaluator of Deny statements, for the operators the tag-governance SCPs use, written
 * from the IAM User Guide ("IAM JSON policy elements: Condition operators", "Single-valued vs.
 * multivalued context keys", "IAM policy elements: Variables and tags"). It is the test oracle
 * that says whether a request would be denied; it is not product code.
 *
 * - Conditions of a statement, and keys within one operator, are ANDed; values of one key ORed.
 * - `Null: {k: "true"}` matches when k is absent; `"false"` when present.
 * - `StringEquals` / `ArnLike` on an absent key do not match; the negated `StringNotEquals` /
 *   `ArnNotLike` match when the key is absent.
 * - `ForAnyValue:StringEquals` on a multivalued key matches when at least one request value is
 *   in the list; an absent key does not match.
 * - A policy variable that cannot be resolved makes the statement not apply.
 */
import type { IamStatement } from '../../lib/tag-compliance/governance';

export interface RequestContext {
  readonly action: string;
  readonly principalArn: string;
  readonly principalTags?: Readonly<Record<string, string>>;
  /** Tags in the request (Create* `Tags`, AddTags `Tags`). */
  readonly requestTags?: Readonly<Record<string, string>>;
  /** Keys removed by DeleteTags (they are `aws:TagKeys` without request tags). */
  readonly removedKeys?: readonly string[];
  /** Tags already on the resource (absent on create). */
  readonly resourceTags?: Readonly<Record<string, string>>;
}

function glob(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

function lookup(ctx: RequestContext, key: string): string[] | undefined {
  const tagged = (prefix: string, tags: Readonly<Record<string, string>> | undefined) => {
    if (!key.startsWith(prefix)) return undefined;
    const v = tags?.[key.slice(prefix.length)];
    return v === undefined ? undefined : [v];
  };
  if (key === 'aws:PrincipalArn') return [ctx.principalArn];
  if (key === 'aws:TagKeys') {
    const keys = [...Object.keys(ctx.requestTags ?? {}), ...(ctx.removedKeys ?? [])];
    return keys.length > 0 ? keys : undefined;
  }
  return (
    tagged('aws:RequestTag/', ctx.requestTags) ??
    tagged('aws:PrincipalTag/', ctx.principalTags) ??
    tagged('aws:ResourceTag/', ctx.resourceTags)
  );
}

/** `${aws:PrincipalTag/Project}` resolved, or undefined when the key is absent. */
function resolve(ctx: RequestContext, value: string): string | undefined {
  const m = /^\$\{(.+)\}$/.exec(value);
  if (!m?.[1]) return value;
  return lookup(ctx, m[1])?.[0];
}

function conditionMatches(
  ctx: RequestContext,
  operator: string,
  key: string,
  expected: readonly string[],
): boolean | 'invalid' {
  const actual = lookup(ctx, key);
  const values: string[] = [];
  for (const e of expected) {
    const r = resolve(ctx, e);
    if (r === undefined) return 'invalid';
    values.push(r);
  }
  switch (operator) {
    case 'Null':
      return (actual === undefined) === (values[0] === 'true');
    case 'StringEquals':
      return actual?.some((a) => values.includes(a)) === true;
    case 'StringNotEquals':
      return actual === undefined || !actual.some((a) => values.includes(a));
    case 'ForAnyValue:StringEquals':
      return actual?.some((a) => values.includes(a)) === true;
    case 'ArnLike':
      return actual?.some((a) => values.some((p) => glob(p, a))) === true;
    case 'ArnNotLike':
      return actual === undefined || !actual.some((a) => values.some((p) => glob(p, a)));
    default:
      throw new Error(`operator ${operator} is not modelled`);
  }
}

/** The Sids of the statements that deny the request. */
export function denyingStatements(
  statements: readonly IamStatement[],
  ctx: RequestContext,
): string[] {
  return statements
    .filter((s) => s.Action.some((a) => glob(a, ctx.action)))
    .filter((s) =>
      Object.entries(s.Condition).every(([operator, keys]) =>
        Object.entries(keys).every(([key, value]) => {
          const list = typeof value === 'string' ? [value] : [...value];
          return conditionMatches(ctx, operator, key, list) === true;
        }),
      ),
    )
    .map((s) => s.Sid);
}
