import * as config from 'aws-cdk-lib/aws-config';
import { Construct, type IDependable } from 'constructs';

/** Tag keys one REQUIRED_TAGS rule checks at most (`tag1Key` ... `tag6Key`; Config developer guide, required-tags: "You can check up to 6 tags at a time"). */
export const MAX_TAGS_PER_RULE = 6;

/**
 * Resource types the managed rules check by default: recorded by AWS Config with their tags and
 * where ML spend and data live.
 *
 * SageMaker: AWS Config records `AWS::SageMaker::NotebookInstance`, `AWS::SageMaker::Model` and
 * `AWS::SageMaker::EndpointConfig` including `tags.key`/`tags.value` (awslabs/aws-config-resource-schema,
 * config/properties/resource-types/AWS::SageMaker::*.properties.json; Config developer guide
 * "Supported Resource Types": resource types without tag support are recorded without tags, so
 * tag rules cannot judge them). Training, processing, transform and tuning jobs, endpoints and
 * inference components are not recorded: the tag-audit custom rule covers them.
 */
export const DEFAULT_RECORDED_RESOURCE_TYPES: readonly config.ResourceType[] = [
  config.ResourceType.S3_BUCKET,
  config.ResourceType.LAMBDA_FUNCTION,
  config.ResourceType.DYNAMODB_TABLE,
  config.ResourceType.ECR_REPOSITORY,
  config.ResourceType.SAGEMAKER_NOTEBOOK_INSTANCE,
  config.ResourceType.SAGEMAKER_MODEL,
  config.ResourceType.of('AWS::SageMaker::EndpointConfig'),
];

/** A tag the rules require, optionally with the values it may take. */
export interface RequiredTagSpec {
  readonly key: string;
  readonly allowedValues?: readonly string[];
}

export interface RequiredTagsRuleProps {
  /** Tags every in-scope resource must carry. */
  readonly requiredTags: readonly RequiredTagSpec[];
  /** Resource types the rules evaluate. @default DEFAULT_RECORDED_RESOURCE_TYPES */
  readonly resourceTypes?: readonly config.ResourceType[];
  /** Something the rules must be created after (an opt-in configuration recorder). @default - none */
  readonly dependsOn?: IDependable;
}

/** `InputParameters` of one REQUIRED_TAGS rule: `tagNKey`, and `tagNValue` as comma-separated allowed values. */
export function requiredTagsParameters(tags: readonly RequiredTagSpec[]): Record<string, string> {
  const params: Record<string, string> = {};
  tags.forEach((tag, i) => {
    params[`tag${i + 1}Key`] = tag.key;
    if (tag.allowedValues && tag.allowedValues.length > 0)
      params[`tag${i + 1}Value`] = tag.allowedValues.join(',');
  });
  return params;
}

/**
 * AWS Config `REQUIRED_TAGS` managed rules for any number of required tags: one rule per six
 * keys, each scoped to the resource types Config records with tags.
 *
 * @example
 * new RequiredTagsRule(this, 'RequiredTags', { requiredTags: [{ key: 'CostCenter' }, { key: 'Environment', allowedValues: ['dev', 'prod'] }] });
 */
export class RequiredTagsRule extends Construct {
  /** The managed rules, in the order of the tags they check. */
  public readonly rules: config.ManagedRule[];

  constructor(scope: Construct, id: string, props: RequiredTagsRuleProps) {
    super(scope, id);
    const resourceTypes = props.resourceTypes ?? DEFAULT_RECORDED_RESOURCE_TYPES;

    const problems: string[] = [];
    if (props.requiredTags.length === 0) problems.push('requiredTags must list at least one tag');
    if (resourceTypes.length === 0) problems.push('resourceTypes must list at least one type');
    for (const tag of props.requiredTags) {
      if (tag.key.trim() === '') problems.push('requiredTags has an empty key');
      for (const value of tag.allowedValues ?? [])
        if (value.includes(','))
          problems.push(
            `requiredTags ${tag.key}: allowed value "${value}" contains a comma, which REQUIRED_TAGS uses as separator`,
          );
    }
    if (problems.length > 0)
      throw new Error(`RequiredTagsRule ${this.node.path}: ${problems.join('; ')}`);

    const chunks: RequiredTagSpec[][] = [];
    for (let i = 0; i < props.requiredTags.length; i += MAX_TAGS_PER_RULE)
      chunks.push(props.requiredTags.slice(i, i + MAX_TAGS_PER_RULE));

    this.rules = chunks.map((tags, i) => {
      const rule = new config.ManagedRule(this, `Rule${i + 1}`, {
        identifier: config.ManagedRuleIdentifiers.REQUIRED_TAGS,
        description: `ml-guardrails: resources must carry ${tags.map((t) => t.key).join(', ')} (rule ${i + 1} of ${chunks.length})`,
        inputParameters: requiredTagsParameters(tags),
        ruleScope: config.RuleScope.fromResources([...resourceTypes]),
      });
      if (props.dependsOn) rule.node.addDependency(props.dependsOn);
      return rule;
    });
  }
}
