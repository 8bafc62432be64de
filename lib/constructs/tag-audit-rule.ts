import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { TAGGING_READ_ACTIONS as TAGGING_ACTIONS } from '../../lambdas/shared/tagging';
import { CONFIG_ACTIONS } from '../../lambdas/tag-compliance/config';
import { TEAM_ATTRIBUTE } from '../../lambdas/tag-compliance/notify';
import { SAGEMAKER_LIST_ACTIONS } from '../../lambdas/tag-compliance/sagemaker';
import { AlertTopic } from './alert-topic';
import { GuardrailFunction } from './guardrail-function';

/** A team that receives the grouped owner message. */
export interface OwnerTeam {
  readonly id: string;
  readonly email: string;
}

export interface TagAuditRuleProps {
  /** Policy file bundled into the function (the audit re-reads the required tags and owners from it). */
  readonly policyFile: string;
  /** How often Config runs the audit. @default config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS */
  readonly maximumExecutionFrequency?: config.MaximumExecutionFrequency;
  /** Teams with an email address; each gets a subscription filtered on its `team` attribute. */
  readonly ownerTeams: readonly OwnerTeam[];
  /** Name of the Config rule, as operators see it in the console. @default 'ml-guardrails-sagemaker-required-tags' */
  readonly configRuleName?: string;
  /** Function timeout. @default Duration.minutes(15) */
  readonly timeout?: Duration;
}

/**
 * A periodic AWS Config custom rule whose Lambda audits the tags of the SageMaker resources
 * Config does not record, reports them with PutEvaluations, and emails each owner team one
 * grouped message through an encrypted topic.
 */
export class TagAuditRule extends Construct {
  public readonly fn: GuardrailFunction;
  public readonly rule: config.CfnConfigRule;
  public readonly ownerTopic: AlertTopic;

  constructor(scope: Construct, id: string, props: TagAuditRuleProps) {
    super(scope, id);
    const frequency =
      props.maximumExecutionFrequency ?? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS;
    const ids = props.ownerTeams.map((t) => t.id);
    const duplicate = ids.find((t, i) => ids.indexOf(t) !== i);
    if (duplicate)
      throw new Error(
        `TagAuditRule ${this.node.path}: team "${duplicate}" listed twice in ownerTeams`,
      );

    this.ownerTopic = new AlertTopic(this, 'OwnerTopic', {
      displayName: 'ml-guardrails tag compliance',
    });
    for (const team of props.ownerTeams) {
      this.ownerTopic.topic.addSubscription(
        new subs.EmailSubscription(team.email, {
          filterPolicy: {
            [TEAM_ATTRIBUTE]: sns.SubscriptionFilter.stringFilter({ allowlist: [team.id] }),
          },
        }),
      );
    }

    this.fn = new GuardrailFunction(this, 'Function', {
      entry: 'lambdas/tag-compliance/handler.ts',
      serviceName: 'tag-compliance',
      description:
        'ml-guardrails: tag compliance of SageMaker resources AWS Config does not record',
      memorySize: 1024,
      // The Lambda maximum; the benchmark shows 10,000 resources take well under a minute.
      timeout: props.timeout ?? Duration.minutes(15),
      policyFile: props.policyFile,
      environment: {
        OWNER_TOPIC_ARN: this.ownerTopic.topic.topicArn,
        // SDK standard retries, raised for the throttled SageMaker List* calls.
        AWS_MAX_ATTEMPTS: '5',
      },
    });
    this.ownerTopic.topic.grantPublish(this.fn);

    // List*, tag:GetResources and PutEvaluations do not support resource-level permissions.
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...SAGEMAKER_LIST_ACTIONS, ...TAGGING_ACTIONS, ...CONFIG_ACTIONS],
        resources: ['*'],
      }),
    );
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SageMaker List*/ListTags over every resource, tag:GetResources and config:PutEvaluations have no resource-level permissions; the statement is read-only apart from PutEvaluations.',
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to the encrypted owner topic needs data keys from its KMS key; the grant is limited to that key.',
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'Lets the function write its own log group; AWS-maintained and minimal.',
    });

    // Only AWS Config acting for this account may invoke the function (confused deputy).
    this.fn.addPermission('AllowConfigInvoke', {
      principal: new iam.ServicePrincipal('config.amazonaws.com'),
      sourceAccount: Stack.of(this).account,
    });

    this.rule = new config.CfnConfigRule(this, 'Rule', {
      configRuleName: props.configRuleName ?? 'ml-guardrails-sagemaker-required-tags',
      description:
        'ml-guardrails: required tags on SageMaker training, processing, transform and tuning jobs, endpoints and inference components (not recorded by AWS Config)',
      source: {
        owner: 'CUSTOM_LAMBDA',
        sourceIdentifier: this.fn.functionArn,
        sourceDetails: [
          {
            eventSource: 'aws.config',
            messageType: 'ScheduledNotification',
            maximumExecutionFrequency: frequency,
          },
        ],
      },
      maximumExecutionFrequency: frequency,
    });
    // Config must be allowed to invoke the function before the rule first runs.
    this.rule.node.addDependency(this.fn);
  }
}
