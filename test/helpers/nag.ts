/**
 * cdk-nag in tests: AwsSolutions (and Serverless) checks over a whole app, returning every
 * unacknowledged finding as `RuleId resource-path` lines, so a failing test names them.
 */
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

export function nagFindings(
  app: App,
  packs: ('aws-solutions' | 'serverless')[] = ['aws-solutions'],
): string[] {
  // Aspects (tags, acknowledgements) are applied during synth; check the final tree.
  app.synth();
  return packs.flatMap((pack) => {
    const checker = pack === 'aws-solutions' ? new AwsSolutionsChecks() : new ServerlessChecks();
    const report = checker.validateScope(app);
    return report.violations.flatMap((v) =>
      v.violatingResources.map(
        (r) =>
          `${v.ruleName} ${(r as { constructPath?: string }).constructPath ?? r.resourceLogicalId}`,
      ),
    );
  });
}
