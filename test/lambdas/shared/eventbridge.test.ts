import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUTO_STOP_DETAIL_TYPE,
  AUTO_STOP_SOURCE,
  type AutoStopDetail,
} from '../../../lambdas/shared/change-events';
import {
  CHANGE_EVENT_FAILED_METRIC,
  eventBridgeChangeSink,
} from '../../../lambdas/shared/eventbridge';

const events = mockClient(EventBridgeClient);
afterEach(() => events.reset());

const detail: AutoStopDetail = {
  project: 'fraud-detection',
  action: 'stopped',
  resources: [{ kind: 'training-job', name: 'run-1' }],
  counts: { stopped: 1 },
  total: 1,
};

function observed() {
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  const counted: string[] = [];
  return {
    warnings,
    counted,
    observer: {
      warn: (message: string, extra?: Record<string, unknown>) => warnings.push({ message, extra }),
      count: (metric: string) => counted.push(metric),
    },
  };
}

describe('eventBridgeChangeSink', () => {
  it('puts one entry with the contract source, detail-type and detail on the default bus', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const { observer, counted } = observed();
    // Act
    const sent = await eventBridgeChangeSink(new EventBridgeClient({}), observer)(detail);
    // Assess
    expect(sent).toBe(true);
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const input = events.commandCalls(PutEventsCommand)[0]?.args[0].input;
    expect(input?.Entries).toEqual([
      {
        Source: AUTO_STOP_SOURCE,
        DetailType: AUTO_STOP_DETAIL_TYPE,
        Detail: JSON.stringify(detail),
      },
    ]);
    // No EventBusName: the account's default bus, the one the IAM statement names.
    expect(input?.Entries?.[0]).not.toHaveProperty('EventBusName');
    expect(counted).toEqual([]);
  });

  it.each([
    [
      'a thrown error (access denied)',
      () => {
        events.on(PutEventsCommand).rejects(
          Object.assign(new Error('not authorized to perform: events:PutEvents'), {
            name: 'AccessDeniedException',
          }),
        );
      },
      /AccessDeniedException/,
    ],
    [
      'throttling after the SDK retries',
      () => {
        events
          .on(PutEventsCommand)
          .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      },
      /ThrottlingException/,
    ],
    [
      'a failed entry in a 200 response',
      () => {
        events.on(PutEventsCommand).resolves({
          FailedEntryCount: 1,
          Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
        });
      },
      /InternalFailure: try again/,
    ],
  ])('does not throw on %s: logs a warning and counts a metric', async (_name, given, error) => {
    // Prepare
    given();
    const { observer, warnings, counted } = observed();
    // Act
    const sent = await eventBridgeChangeSink(new EventBridgeClient({}), observer)(detail);
    // Assess
    expect(sent).toBe(false);
    expect(counted).toEqual([CHANGE_EVENT_FAILED_METRIC]);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.extra?.error)).toMatch(error);
    expect(warnings[0]?.extra).toMatchObject({ project: 'fraud-detection', total: 1 });
  });
});
