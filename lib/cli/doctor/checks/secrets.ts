import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { routingKeyFromSecret } from '../../../../lambdas/paging/pagerduty';
import { awsErrorName, errorMessage } from '../../../../lambdas/shared/errors';
import { retry } from '../../../../lambdas/shared/retry';
import type { DoctorCheck, Finding } from '../types';

/** Each PagerDuty service's routing-key secret exists and holds a routing key (never printed). */
export const secretsCheck: DoctorCheck = {
  name: 'routing-key-secrets',
  description: 'each PagerDuty routing-key secret exists and is not empty',
  async run(ctx) {
    const findings: Finding[] = [];
    for (const service of ctx.policy.paging.services) {
      const name = service.routingKeySecret;
      try {
        const out = await retry(
          () => ctx.clients.secrets.send(new GetSecretValueCommand({ SecretId: name })),
          ctx.retry,
        );
        routingKeyFromSecret(out.SecretString, name);
      } catch (err) {
        const missing = awsErrorName(err) === 'ResourceNotFoundException';
        if (!missing && awsErrorName(err) !== 'PagerDutyError') throw err;
        findings.push({
          check: this.name,
          severity: 'blocking',
          problem: missing
            ? `secret ${name} (PagerDuty service ${service.id}) does not exist: its pages fail`
            : `secret ${name} (PagerDuty service ${service.id}) holds no routing key: ${errorMessage(err).replace(/[A-Za-z0-9]{20,}/g, '<redacted>')}`,
          fix: `aws secretsmanager ${missing ? 'create-secret --name' : 'put-secret-value --secret-id'} ${name} --secret-string <32-character integration key of the service>`,
        });
      }
    }
    return findings;
  },
};
