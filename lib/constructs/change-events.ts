/**
 * The permission to put the auto-stop change event: `events:PutEvents` on the default event bus
 * of this account and region only, and only with the contract's source. `events:source` is the
 * EventBridge condition key for an event's `source` ("Using IAM policy conditions in Amazon
 * EventBridge", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html),
 * so the function cannot put events that pass for another service's.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { AUTO_STOP_SOURCE } from '../../lambdas/shared/change-events';

export function putChangeEventsStatement(scope: Construct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'PutAutoStopChangeEvents',
    actions: ['events:PutEvents'],
    resources: [
      Stack.of(scope).formatArn({
        service: 'events',
        resource: 'event-bus',
        resourceName: 'default',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    ],
    conditions: { StringEquals: { 'events:source': AUTO_STOP_SOURCE } },
  });
}
