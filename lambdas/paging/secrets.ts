/**
 * Secrets Manager adapter: the text of a routing-key secret (`GetSecretValue`, AWS Secrets
 * Manager API reference). Caching and the last good key are `RoutingKeyCache`'s; this reads once.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The secret's `SecretString`; a binary secret reads as undefined (it cannot be a routing key). */
export async function readSecretString(
  client: SecretsManagerClient,
  secretId: string,
): Promise<string | undefined> {
  const reply = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return reply.SecretString;
}
