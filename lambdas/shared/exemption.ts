/**
 * The one exemption rule, for every kind auto-stop acts on (jobs, notebooks, endpoints) and for
 * the period guard. Pure: the caller passes the resource's tags, the project's rule and the time.
 *
 * A resource is exempt only when its exemption tag's value is the id of an approval listed in the
 * reviewed policy (`autoStop.exemptions`) whose expiry date has not passed. A tag alone exempts
 * nothing: anyone allowed `sagemaker:AddTags` can set one, and the guardrail must not be a
 * self-service opt-out. Values that mean "no" (`false`, `no`, `0`, `off`, empty) are not a request
 * for an exemption at all.
 */
import type { ExemptionApproval } from '../../lib/config/schema';

export interface ExemptionRule {
  /** The tag key that requests an exemption (`autoStop.exemptionTag`). */
  readonly tagKey: string;
  /** The approvals the policy lists for the project (`autoStop.exemptions`). */
  readonly approvals: readonly ExemptionApproval[];
}

export type Exemption =
  | { readonly exempt: true; readonly approval: ExemptionApproval; readonly reason: string }
  | {
      readonly exempt: false;
      /** Set when the resource asked for an exemption that is not honoured, and why. */
      readonly refused?: string;
    };

const NOT_A_REQUEST = new Set(['', 'false', 'no', '0', 'off']);

/** The UTC calendar day of `now`, as YYYY-MM-DD (approvals expire at the end of their day, UTC). */
function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function exemptionOf(
  tags: Readonly<Record<string, string>>,
  rule: ExemptionRule,
  now: Date,
): Exemption {
  const raw = tags[rule.tagKey];
  if (raw === undefined) return { exempt: false };
  const value = raw.trim();
  if (NOT_A_REQUEST.has(value.toLowerCase())) return { exempt: false };
  const approval = rule.approvals.find((a) => a.id === value);
  if (!approval)
    return {
      exempt: false,
      refused: `tagged ${rule.tagKey}=${value}, but the policy lists no approved exemption with that id`,
    };
  if (approval.expires < utcDay(now))
    return {
      exempt: false,
      refused: `exemption ${approval.id} expired on ${approval.expires}`,
    };
  return {
    exempt: true,
    approval,
    reason: `exempt: ${approval.id} approved by ${approval.approvedBy} until ${approval.expires} (${approval.reason})`,
  };
}
