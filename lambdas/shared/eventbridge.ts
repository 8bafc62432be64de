/**
 * EventBridge adapter: puts the one auto-stop change event of a run on the default bus. A
 * change event is a courtesy to responders (a timeline entry), so a failure here must never fail
 * the stop or the restore that caused it: it is logged and counted, never thrown. PutEvents
 * reports per-entry failures in `FailedEntryCount` / `Entries[].ErrorCode` with HTTP 200
 * ("PutEvents", Amazon EventBridge API Reference), so those count as failures too. Retries are
 * the SDK client's (`sdkClientConfig`).
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AUTO_STOP_DETAIL_TYPE, AUTO_STOP_SOURCE, type AutoStopDetail } from './change-events';
import { awsErrorName, errorMessage } from './errors';

/** Publishes a run's change event; resolves whether it was accepted, never rejects. */
export type ChangeEventSink = (detail: AutoStopDetail) => Promise<boolean>;

export interface ChangeEventObserver {
  warn(message: string, extra?: Record<string, unknown>): void;
  count(metric: string): void;
}

/** Metric counted for every change event EventBridge did not accept. */
export const CHANGE_EVENT_FAILED_METRIC = 'changeEventsFailed';

export function eventBridgeChangeSink(
  client: EventBridgeClient,
  observer: ChangeEventObserver,
): ChangeEventSink {
  return async (detail) => {
    let error: string | undefined;
    try {
      const out = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: AUTO_STOP_SOURCE,
              DetailType: AUTO_STOP_DETAIL_TYPE,
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      );
      const entry = out.Entries?.[0];
      if ((out.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode)
        error = `${entry?.ErrorCode ?? 'FailedEntry'}: ${entry?.ErrorMessage ?? ''}`.trim();
    } catch (err) {
      error = `${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}`;
    }
    if (error === undefined) return true;
    observer.warn('Auto-stop change event not sent', {
      error,
      project: detail.project,
      action: detail.action,
      total: detail.total,
    });
    observer.count(CHANGE_EVENT_FAILED_METRIC);
    return false;
  };
}
