import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BudgetMessageError,
  MAX_BUDGET_MESSAGE_BYTES,
  parseBudgetMessage,
  parseUsd,
} from '../../../lambdas/shared/budget-message';

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'auto-stop', name), 'utf8');

describe('parseUsd', () => {
  it.each([
    ['$9,500.00', 9500],
    ['> $9,500.00', 9500],
    ['$0.5', 0.5],
    ['$12,345.60', 12345.6],
    ['$1,234,567.80', 1234567.8],
    ['$200', 200],
    ['no amount', undefined],
  ])('reads %s as %s', (text, expected) => {
    expect(parseUsd(text)).toBe(expected);
  });
});

describe('parseBudgetMessage', () => {
  // Format: AWS Budgets User Guide, "Receiving budget alerts in Amazon SNS" (plain text, Key: value lines).
  it.each([
    [
      'a monthly ACTUAL alert',
      'monthly-actual.txt',
      {
        budgetName: 'ml-fraud-detection',
        accountId: '111122223333',
        alertType: 'ACTUAL',
        thresholdUsd: 9500,
        budgetedUsd: 10000,
        amountUsd: 9612.34,
        period: 'monthly',
      },
    ],
    [
      'a daily alert with unpadded amounts and the old dashboard link',
      'daily-actual.txt',
      {
        budgetName: 'ml-churn-prediction',
        alertType: 'ACTUAL',
        thresholdUsd: 190,
        budgetedUsd: 200,
        amountUsd: 201.5,
        period: 'daily',
      },
    ],
    [
      'a FORECASTED alert (amount on the FORECASTED Amount line)',
      'forecasted.txt',
      { alertType: 'FORECASTED', thresholdUsd: 10000, amountUsd: 12345.6 },
    ],
    [
      'amounts below one dollar',
      'unpadded-small.txt',
      { budgetName: 'ml-sandbox', thresholdUsd: 0.5, budgetedUsd: 1, amountUsd: 0.51 },
    ],
    [
      'amounts in millions with thousands separators',
      'large-amounts.txt',
      { accountId: '444455556666', thresholdUsd: 1234567.8, budgetedUsd: 1299545.05 },
    ],
  ])('parses %s', (_name, file, expected) => {
    // Act
    const parsed = parseBudgetMessage(fixture(file));
    // Assess
    expect(parsed).toMatchObject(expected);
  });

  it('tolerates CRLF line endings, extra spaces and reordered lines', () => {
    // Prepare
    const text = [
      'AWS Budget Notification November 26, 2026',
      'AWS Account 111122223333',
      'ACTUAL Amount:   $9,612.34  ',
      'Alert Type:ACTUAL',
      'Budget Name :  ml-fraud-detection',
      'Alert Threshold: > $9,500.00',
      'Budgeted Amount: $10,000.00',
    ].join('\r\n');
    // Act
    const parsed = parseBudgetMessage(text);
    // Assess
    expect(parsed).toMatchObject({ budgetName: 'ml-fraud-detection', amountUsd: 9612.34 });
  });

  it('leaves the account undefined when the AWS Account line is missing', () => {
    const text = fixture('monthly-actual.txt').replace('AWS Account 111122223333\n', '');
    expect(parseBudgetMessage(text).accountId).toBeUndefined();
  });

  it.each([
    ['an empty message', '', 'empty'],
    ['whitespace only', '  \n ', 'empty'],
    ['undefined', undefined, 'empty'],
    ['JSON (e.g. a CloudWatch alarm)', '{"AlarmName":"x","NewStateValue":"ALARM"}', 'json'],
    [
      'unrelated text',
      'Hello, this is a test message from the console.',
      'not-a-budget-notification',
    ],
    [
      'a notification without Budget Name',
      'AWS Budget Notification\nAlert Type: ACTUAL\nAlert Threshold: > $1\nBudgeted Amount: $2\nACTUAL Amount: $3',
      'missing-field',
    ],
    [
      'an amount that is not a number',
      'AWS Budget Notification\nBudget Name: x\nAlert Type: ACTUAL\nAlert Threshold: > lots\nBudgeted Amount: $2\nACTUAL Amount: $3',
      'bad-amount',
    ],
    [
      'an unknown alert type',
      'AWS Budget Notification\nBudget Name: x\nAlert Type: MAYBE\nAlert Threshold: > $1\nBudgeted Amount: $2\nACTUAL Amount: $3',
      'not-a-budget-notification',
    ],
    [
      'an oversized message',
      `AWS Budget Notification\n${'x'.repeat(MAX_BUDGET_MESSAGE_BYTES)}`,
      'too-large',
    ],
  ])('rejects %s with a reason', (_name, text, problem) => {
    // Act
    const act = () => parseBudgetMessage(text);
    // Assess
    expect(act).toThrow(BudgetMessageError);
    try {
      act();
    } catch (err) {
      expect((err as BudgetMessageError).problem).toBe(problem);
      expect((err as BudgetMessageError).message.length).toBeGreaterThan(10);
    }
  });
});

describe('parseBudgetMessage on hostile input', () => {
  it.each([
    ['a line of 15,000 spaces between key and value', `Budget Name:${' '.repeat(15_000)}x`],
    ['15,000 blank lines', `AWS Budget Notification\n${'\n'.repeat(15_000)}`],
    [
      'a 15,000-digit amount',
      `AWS Budget Notification\nBudget Name: b\nAlert Type: ACTUAL\nAlert Threshold: $${'9'.repeat(15_000)}`,
    ],
  ])('answers %s with a clear error, reading each line once', (_name, text) => {
    expect(() => parseBudgetMessage(text)).toThrow(BudgetMessageError);
  });

  it('ignores a field line longer than any Budgets line (1,000 characters)', () => {
    const text = fixture('monthly-actual.txt').replace(
      'Budget Name: ml-fraud-detection',
      `Budget Name: ml-fraud-detection${' '.repeat(1_000)}.`,
    );
    expect(() => parseBudgetMessage(text)).toThrow(/no "Budget Name:" line/);
  });
});

/** A notification in the Budgets layout: heading, account line, sentence, then `lines`. */
const message = (lines: readonly string[] = []): string =>
  [
    'AWS Budget Notification November 26, 2026',
    'AWS Account 111122223333',
    '',
    'You requested that we alert you when the ACTUAL Cost associated with your ml-fraud-detection budget is greater than $9,500.00 for the current month.',
    '',
    ...lines,
  ].join('\n');
const FIELDS = [
  'Budget Name: ml-fraud-detection',
  'Budgeted Amount: $10,000.00',
  'Alert Type: ACTUAL',
  'Alert Threshold: > $9,500.00',
  'ACTUAL Amount: $9,612.34',
];

describe('parseUsd: the amounts Budgets writes', () => {
  it.each([
    ['$ 9,500.00 (a space after the dollar sign)', '$ 9,500.00', 9500],
    ['$1,234,567,890,123.45 (five groups of thousands)', '$1,234,567,890,123.45', 1234567890123.45],
    ['a bare number with cents', '42.5', 42.5],
    ['a long unseparated amount', '$123456789012', 123456789012],
    ['an amount after text', 'about $7.25 today', 7.25],
  ])('reads %s', (_name, text, expected) => {
    expect(parseUsd(text)).toBe(expected);
  });
});

describe('parseBudgetMessage: layout tolerance', () => {
  it.each([
    ['indented field lines', FIELDS.map((l) => `   ${l}`), { amountUsd: 9612.34 }],
    ['tab-indented field lines', FIELDS.map((l) => `\t${l}`), { budgetName: 'ml-fraud-detection' }],
    [
      'keys with doubled spaces ("Alert  Threshold")',
      FIELDS.map((l) => l.replace('Alert Threshold', 'Alert  Threshold')),
      { thresholdUsd: 9500 },
    ],
    [
      'lower-case keys and alert type',
      FIELDS.map((l) => l.toLowerCase()),
      { alertType: 'ACTUAL', budgetedUsd: 10000, amountUsd: 9612.34 },
    ],
    [
      'a repeated field (the first one wins)',
      [...FIELDS, 'Budget Name: ml-other', 'ACTUAL Amount: $1.00'],
      { budgetName: 'ml-fraud-detection', amountUsd: 9612.34 },
    ],
    [
      'an empty field before the real one',
      ['Budget Name:', ...FIELDS],
      { budgetName: 'ml-fraud-detection' },
    ],
  ])('reads %s', (_name, lines, expected) => {
    expect(parseBudgetMessage(message(lines))).toMatchObject(expected);
  });

  it('reads the FORECASTED amount, not the ACTUAL one, for a FORECASTED alert', () => {
    const lines = [
      ...FIELDS.map((l) => l.replace('Alert Type: ACTUAL', 'Alert Type: FORECASTED')),
      'FORECASTED Amount: $12,000.00',
    ];
    expect(parseBudgetMessage(message(lines))).toMatchObject({
      alertType: 'FORECASTED',
      amountUsd: 12000,
    });
  });

  it('accepts a notification without the heading when it has a Budget Name line', () => {
    const text = FIELDS.join('\n');
    expect(parseBudgetMessage(text)).toMatchObject({
      budgetName: 'ml-fraud-detection',
      accountId: undefined,
    });
  });

  it('accepts a message of exactly the size limit', () => {
    const base = message(FIELDS);
    const text = `${base}\n${'x'.repeat(MAX_BUDGET_MESSAGE_BYTES - Buffer.byteLength(base) - 1)}`;
    expect(Buffer.byteLength(text)).toBe(MAX_BUDGET_MESSAGE_BYTES);
    expect(parseBudgetMessage(text).budgetName).toBe('ml-fraud-detection');
  });

  it('reads a field line of exactly 1,000 characters', () => {
    const name = `ml-${'a'.repeat(1000 - 'Budget Name: ml-'.length)}`;
    const lines = FIELDS.map((l) => (l.startsWith('Budget Name') ? `Budget Name: ${name}` : l));
    expect(parseBudgetMessage(message(lines)).budgetName).toBe(name);
  });

  it.each([
    ['AWS Account: 444455556666', '444455556666'],
    ['aws account 444455556666', '444455556666'],
    ['AWS Account 4444555566667', undefined],
  ])('reads the account from "%s"', (line, accountId) => {
    const text = message(FIELDS).replace('AWS Account 111122223333', line);
    expect(parseBudgetMessage(text).accountId).toBe(accountId);
  });
});

describe('parseBudgetMessage: the budget period from the wording', () => {
  it.each([
    ['is greater than $9,500.00 for the current month.', 'monthly'],
    ['is greater than $9,500.00 FOR THE CURRENT MONTH.', 'monthly'],
    ['is greater than $190.00 per day.', 'daily'],
    ['Yesterday, the ACTUAL Cost was $201.5.', 'daily'],
    ['is greater than $9,500.00 for the current quarter.', 'quarterly'],
    ['is greater than $9,500.00 for the current year.', 'annually'],
    ['is greater than $9,500.00.', 'unknown'],
  ])('"%s" is %s', (sentence, period) => {
    const text = message(FIELDS).replace(
      'is greater than $9,500.00 for the current month.',
      sentence,
    );
    expect(parseBudgetMessage(text).period).toBe(period);
  });
});

describe('parseBudgetMessage: errors name the line', () => {
  it.each([
    [
      'a missing Alert Threshold line',
      FIELDS.filter((l) => !l.startsWith('Alert Threshold')),
      'missing-field',
      'the message has no "Alert Threshold:" line',
    ],
    [
      'a missing ACTUAL Amount line',
      FIELDS.filter((l) => !l.startsWith('ACTUAL Amount')),
      'missing-field',
      'the message has no "Actual Amount:" line',
    ],
    [
      'a Budgeted Amount that is not an amount',
      FIELDS.map((l) => (l.startsWith('Budgeted') ? 'Budgeted Amount: unlimited' : l)),
      'bad-amount',
      '"Budgeted Amount: unlimited" is not an amount',
    ],
    [
      'an alert type Budgets does not send',
      FIELDS.map((l) => (l.startsWith('Alert Type') ? 'Alert Type: maybe' : l)),
      'not-a-budget-notification',
      '"Alert Type: MAYBE" is neither ACTUAL nor FORECASTED',
    ],
  ])('%s', (_name, lines, problem, text) => {
    expect(() => parseBudgetMessage(message(lines))).toThrow(
      expect.objectContaining({ problem, message: text }),
    );
  });

  it.each([
    ['a JSON list', '[{"budget": 1}]', 'json'],
    ['null', null, 'empty'],
    [
      'text with neither heading nor Budget Name line',
      'Budget: x\nAlert Type: ACTUAL',
      'not-a-budget-notification',
    ],
  ])('refuses %s', (_name, text, problem) => {
    expect(() => parseBudgetMessage(text)).toThrow(expect.objectContaining({ problem }));
  });

  it('says how large an oversized message is and what the limit is', () => {
    const text = `AWS Budget Notification\n${'x'.repeat(MAX_BUDGET_MESSAGE_BYTES)}`;
    expect(() => parseBudgetMessage(text)).toThrow(
      `the message is ${MAX_BUDGET_MESSAGE_BYTES + 24} bytes; a Budgets notification is under ${MAX_BUDGET_MESSAGE_BYTES}`,
    );
  });
});

describe('parseBudgetMessage: what counts as a Budgets notification', () => {
  it.each([
    ['field lines indented, no heading', FIELDS.map((l) => `  ${l}`).join('\n')],
    [
      'an indented Budget Name line after another line, no heading',
      ['Budget Type: Cost', ...FIELDS.map((l) => `  ${l}`)].join('\n'),
    ],
    [
      'a space before the colon of Budget Name, no heading',
      FIELDS.map((l) => l.replace('Budget Name:', 'Budget Name :')).join('\n'),
    ],
  ])('accepts %s', (_name, text) => {
    expect(parseBudgetMessage(text).budgetName).toBe('ml-fraud-detection');
  });

  it.each([
    [
      'text that only mentions "Budget Name:" inside a line',
      `Re: Budget Name: ml-fraud-detection\n${FIELDS.slice(1).join('\n')}`,
      'not-a-budget-notification',
    ],
    ['JSON after leading blank lines', '\n\n  {"budgetName": "ml-fraud-detection"}', 'json'],
  ])('refuses %s', (_name, text, problem) => {
    expect(() => parseBudgetMessage(text)).toThrow(expect.objectContaining({ problem }));
  });

  it('does not read a field from the middle of a line (a forwarded sentence)', () => {
    const text = message(['Forwarded - Budget Name: ml-other', ...FIELDS]);
    expect(parseBudgetMessage(text).budgetName).toBe('ml-fraud-detection');
  });

  it('does not cut a value at a stray carriage return inside it', () => {
    const lines = FIELDS.map((l) => (l.startsWith('Budget Name') ? 'Budget Name: ml-a\rml-b' : l));
    expect(() => parseBudgetMessage(message(lines))).toThrow(
      expect.objectContaining({ problem: 'missing-field' }),
    );
  });

  it.each([
    ['AWS Account : 444455556666', '444455556666'],
    ['AWS Account:444455556666', '444455556666'],
  ])('reads the account from "%s"', (line, accountId) => {
    const text = message(FIELDS).replace('AWS Account 111122223333', line);
    expect(parseBudgetMessage(text).accountId).toBe(accountId);
  });

  it('throws errors named BudgetMessageError (the name logs and metrics carry)', () => {
    expect(() => parseBudgetMessage('')).toThrow(
      expect.objectContaining({ name: 'BudgetMessageError' }),
    );
  });
});
