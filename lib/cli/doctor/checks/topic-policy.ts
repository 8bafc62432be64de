import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { awsErrorName } from '../../../../lambdas/shared/errors';
import { retry } from '../../../../lambdas/shared/retry';
import type { DoctorCheck, Finding } from '../types';

interface Statement {
  readonly Effect?: string;
  readonly Principal?: string | { readonly Service?: string | string[] };
  readonly Action?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const list = (v: string | string[] | undefined) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
const isBudgets = (s: Statement) =>
  typeof s.Principal === 'object' && list(s.Principal.Service).includes('budgets.amazonaws.com');
const allows = (s: Statement, action: string) =>
  s.Effect === 'Allow' &&
  list(s.Action).some((a) => {
    const [service, verb] = a.toLowerCase().split(':');
    const [wantService, wantVerb] = action.toLowerCase().split(':');
    return (
      service === wantService &&
      (verb === '*' ||
        verb === wantVerb ||
        (verb?.endsWith('*') && wantVerb?.startsWith(verb.slice(0, -1))))
    );
  });
const statementsOf = (policy: string | undefined): Statement[] => {
  const parsed = JSON.parse(policy ?? '{}') as { Statement?: Statement | Statement[] };
  return parsed.Statement === undefined
    ? []
    : Array.isArray(parsed.Statement)
      ? parsed.Statement
      : [parsed.Statement];
};

/** Condition keys AWS documents for Budgets publishing to a topic (AWS Cost Management User Guide). */
const TOPIC_CONDITION_KEYS = new Set(['aws:sourceaccount', 'aws:sourcearn']);

/**
 * Budgets can publish to the auto-stop topic: the topic policy allows budgets.amazonaws.com with
 * only the documented conditions ("Creating an Amazon SNS topic for budget notifications"), and
 * the topic's customer-managed key lets it GenerateDataKey* and Decrypt (Amazon SNS Developer
 * Guide, "Enable compatibility between event sources from AWS services and encrypted topics";
 * the AWS-managed alias/aws/sns key cannot be granted).
 */
export const topicPolicyCheck: DoctorCheck = {
  name: 'auto-stop-topic',
  description: "the auto-stop topic's topic and key policies let Budgets publish",
  async run(ctx) {
    const region = ctx.policy.organisation.budgetRegion ?? ctx.region;
    const topicArn = `arn:${ctx.partition}:sns:${region}:${ctx.accountId}:${ctx.names.autoStopTopic}`;
    const finding = (problem: string, fix: string): Finding => ({
      check: this.name,
      severity: 'blocking',
      problem,
      fix,
    });
    let attributes: Record<string, string>;
    try {
      const out = await retry(
        () => ctx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn })),
        ctx.retry,
      );
      attributes = out.Attributes ?? {};
    } catch (err) {
      if (awsErrorName(err) === 'NotFoundException')
        return [finding(`topic ${topicArn} does not exist`, `deploy ${ctx.names.autoStopStack}`)];
      throw err;
    }
    const findings: Finding[] = [];
    const grant = statementsOf(attributes.Policy).find(
      (s) => isBudgets(s) && allows(s, 'sns:Publish'),
    );
    if (!grant)
      findings.push(
        finding(
          `the policy of ${topicArn} does not allow budgets.amazonaws.com to publish: auto-stop never hears of a budget`,
          `deploy ${ctx.names.autoStopStack} (its AlertTopic grants Budgets), or add the statement from the AWS Budgets guide`,
        ),
      );
    else {
      const extra = Object.values(grant.Condition ?? {})
        .flatMap((c) => Object.keys(c))
        .filter((k) => !TOPIC_CONDITION_KEYS.has(k.toLowerCase()));
      if (extra.length > 0)
        findings.push(
          finding(
            `the Budgets grant on ${topicArn} has conditions AWS does not document for Budgets (${extra.join(', ')}): notifications may be dropped`,
            'keep only aws:SourceAccount and aws:SourceArn (arn:<partition>:budgets::<account>:*)',
          ),
        );
    }
    const keyId = attributes.KmsMasterKeyId;
    if (!keyId) return findings;
    if (keyId.includes('alias/aws/sns'))
      return [
        ...findings,
        finding(
          `${topicArn} is encrypted with the AWS-managed key alias/aws/sns, whose policy cannot grant Budgets`,
          'encrypt it with a customer-managed key (deploy the stack: its AlertTopic does)',
        ),
      ];
    const key = await retry(
      () => ctx.clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' })),
      ctx.retry,
    );
    const keyGrants = statementsOf(key.Policy).filter(isBudgets);
    const usable = keyGrants.some(
      (s) =>
        allows(s, 'kms:GenerateDataKey') && allows(s, 'kms:Decrypt') && s.Condition === undefined,
    );
    if (!usable)
      findings.push(
        finding(
          `key ${keyId} does not let budgets.amazonaws.com use kms:GenerateDataKey* and kms:Decrypt without conditions: Budgets cannot publish to the encrypted topic`,
          `deploy ${ctx.names.autoStopStack}, or add that statement (no Condition) to the key policy`,
        ),
      );
    return findings;
  },
};
