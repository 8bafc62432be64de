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
