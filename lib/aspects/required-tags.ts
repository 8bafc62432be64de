import { Annotations, CfnResource, type IAspect, TagManager } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Fails the synth, naming the resource, when a taggable resource lacks a required tag. Register
 * it with `AspectPriority.READONLY` so it runs after the `Tags.of(...)` aspects that add tags.
 */
export class RequiredTagsChecker implements IAspect {
  constructor(private readonly requiredKeys: readonly string[]) {}

  visit(node: IConstruct): void {
    if (
      !(node instanceof CfnResource) ||
      (!TagManager.isTaggable(node) && !TagManager.isTaggableV2(node))
    )
      return;
    const manager = TagManager.of(node);
    if (!manager) return;
    const present = manager.tagValues();
    const missing = this.requiredKeys.filter(
      (key) => present[key] === undefined || present[key] === '',
    );
    if (missing.length > 0) {
      Annotations.of(node).addError(
        `${node.cfnResourceType} ${node.node.path} is missing required tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    }
  }
}
