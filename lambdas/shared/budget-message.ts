/**
 * Parses the plain-text AWS Budgets SNS notification (not JSON: AWS Budgets User Guide, "Receiving
 * budget alerts in Amazon SNS"). Linear in the text: a size cap and bounded quantifiers only.
 * Tolerant of layout: the `Key: value` lines are read wherever they are, amounts may be unpadded
 * (`$0.5`) or carry thousands separators (`$12,345.60`), and monthly and daily wording both work.
 * Pure: no SDK, no clock, no env.
 */

/** Budget messages are about 1 KB; anything much larger is not one (and is not worth parsing). */
export const MAX_BUDGET_MESSAGE_BYTES = 16 * 1024;

export type BudgetAlertType = 'ACTUAL' | 'FORECASTED';
export type BudgetPeriod = 'monthly' | 'daily' | 'quarterly' | 'annually' | 'unknown';

/** The facts a Budgets notification claims (a claim: re-read the budget before acting). */
export interface BudgetNotification {
  readonly budgetName: string;
  /** The `AWS Account` line; undefined if the line is missing. */
  readonly accountId: string | undefined;
  readonly alertType: BudgetAlertType;
  /** The alert threshold as an amount, even for percentage thresholds (95 % of $10,000 = 9500). */
  readonly thresholdUsd: number;
  readonly budgetedUsd: number;
  /** The ACTUAL or FORECASTED amount the message reports. */
  readonly amountUsd: number;
  readonly period: BudgetPeriod;
}

export type BudgetMessageProblem =
  | 'empty'
  | 'too-large'
  | 'json'
  | 'not-a-budget-notification'
  | 'missing-field'
  | 'bad-amount';

/** The text is not a usable Budgets notification; `problem` is the metric/log category. */
export class BudgetMessageError extends Error {
  override readonly name = 'BudgetMessageError';
  constructor(
    readonly problem: BudgetMessageProblem,
    message: string,
  ) {
    super(message);
  }
}

/** `$12,345.60` / `$0.5` / `12345` -> number; undefined when it is not an amount. */
export function parseUsd(text: string): number | undefined {
  // Bounded quantifiers: at most 15 integer digits (10^15 dollars) and 10 decimals.
  const match = /\$?[ \t]{0,4}([0-9]{1,3}(?:,[0-9]{3}){1,4}|[0-9]{1,15})(\.[0-9]{1,10})?/.exec(
    text,
  );
  if (!match) return undefined;
  const value = Number(`${(match[1] ?? '').replaceAll(',', '')}${match[2] ?? ''}`);
  return Number.isFinite(value) ? value : undefined;
}

/** Longest line read as a `Key: value` field; a Budgets line is well under 200 characters. */
const MAX_FIELD_LINE = 1000;

/**
 * `Key: value` lines, keys lower-cased with single spaces; the first occurrence wins. Every
 * quantifier is bounded and the value is trimmed in code, so the cost is linear in the text.
 */
function keyValues(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const raw of text.split('\n')) {
    if (raw.length > MAX_FIELD_LINE) continue;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const match = /^[ \t]{0,20}([A-Za-z][A-Za-z ]{0,40}):(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    const key = match[1].trim().toLowerCase().replace(/ +/g, ' ');
    const value = match[2].trim();
    if (value && !fields.has(key)) fields.set(key, value);
  }
  return fields;
}

function periodOf(text: string): BudgetPeriod {
  if (/for the current month/i.test(text)) return 'monthly';
  if (/per day|yesterday/i.test(text)) return 'daily';
  if (/for the current quarter/i.test(text)) return 'quarterly';
  if (/for the current year/i.test(text)) return 'annually';
  return 'unknown';
}

/** Parse a Budgets notification, or throw {@link BudgetMessageError} saying why it is not one. */
export function parseBudgetMessage(text: string | undefined | null): BudgetNotification {
  if (text === undefined || text === null || text.trim() === '')
    throw new BudgetMessageError('empty', 'the message is empty');
  if (Buffer.byteLength(text, 'utf8') > MAX_BUDGET_MESSAGE_BYTES)
    throw new BudgetMessageError(
      'too-large',
      `the message is ${Buffer.byteLength(text, 'utf8')} bytes; a Budgets notification is under ${MAX_BUDGET_MESSAGE_BYTES}`,
    );
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('['))
    throw new BudgetMessageError(
      'json',
      'the message is JSON; AWS Budgets sends plain text ("AWS Budget Notification ...")',
    );
  if (
    !/AWS Budget Notification/i.test(trimmed) &&
    !/^[ \t]{0,20}Budget Name[ \t]{0,20}:/im.test(trimmed)
  )
    throw new BudgetMessageError(
      'not-a-budget-notification',
      'the message has neither an "AWS Budget Notification" heading nor a "Budget Name:" line',
    );

  const fields = keyValues(trimmed);
  const required = (key: string): string => {
    const value = fields.get(key);
    if (value === undefined)
      throw new BudgetMessageError('missing-field', `the message has no "${titleCase(key)}:" line`);
    return value;
  };
  const amount = (key: string): number => {
    const raw = required(key);
    const value = parseUsd(raw);
    if (value === undefined)
      throw new BudgetMessageError('bad-amount', `"${titleCase(key)}: ${raw}" is not an amount`);
    return value;
  };

  const budgetName = required('budget name');
  const alertTypeRaw = required('alert type').toUpperCase();
  if (alertTypeRaw !== 'ACTUAL' && alertTypeRaw !== 'FORECASTED')
    throw new BudgetMessageError(
      'not-a-budget-notification',
      `"Alert Type: ${alertTypeRaw}" is neither ACTUAL nor FORECASTED`,
    );
  const alertType: BudgetAlertType = alertTypeRaw;
  const account = /AWS Account[ \t]{0,4}:?[ \t]{0,4}(\d{12})\b/i.exec(trimmed)?.[1];

  return {
    budgetName,
    accountId: account,
    alertType,
    thresholdUsd: amount('alert threshold'),
    budgetedUsd: amount('budgeted amount'),
    amountUsd: amount(`${alertType.toLowerCase()} amount`),
    period: periodOf(trimmed),
  };
}

function titleCase(key: string): string {
  return key.replace(/\b[a-z]/g, (c) => c.toUpperCase());
}
