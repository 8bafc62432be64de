/**
 * CloudWatch adapter: what an EventBridge alarm event does not say, read with `DescribeAlarms`
 * (CloudWatch API reference): whether the alarm's actions are enabled, what its actions are
 * (a scaling policy ARN marks an autoscaling alarm), and which composite alarms it feeds
 * (`ParentsOfAlarmName`). Two calls per alarm, cached per alarm name for `ttlMs`; a failed
 * lookup is reported as `failed` and the router pages anyway (fail open).
 */
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { errorMessage } from '../shared/errors';
import { retry } from '../shared/retry';
import type { AlarmLookup } from './route';

/** IAM action the lookup needs (DescribeAlarms supports no resource-level permissions). */
export const ALARM_LOOKUP_ACTIONS = ['cloudwatch:DescribeAlarms'] as const;

/** Reads one alarm's actions and parents. Throttling is retried briefly. */
export async function describeAlarm(client: CloudWatchClient, name: string): Promise<AlarmLookup> {
  const own = await retry(
    () =>
      client.send(
        new DescribeAlarmsCommand({
          AlarmNames: [name],
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        }),
      ),
    { attempts: 3, baseDelayMs: 100, maxDelayMs: 400 },
  );
  const alarm = own.MetricAlarms?.[0] ?? own.CompositeAlarms?.[0];
  if (!alarm) return { status: 'not-found' };
  const parents: string[] = [];
  let nextToken: string | undefined;
  // Pages until the end: a page can be empty and still carry a NextToken.
  do {
    const page = await retry(
      () =>
        client.send(new DescribeAlarmsCommand({ ParentsOfAlarmName: name, NextToken: nextToken })),
      { attempts: 3, baseDelayMs: 100, maxDelayMs: 400 },
    );
    for (const p of page.CompositeAlarms ?? []) if (p.AlarmName) parents.push(p.AlarmName);
    nextToken = page.NextToken;
  } while (nextToken && parents.length < 100);
  return {
    status: 'found',
    actionsEnabled: alarm.ActionsEnabled !== false,
    alarmActions: alarm.AlarmActions ?? [],
    parents,
  };
}

/** `describeAlarm` with a per-name cache; failures are not cached. */
export class AlarmLookupCache {
  private readonly entries = new Map<string, { at: number; value: AlarmLookup }>();

  constructor(
    private readonly lookup: (name: string) => Promise<AlarmLookup>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** Entries kept at most (the oldest go first). */
    private readonly maxEntries = 5000,
  ) {}

  async get(name: string): Promise<AlarmLookup> {
    const hit = this.entries.get(name);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    try {
      const value = await this.lookup(name);
      this.entries.delete(name);
      this.entries.set(name, { at: this.now(), value });
      if (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      return value;
    } catch (err) {
      return { status: 'failed', error: errorMessage(err).slice(0, 200) };
    }
  }
}
