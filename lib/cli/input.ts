/**
 * What people paste into `--message` and `--event`: the raw message as the service wrote it, the
 * SNS notification JSON (what an SQS queue, an HTTP(S) endpoint or "Publish message" shows), or
 * the Lambda event (`Records[].Sns`) copied from a function's log. One place recognises the
 * shape, so `auto-stop plan` and `paging route` accept the same inputs.
 *
 * Shapes: "Amazon SNS message and JSON formats" (HTTP/HTTPS notification JSON: Type
 * "Notification", Message) and "Using AWS Lambda with Amazon SNS" (event: Records[].Sns.Message),
 * AWS documentation.
 */
import { readFileSync } from 'node:fs';
import { CliError } from './command';

export type InputShape =
  /** `{"Records": [{"EventSource": "aws:sns", "Sns": {"Message": ...}}]}` */
  | 'lambda-sns-event'
  /** `{"Type": "Notification", "Message": ...}` */
  | 'sns-notification'
  /** Any other JSON document (a CloudWatch alarm message, an EventBridge event). */
  | 'json'
  /** Not JSON: the raw message (an AWS Budgets notification is plain text). */
  | 'text';

export interface PastedInput {
  readonly shape: InputShape;
  /** The message(s) inside: one per SNS record, the text itself otherwise. */
  readonly messages: readonly string[];
  /** The parsed document, when the input is JSON. */
  readonly json?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function snsMessageOf(record: unknown): string | undefined {
  if (!isObject(record) || !isObject(record.Sns)) return undefined;
  return typeof record.Sns.Message === 'string' ? record.Sns.Message : undefined;
}

/** Recognise the shape of pasted text; `where` names it in errors (`--event file.json`). */
export function detectInput(text: string, where: string): PastedInput {
  const trimmed = text.trim();
  if (trimmed === '') throw new CliError(`${where} is empty`);
  if (!trimmed.startsWith('{') && !trimmed.startsWith('['))
    return { shape: 'text', messages: [text] };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (err) {
    throw new CliError(
      `${where} starts like JSON but is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (isObject(json) && Array.isArray(json.Records)) {
    const messages = json.Records.map(snsMessageOf);
    if (messages.length > 0 && messages.every((m): m is string => m !== undefined))
      return { shape: 'lambda-sns-event', messages, json };
  }
  if (isObject(json) && json.Type === 'Notification' && typeof json.Message === 'string')
    return { shape: 'sns-notification', messages: [json.Message], json };
  return { shape: 'json', messages: [trimmed], json };
}

/** Read `file` (`-` is standard input) and recognise its shape. */
export function readPastedInput(
  file: string,
  option: string,
  read: (file: string) => string = (f) => readFileSync(f === '-' ? 0 : f, 'utf8'),
): PastedInput {
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT'
        ? `cannot read ${option} ${file}: file not found (check the path, or pass - for standard input)`
        : `cannot read ${option} ${file}: ${(err as Error).message}`,
    );
  }
  return detectInput(text, `${option} ${file}`);
}

/**
 * The AWS Budgets message text inside any accepted shape. Budgets publishes plain text, so JSON
 * that is neither an SNS notification nor a Lambda SNS event cannot be one.
 */
export function budgetMessageOf(input: PastedInput, where: string): string {
  if (input.shape === 'json')
    throw new CliError(
      `${where} is JSON but neither an SNS notification (Type "Notification") nor a Lambda SNS event (Records[].Sns): paste the Budgets message text or one of those`,
    );
  if (input.messages.length !== 1)
    throw new CliError(
      `${where} holds ${input.messages.length} SNS records; keep the one to replay (auto-stop handles one notification at a time)`,
    );
  return input.messages[0] as string;
}

/**
 * The alarm document for the paging router: a Lambda SNS event or an EventBridge event is passed
 * as is (the router reads every record), an SNS notification is unwrapped to its alarm message.
 */
export function alarmEventOf(input: PastedInput, where: string): unknown {
  if (input.shape === 'text')
    throw new CliError(
      `${where} is not JSON: paste the CloudWatch alarm message, the SNS notification or the Lambda event (all JSON)`,
    );
  if (input.shape !== 'sns-notification') return input.json;
  try {
    return JSON.parse(input.messages[0] as string);
  } catch {
    throw new CliError(`${where} is an SNS notification whose Message is not alarm JSON`);
  }
}
