/** Config recorder precondition custom resource. Thin: wiring only; see `recorder-check.ts`. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { logger } from '../shared/powertools';
import { sdkClientConfig } from '../shared/sdk';
import { onRecorderCheckEvent, type RecorderCheckEvent } from './recorder-check';

const config = new ConfigServiceClient(sdkClientConfig());

export async function handler(event: RecorderCheckEvent) {
  return onRecorderCheckEvent(event, {
    config,
    where: `region ${process.env.AWS_REGION ?? 'unknown'}`,
    log: (message, extra) => logger.warn(message, extra),
  });
}
