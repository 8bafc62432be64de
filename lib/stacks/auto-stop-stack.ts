import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { GuardrailsPolicy } from '../config/schema';
import { AlertTopic, TopicPublisher } from '../constructs/alert-topic';

/** Physical name of the auto-stop topic; budget stacks compute its ARN instead of importing it. */
export const AUTO_STOP_TOPIC_NAME = 'ml-guardrails-auto-stop';

export interface AutoStopStackProps extends StackProps {
  readonly policy: GuardrailsPolicy;
  /** Path of the policy file, bundled into the functions. */
  readonly policyFile: string;
}

/**
 * The auto-stop flow: the encrypted topic that AWS Budgets publishes threshold notifications to,
 * and (auto-stop issue) the functions subscribed to it.
 */
export class AutoStopStack extends Stack {
  public readonly notificationTopic: AlertTopic;

  constructor(scope: Construct, id: string, props: AutoStopStackProps) {
    super(scope, id, props);
    this.notificationTopic = new AlertTopic(this, 'BudgetNotifications', {
      // Named so budget stacks can reference it without a cross-stack export that pins it.
      topicName: AUTO_STOP_TOPIC_NAME,
      displayName: 'ml-guardrails auto-stop',
      publishers: [TopicPublisher.budgets()],
    });
  }
}
