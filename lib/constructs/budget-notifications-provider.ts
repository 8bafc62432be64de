import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BUDGET_NOTIFICATION_ACTIONS } from '../../lambdas/budgets/budgets-api';
import { GuardrailFunction } from './guardrail-function';
import { GuardrailProvider } from './guardrail-provider';

export interface BudgetNotificationsProviderProps {
  /** Names of the budgets whose notifications the function may change (IAM resources). */
  readonly budgetNames: readonly string[];
}

/**
 * The function behind every `Custom::BudgetNotifications` of a stack, behind the CDK Provider
 * framework (which answers CloudFormation, retries and times out for us).
 */
export class BudgetNotificationsProvider extends Construct {
  public readonly fn: GuardrailFunction;
  public readonly serviceToken: string;

  constructor(scope: Construct, id: string, props: BudgetNotificationsProviderProps) {
    super(scope, id);
    this.fn = new GuardrailFunction(this, 'Function', {
      entry: 'lambdas/budgets/handler.ts',
      serviceName: 'budgets',
      description: "ml-guardrails: keeps each budget's notifications equal to the policy",
      memorySize: 256,
      timeout: Duration.minutes(5),
    });
    const stack = Stack.of(this);
    // Budget ARNs: arn:<partition>:budgets::<account>:budget/<name> (Service Authorization
    // Reference, AWS Budgets resource types); the region field is empty.
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...BUDGET_NOTIFICATION_ACTIONS],
        resources: props.budgetNames.map(
          (name) => `arn:${stack.partition}:budgets::${stack.account}:budget/${name}`,
        ),
      }),
    );
    Validations.of(this.fn).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'Lets the function write its own log group; AWS-maintained and minimal.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions.',
      },
    );
    this.serviceToken = new GuardrailProvider(this, 'Provider', {
      onEventHandler: this.fn,
    }).serviceToken;
  }
}
