import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as config from 'aws-cdk-lib/aws-config';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { policyNames } from '../config/naming';
import type { GuardrailsPolicy } from '../config/schema';
import { ConfigRecorder, ConfigRecorderPrecondition } from '../constructs/config-recorder';
import { GuardrailsMonitoring } from '../constructs/guardrails-monitoring';
import { ModelArtifactBucket } from '../constructs/model-artifact-bucket';
import { RequiredTagsRule } from '../constructs/required-tags-rule';
import { TagAuditRule } from '../constructs/tag-audit-rule';
import { alarmsTopicArn } from './paging-stack';

export interface TagComplianceStackProps extends StackProps {
  readonly policy: GuardrailsPolicy;
  /** Path of the policy file, bundled into the tag-audit function. */
  readonly policyFile: string;
}

/**
 * Tag compliance: REQUIRED_TAGS managed rules for what AWS Config records, a periodic custom rule
 * for the SageMaker resources it does not, owner emails, the model-artifact bucket, and
 * (opt-in) a configuration recorder.
 */
export class TagComplianceStack extends Stack {
  public readonly requiredTags: RequiredTagsRule;
  public readonly tagAudit: TagAuditRule;
  public readonly modelArtifacts?: ModelArtifactBucket;
  public readonly recorder?: ConfigRecorder;
  /** Fails the deploy early when the region's Config recorder does not fit the policy. */
  public readonly recorderPrecondition: ConfigRecorderPrecondition;
  /** Alarms on the audit function and its failure queue, paging the platform team. */
  public readonly monitoring: GuardrailsMonitoring;

  constructor(scope: Construct, id: string, props: TagComplianceStackProps) {
    super(scope, id, props);
    const { policy } = props;
    const settings = policy.tagCompliance;
    const names = policyNames(policy);

    // Fails early, naming the fix, when the rules below could not be created.
    this.recorderPrecondition = new ConfigRecorderPrecondition(this, 'ConfigRecorderPrecondition', {
      createConfigRecorder: settings.createConfigRecorder,
    });
    if (settings.createConfigRecorder) {
      this.recorder = new ConfigRecorder(this, 'ConfigRecorder');
      this.recorder.recorder.node.addDependency(this.recorderPrecondition.resource);
    }

    this.requiredTags = new RequiredTagsRule(this, 'RequiredTags', {
      requiredTags: policy.organisation.requiredTags,
      dependsOn: this.recorder?.deliveryChannel,
    });

    this.tagAudit = new TagAuditRule(this, 'TagAudit', {
      policyFile: props.policyFile,
      maximumExecutionFrequency: settings.auditFrequency as config.MaximumExecutionFrequency,
      configRuleName: names.tagAuditConfigRule,
      ownerTeams: policy.teams.flatMap((t) => (t.email ? [{ id: t.id, email: t.email }] : [])),
    });
    if (this.recorder) this.tagAudit.rule.node.addDependency(this.recorder.deliveryChannel);
    this.tagAudit.rule.node.addDependency(this.recorderPrecondition.resource);
    for (const rule of this.requiredTags.rules)
      rule.node.addDependency(this.recorderPrecondition.resource);

    // Watching the watchers: the alarms topic is found by name, so no cross-stack export.
    this.monitoring = new GuardrailsMonitoring(this, 'Monitoring', {
      alarmTopic: sns.Topic.fromTopicArn(
        this,
        'AlarmsTopic',
        alarmsTopicArn(this, names.alarmsTopic),
      ),
      alarmNamePrefix: names.alarmNamePrefix,
      dashboard: false,
    });
    this.monitoring.watch(this.tagAudit.fn, { name: 'tag-compliance' });
    this.monitoring.watch(this.tagAudit.fn.failureQueue, { name: 'tag-compliance-failures' });

    if (settings.modelArtifactBucket.create)
      this.modelArtifacts = new ModelArtifactBucket(this, 'ModelArtifacts', {
        requiredObjectTags: settings.modelArtifactBucket.requiredObjectTags,
        noncurrentVersionExpirationDays:
          settings.modelArtifactBucket.noncurrentVersionExpirationDays,
      });
  }
}
