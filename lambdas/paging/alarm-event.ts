/**
 * Parses what reaches the router into one normalised {@link AlarmChange} per alarm record:
 * SNS-wrapped CloudWatch alarm messages (single metric, metric math, composite) and EventBridge
 * `CloudWatch Alarm State Change` events. Every record is parsed, not only `Records[0]`, and a
 * record that cannot be understood is reported with the path of the bad field, never skipped.
 *
 * Shapes: the CloudWatch user guide, "Alarm events and EventBridge"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html)
 * and "Using Amazon SNS topics" (the JSON CloudWatch publishes for an alarm action).
 *
 * Liberal input, strict output: a pager that refuses a real message for a schema detail loses
 * the page. What a producer may leave out is derived (the alarm ARN from name, region and
 * account; the region from the display name, the topic ARN or the event; the time from the SNS
 * timestamp) and recorded in `derived`, so `guardrails route` can say so. Older and forwarded
 * shapes are accepted: an SNS notification envelope inside the message (SNS -> SQS -> SNS), an
 * EventBridge event published to SNS, dimensions written `Name`/`Value`. Only input that names no
 * alarm or no state is refused.
 */
import * as z from 'zod/mini';
import '../shared/zod-messages';
import { partitionOf, REGION_CODE, regionCode } from './regions';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** One metric an alarm watches; a metric-math alarm has several, a composite alarm none. */
export interface AlarmMetric {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A CloudWatch alarm state change, whichever way it arrived. */
export interface AlarmChange {
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly accountId: string;
  /** Region code (`eu-west-1`), taken from the alarm ARN, not the SNS display name. */
  readonly region: string;
  readonly state: AlarmState;
  readonly previousState?: AlarmState;
  readonly reason: string;
  /** ISO 8601 (UTC) time of the state change. */
  readonly stateChangeTime: string;
  readonly description?: string;
  readonly kind: 'metric' | 'metric-math' | 'composite';
  readonly metrics: readonly AlarmMetric[];
  /** Composite alarms only: the rule expression. */
  readonly alarmRule?: string;
  /**
   * Composite alarms only: why CloudWatch suppressed the actions of this state change
   * (`Alarm`, `WaitPeriod` or `ExtensionPeriod`, CloudWatch API reference, "CompositeAlarm").
   */
  readonly actionsSuppressedBy?: string;
  readonly actionsSuppressedReason?: string;
  readonly via: 'sns' | 'eventbridge' | 'direct';
  /** Fields the message did not carry and the parser derived, in words (for the reasoning). */
  readonly derived?: readonly string[];
}

/** Raised for input that is not a CloudWatch alarm state change; the message names the field. */
export class AlarmParseError extends Error {
  override readonly name = 'AlarmParseError';
}

/** What one incoming record became: an alarm, a deliberately ignored event, or a parse failure. */
export type ParsedRecord =
  | { readonly kind: 'alarm'; readonly index: number; readonly alarm: AlarmChange }
  | { readonly kind: 'ignored'; readonly index: number; readonly reason: string }
  | { readonly kind: 'invalid'; readonly index: number; readonly error: AlarmParseError };

// CloudWatch alarm names are at most 255 characters; bound everything we keep so a hostile
// message cannot blow up summaries or logs.
const Name = z.string().check(z.minLength(1), z.maxLength(1024));
// CloudWatch bounds these (a composite AlarmRule is at most 10,240 characters); twice that is generous.
const Text = z.string().check(z.maxLength(20_480));
const State = z.enum(ALARM_STATES);
/** A string of at most `max` characters. */
const upTo = (max: number) => z.string().check(z.maxLength(max));

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`. */
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):alarm:(.+)$/;

// CloudWatch writes `name`/`value`; some forwarders and hand-written messages use `Name`/`Value`.
const SnsDimension = z.union([
  z.object({ name: upTo(255), value: upTo(1024) }),
  z.pipe(
    z.object({ Name: upTo(255), Value: upTo(1024) }),
    z.transform((d: { Name: string; Value: string }) => ({ name: d.Name, value: d.Value })),
  ),
]);
const SnsMetricStat = z.object({
  Metric: z.object({
    Namespace: z.optional(upTo(255)),
    MetricName: z.optional(upTo(255)),
    Dimensions: z._default(z.array(SnsDimension).check(z.maxLength(30)), []),
  }),
});
const SnsTrigger = z.object({
  MetricName: z.nullish(upTo(255)),
  Namespace: z.nullish(upTo(255)),
  Dimensions: z.nullish(z.array(SnsDimension).check(z.maxLength(30))),
  Metrics: z.nullish(
    z
      .array(z.object({ Id: z.optional(z.string()), MetricStat: z.optional(SnsMetricStat) }))
      .check(z.maxLength(50)),
  ),
});

/** The JSON inside `Records[].Sns.Message` that CloudWatch publishes for an alarm action. */
export const SnsAlarmMessageSchema = z.object({
  AlarmName: Name,
  AlarmDescription: z.nullish(Text),
  AWSAccountId: z.nullish(z.string().check(z.regex(/^\d{12}$/))),
  NewStateValue: State,
  OldStateValue: z.nullish(State),
  NewStateReason: z.nullish(Text),
  StateChangeTime: z.nullish(upTo(64)),
  /** Display name ("EU (Ireland)") or, in forwarded messages, the code. */
  Region: z.nullish(upTo(64)),
  AlarmArn: z.nullish(
    z.string().check(z.regex(ALARM_ARN, { message: 'is not a CloudWatch alarm ARN' })),
  ),
  Trigger: z.nullish(SnsTrigger),
  AlarmRule: z.nullish(Text),
});

const SnsRecordSchema = z.object({
  EventSource: z.literal('aws:sns'),
  Sns: z.object({
    Message: upTo(262_144),
    MessageId: z.optional(z.string()),
    Timestamp: z.optional(upTo(64)),
    TopicArn: z.optional(upTo(1024)),
  }),
});

/** Where an SNS message came from: fallbacks for a region and a time the message lacks. */
export interface SnsContext {
  readonly timestamp?: string;
  readonly topicArn?: string;
}

const EbMetricSchema = z.object({
  metricStat: z.optional(
    z.object({
      metric: z.object({
        namespace: z.optional(upTo(255)),
        name: z.optional(upTo(255)),
        dimensions: z._default(z.record(upTo(255), upTo(1024)), {}),
      }),
    }),
  ),
});

const EbStateSchema = z.object({
  value: State,
  reason: z._default(Text, ''),
  timestamp: z.optional(upTo(64)),
  actionsSuppressedBy: z.optional(upTo(64)),
  actionsSuppressedReason: z.optional(upTo(1024)),
});

/** `detail` of an EventBridge `CloudWatch Alarm State Change` event. */
const EbDetailSchema = z.object({
  alarmName: Name,
  state: EbStateSchema,
  previousState: z.optional(z.partial(EbStateSchema)),
  configuration: z._default(
    z.object({
      description: z.nullish(Text),
      metrics: z.optional(z.array(EbMetricSchema).check(z.maxLength(50))),
      alarmRule: z.optional(Text),
    }),
    {},
  ),
});

const EbEventSchema = z.object({
  'detail-type': z.string(),
  source: z.string(),
  account: z.string().check(z.regex(/^\d{12}$/)),
  time: upTo(64),
  region: upTo(32),
  resources: z._default(z.array(z.string()), []),
  detail: z.unknown(),
});

export const EVENTBRIDGE_STATE_CHANGE = 'CloudWatch Alarm State Change';
export const EVENTBRIDGE_CONFIGURATION_CHANGE = 'CloudWatch Alarm Configuration Change';

function issuesText(error: z.core.$ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`)
    .join('; ');
}

/** CloudWatch writes `2026-11-26T03:12:45.123+0000`; `Date` wants `+00:00`. */
export function normaliseTimestamp(value: string, path: string): string {
  const iso = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new AlarmParseError(`${path}: "${value.slice(0, 64)}" is not a time`);
  return new Date(ms).toISOString();
}

/** Dimensions into a prototype-free map, so a dimension called `__proto__` is just a name. */
function dimensionMap(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of entries) out[k] = v;
  return out;
}

function parseArn(arn: string, path: string): { region: string; accountId: string } {
  const m = ALARM_ARN.exec(arn);
  if (!m)
    throw new AlarmParseError(`${path}: "${arn.slice(0, 256)}" is not a CloudWatch alarm ARN`);
  return { region: m[1] as string, accountId: m[2] as string };
}

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>` for messages without one. */
export function alarmArnFor(name: string, region: string, accountId: string): string {
  return `arn:${partitionOf(region)}:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/** Region code of an SNS topic ARN (`arn:aws:sns:eu-west-1:...`). */
function topicRegion(topicArn: string | undefined): string | undefined {
  const region = topicArn?.split(':')[3];
  return region && REGION_CODE.test(region) ? region : undefined;
}

/** At most this many envelopes inside each other (SNS -> SQS -> SNS is two). */
const MAX_NESTING = 3;

/** Parses the JSON text of an SNS alarm message (the `Sns.Message` string). */
export function parseSnsAlarmMessage(
  message: string,
  path = 'Sns.Message',
  via: AlarmChange['via'] = 'sns',
  context: SnsContext = {},
  depth = 0,
): AlarmChange {
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    throw new AlarmParseError(`${path}: not JSON (is this a CloudWatch alarm notification?)`);
  }
  return parseAlarmObject(raw, path, via, context, depth);
}

function parseAlarmObject(
  raw: unknown,
  path: string,
  via: AlarmChange['via'],
  context: SnsContext,
  depth: number,
): AlarmChange {
  if (raw !== null && typeof raw === 'object' && depth < MAX_NESTING) {
    const obj = raw as Record<string, unknown>;
    // A forwarded SNS notification (for example SNS -> SQS -> a forwarder -> SNS).
    if (obj.Type === 'Notification' && typeof obj.Message === 'string')
      return parseSnsAlarmMessage(
        obj.Message,
        `${path}.Message`,
        via,
        {
          timestamp: typeof obj.Timestamp === 'string' ? obj.Timestamp : context.timestamp,
          topicArn: typeof obj.TopicArn === 'string' ? obj.TopicArn : context.topicArn,
        },
        depth + 1,
      );
    // An EventBridge alarm event published to SNS (a rule with an SNS target).
    if ('detail-type' in obj) {
      const r = parseEventBridgeEvent(obj, 0, path);
      if (r.kind === 'alarm') return { ...r.alarm, via };
      if (r.kind === 'invalid') throw r.error;
      throw new AlarmParseError(`${path}: ${r.reason}`);
    }
  }
  const parsed = SnsAlarmMessageSchema.safeParse(raw);
  if (!parsed.success) throw new AlarmParseError(issuesText(parsed.error, path));
  const m = parsed.data;
  const derived: string[] = [];
  let region: string;
  let accountId: string;
  let alarmArn: string;
  if (m.AlarmArn) {
    ({ region, accountId } = parseArn(m.AlarmArn, `${path}.AlarmArn`));
    alarmArn = m.AlarmArn;
  } else {
    if (!m.AWSAccountId)
      throw new AlarmParseError(`${path}: has neither AlarmArn nor AWSAccountId`);
    accountId = m.AWSAccountId;
    const fromField = regionCode(m.Region);
    const fromTopic = topicRegion(context.topicArn);
    const found = fromField ?? fromTopic;
    if (!found)
      throw new AlarmParseError(
        `${path}.Region: "${String(m.Region ?? '').slice(0, 64)}" is not a region name or code, and there is no AlarmArn or topic ARN to take it from`,
      );
    region = found;
    alarmArn = alarmArnFor(m.AlarmName, region, accountId);
    derived.push(
      `AlarmArn derived from the name, the region (${fromField ? `Region "${m.Region}"` : 'the topic ARN'}) and AWSAccountId`,
    );
  }
  let time = m.StateChangeTime ?? undefined;
  if (!time) {
    if (!context.timestamp)
      throw new AlarmParseError(`${path}.StateChangeTime: missing, and no SNS Timestamp`);
    time = context.timestamp;
    derived.push('StateChangeTime taken from the SNS Timestamp');
  }
  const trigger = m.Trigger ?? undefined;
  let kind: AlarmChange['kind'];
  let metrics: AlarmMetric[];
  if (m.AlarmRule) {
    kind = 'composite';
    metrics = [];
  } else if (trigger?.Metrics && trigger.Metrics.length > 0) {
    kind = 'metric-math';
    metrics = trigger.Metrics.flatMap((x) =>
      x.MetricStat
        ? [
            {
              namespace: x.MetricStat.Metric.Namespace,
              metricName: x.MetricStat.Metric.MetricName,
              dimensions: dimensionMap(
                x.MetricStat.Metric.Dimensions.map((d) => [d.name, d.value] as const),
              ),
            },
          ]
        : [],
    );
  } else if (trigger) {
    kind = 'metric';
    metrics = [
      {
        namespace: trigger.Namespace ?? undefined,
        metricName: trigger.MetricName ?? undefined,
        dimensions: dimensionMap((trigger.Dimensions ?? []).map((d) => [d.name, d.value] as const)),
      },
    ];
  } else {
    throw new AlarmParseError(`${path}: has neither Trigger nor AlarmRule`);
  }
  return {
    alarmName: m.AlarmName,
    alarmArn,
    // The ARN is authoritative; AWSAccountId is the same account for a genuine alarm.
    accountId,
    region,
    state: m.NewStateValue,
    previousState: m.OldStateValue ?? undefined,
    reason: m.NewStateReason ?? '',
    stateChangeTime: normaliseTimestamp(time, `${path}.StateChangeTime`),
    description: m.AlarmDescription ?? undefined,
    kind,
    metrics,
    alarmRule: m.AlarmRule ?? undefined,
    via,
    ...(derived.length > 0 ? { derived } : {}),
  };
}

/** Parses one EventBridge event; configuration-change events are `ignored`, other types invalid. */
export function parseEventBridgeEvent(event: unknown, index = 0, prefix = ''): ParsedRecord {
  const envelope = EbEventSchema.safeParse(event);
  if (!envelope.success)
    return {
      kind: 'invalid',
      index,
      error: new AlarmParseError(issuesText(envelope.error, prefix)),
    };
  const e = envelope.data;
  if (e['detail-type'] === EVENTBRIDGE_CONFIGURATION_CHANGE)
    return { kind: 'ignored', index, reason: 'alarm configuration change (not a state change)' };
  if (e['detail-type'] !== EVENTBRIDGE_STATE_CHANGE || e.source !== 'aws.cloudwatch')
    return {
      kind: 'invalid',
      index,
      error: new AlarmParseError(
        `${prefix ? `${prefix}.` : ''}detail-type: "${e['detail-type'].slice(0, 100)}" from "${e.source.slice(0, 100)}" is not a CloudWatch alarm state change`,
      ),
    };
  const detail = EbDetailSchema.safeParse(e.detail);
  if (!detail.success)
    return {
      kind: 'invalid',
      index,
      error: new AlarmParseError(issuesText(detail.error, `${prefix ? `${prefix}.` : ''}detail`)),
    };
  const d = detail.data;
  try {
    const derived: string[] = [];
    let arn = e.resources.find((r) => ALARM_ARN.test(r));
    if (!arn) {
      const region = regionCode(e.region);
      if (!region)
        throw new AlarmParseError(
          `${prefix ? `${prefix}.` : ''}resources: no CloudWatch alarm ARN, and region "${e.region}" is not a region`,
        );
      arn = alarmArnFor(d.alarmName, region, e.account);
      derived.push('alarm ARN derived from detail.alarmName, region and account');
    }
    const { region, accountId } = parseArn(arn, 'resources');
    const metrics: AlarmMetric[] = (d.configuration.metrics ?? []).flatMap((m) =>
      m.metricStat
        ? [
            {
              namespace: m.metricStat.metric.namespace,
              metricName: m.metricStat.metric.name,
              dimensions: dimensionMap(Object.entries(m.metricStat.metric.dimensions)),
            },
          ]
        : [],
    );
    const composite = d.configuration.alarmRule !== undefined;
    const count = d.configuration.metrics?.length ?? 0;
    const alarm: AlarmChange = {
      alarmName: d.alarmName,
      alarmArn: arn,
      accountId,
      region,
      state: d.state.value,
      previousState: d.previousState?.value,
      reason: d.state.reason,
      stateChangeTime: normaliseTimestamp(d.state.timestamp ?? e.time, 'detail.state.timestamp'),
      description: d.configuration.description ?? undefined,
      kind: composite ? 'composite' : count > 1 ? 'metric-math' : 'metric',
      metrics,
      alarmRule: d.configuration.alarmRule,
      ...(d.state.actionsSuppressedBy
        ? {
            actionsSuppressedBy: d.state.actionsSuppressedBy,
            actionsSuppressedReason: d.state.actionsSuppressedReason,
          }
        : {}),
      via: 'eventbridge',
      ...(derived.length > 0 ? { derived } : {}),
    };
    return { kind: 'alarm', index, alarm };
  } catch (err) {
    if (err instanceof AlarmParseError) return { kind: 'invalid', index, error: err };
    throw err;
  }
}

function parsedOrInvalid(index: number, parse: () => AlarmChange): ParsedRecord {
  try {
    return { kind: 'alarm', index, alarm: parse() };
  } catch (err) {
    if (err instanceof AlarmParseError) return { kind: 'invalid', index, error: err };
    throw err;
  }
}

/**
 * Every alarm record in what the function received: an SNS event (each of `Records[]`), an
 * EventBridge event, or (CLI, tests, forwarders) a bare alarm message as CloudWatch publishes it
 * to SNS, or an SNS notification envelope around one.
 */
export function parseAlarmInput(input: unknown): ParsedRecord[] {
  if (input === null || typeof input !== 'object')
    return [{ kind: 'invalid', index: 0, error: new AlarmParseError('event: not an object') }];
  const obj = input as Record<string, unknown>;
  if ('Records' in obj) {
    if (!Array.isArray(obj.Records))
      return [{ kind: 'invalid', index: 0, error: new AlarmParseError('Records: not a list') }];
    return obj.Records.map((record: unknown, index): ParsedRecord => {
      const r = SnsRecordSchema.safeParse(record);
      if (!r.success)
        return {
          kind: 'invalid',
          index,
          error: new AlarmParseError(issuesText(r.error, `Records.${index}`)),
        };
      const sns = r.data.Sns;
      return parsedOrInvalid(index, () =>
        parseSnsAlarmMessage(sns.Message, `Records.${index}.Sns.Message`, 'sns', {
          timestamp: sns.Timestamp,
          topicArn: sns.TopicArn,
        }),
      );
    });
  }
  if ('detail-type' in obj) return [parseEventBridgeEvent(obj, 0)];
  if ('AlarmName' in obj || (obj.Type === 'Notification' && 'Message' in obj))
    return [parsedOrInvalid(0, () => parseAlarmObject(obj, '', 'direct', {}, 0))];
  return [
    {
      kind: 'invalid',
      index: 0,
      error: new AlarmParseError(
        'event: neither an SNS event (Records), an EventBridge event (detail-type) nor an alarm message (AlarmName)',
      ),
    },
  ];
}
