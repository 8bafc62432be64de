/**
 * Budget-notifications custom resource (CDK Provider framework onEvent handler). Thin: wiring
 * only; see `reconcile.ts`.
 */
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { logger } from '../shared/powertools';
import { sdkClientConfig } from '../shared/sdk';
import { type NotificationsEvent, onNotificationsEvent } from './reconcile';

const budgets = new BudgetsClient(sdkClientConfig());

export async function handler(event: NotificationsEvent) {
  return onNotificationsEvent(event, {
    budgets,
    log: (message, extra) => logger.info(message, extra),
  });
}
