import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface GuardrailProviderProps {
  /** The onEvent handler (a GuardrailFunction). */
  readonly onEventHandler: lambda.IFunction & { readonly node: Construct['node'] };
}

/**
 * The CDK Provider framework in front of a custom resource handler: it answers CloudFormation's
 * pre-signed URL, retries and times out, so the handler only returns or throws.
 */
export class GuardrailProvider extends Construct {
  public readonly serviceToken: string;

  constructor(scope: Construct, id: string, props: GuardrailProviderProps) {
    super(scope, id);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: props.onEventHandler,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
    });
    const handlerId = Stack.of(this).getLogicalId(
      props.onEventHandler.node.defaultChild as CfnElement,
    );
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The CDK Provider framework function only writes its own logs.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${handlerId}.Arn>:*]`,
        reason: 'The CDK Provider framework invokes any version of the one handler function.',
      },
    );
    this.serviceToken = provider.serviceToken;
  }
}
