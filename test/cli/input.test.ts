import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../lib/cli/command';
import { alarmEventOf, budgetMessageOf, detectInput, readPastedInput } from '../../lib/cli/input';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';
import { runCli } from '../helpers/cli';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const BUDGET_TEXT = readFileSync(path.join(FIXTURES, 'auto-stop', 'below-threshold.txt'), 'utf8');
const ALARM_EVENT = JSON.parse(
  readFileSync(path.join(FIXTURES, 'paging', 'sns-single-metric-alarm.json'), 'utf8'),
);
/** The SNS notification JSON: what an SQS queue or an HTTP(S) subscriber receives. */
const ALARM_NOTIFICATION = ALARM_EVENT.Records[0].Sns;
const ALARM_MESSAGE = ALARM_NOTIFICATION.Message as string;

/** The Lambda event the SNS trigger delivers, around any message. */
function lambdaEvent(...messages: string[]): string {
  return JSON.stringify({
    Records: messages.map((Message) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      Sns: { Type: 'Notification', MessageId: 'm-1', Message },
    })),
  });
}
const snsNotification = (Message: string) =>
  JSON.stringify({ Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:t', Message });

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'input-')), name);
  writeFileSync(file, text);
  return file;
}

describe('detectInput (what people paste)', () => {
  it.each([
    ['the raw Budgets text', BUDGET_TEXT, 'text', [BUDGET_TEXT]],
    ['an SNS notification', snsNotification(BUDGET_TEXT), 'sns-notification', [BUDGET_TEXT]],
    ['a Lambda SNS event', lambdaEvent(BUDGET_TEXT), 'lambda-sns-event', [BUDGET_TEXT]],
    ['a Lambda event of two records', lambdaEvent('a', 'b'), 'lambda-sns-event', ['a', 'b']],
    ['a bare alarm message', ALARM_MESSAGE, 'json', [ALARM_MESSAGE.trim()]],
  ])('recognises %s', (_name, text, shape, messages) => {
    const input = detectInput(text, '--x f');
    expect(input.shape).toBe(shape);
    expect(input.messages).toEqual(messages);
  });

  it.each([
    ['empty input', '  \n', '--x f is empty'],
    ['broken JSON', '{"Records": [', '--x f starts like JSON but is not valid JSON'],
  ])('rejects %s', (_name, text, message) => {
    expect(() => detectInput(text, '--x f')).toThrow(CliError);
    expect(() => detectInput(text, '--x f')).toThrow(message);
  });

  it('reads standard input for "-" and names a missing file with the fix', () => {
    expect(readPastedInput('-', '--message', () => BUDGET_TEXT).shape).toBe('text');
    expect(() => readPastedInput('/nonexistent/m.txt', '--message')).toThrow(
      'cannot read --message /nonexistent/m.txt: file not found (check the path, or pass - for standard input)',
    );
  });
});

describe('budgetMessageOf / alarmEventOf', () => {
  it('finds the Budgets text in every accepted shape', () => {
    for (const text of [BUDGET_TEXT, snsNotification(BUDGET_TEXT), lambdaEvent(BUDGET_TEXT)])
      expect(budgetMessageOf(detectInput(text, 'm'), 'm')).toBe(BUDGET_TEXT);
  });

  it('refuses JSON that carries no Budgets message, and several records', () => {
    expect(() => budgetMessageOf(detectInput(ALARM_MESSAGE, 'm'), 'm')).toThrow(
      /is JSON but neither an SNS notification/,
    );
    expect(() => budgetMessageOf(detectInput(lambdaEvent('a', 'b'), 'm'), 'm')).toThrow(
      'm holds 2 SNS records; keep the one to replay',
    );
  });

  it('gives the router the same alarm from the notification, the Lambda event and the message', () => {
    const alarm = JSON.parse(ALARM_MESSAGE);
    expect(alarmEventOf(detectInput(snsNotification(ALARM_MESSAGE), 'e'), 'e')).toEqual(alarm);
    expect(alarmEventOf(detectInput(ALARM_MESSAGE, 'e'), 'e')).toEqual(alarm);
    expect(alarmEventOf(detectInput(JSON.stringify(ALARM_EVENT), 'e'), 'e')).toEqual(ALARM_EVENT);
    expect(() => alarmEventOf(detectInput(BUDGET_TEXT, 'e'), 'e')).toThrow(/e is not JSON/);
  });
});

describe('auto-stop plan --message accepts what people paste', () => {
  it.each([
    ['the raw Budgets text', BUDGET_TEXT],
    ['the SNS notification JSON', snsNotification(BUDGET_TEXT)],
    ['the Lambda event', lambdaEvent(BUDGET_TEXT)],
  ])('replays %s the same way', async (_name, text) => {
    // Prepare: below its threshold, so the run stops before any AWS call.
    const file = tempFile('message', text);
    // Act
    const run = await runCli(
      'auto-stop',
      'plan',
      '--message',
      file,
      '--policy',
      EXAMPLE_POLICY_FILE,
      '--json',
    );
    // Assess
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.notification).toMatchObject({ budgetName: 'ml-fraud-detection', amountUsd: 8100 });
    expect(doc.proceed).toBe(false);
  });

  it.each([
    ['alarm JSON', ALARM_MESSAGE, /is JSON but neither an SNS notification/],
    ['text that is no Budgets notification', 'hello', /Rejected: /],
  ])('fails with exit 1 on %s', async (_name, text, message) => {
    const file = tempFile('message', text);
    const run = await runCli(
      'auto-stop',
      'plan',
      '--message',
      file,
      '--policy',
      EXAMPLE_POLICY_FILE,
    );
    expect(run.code).toBe(1);
    expect(`${run.stdout}\n${run.stderr}`).toMatch(message);
  });
});

describe('paging route --event accepts what people paste', () => {
  it.each([
    ['the Lambda event', JSON.stringify(ALARM_EVENT)],
    ['the SNS notification JSON', JSON.stringify(ALARM_NOTIFICATION)],
    ['the bare alarm message', ALARM_MESSAGE],
  ])('routes %s to the same decision', async (_name, text) => {
    const file = tempFile('event.json', text);
    const run = await runCli(
      'paging',
      'route',
      '--event',
      file,
      '--at',
      '2026-11-28T23:30:05Z',
      '--policy',
      EXAMPLE_POLICY_FILE,
      '--json',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({
        alarmName: 'fraud-detection-prod-model-latency',
        action: 'trigger',
        dedupKey: expect.stringContaining('fraud-detection-prod-model-latency'),
      }),
    ]);
  });

  it('fails with exit 1 on text that is not JSON', async () => {
    const file = tempFile('event.json', BUDGET_TEXT);
    const run = await runCli('paging', 'route', '--event', file, '--policy', EXAMPLE_POLICY_FILE);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^guardrails paging route: --event .* is not JSON: paste the/);
  });

  it.each([
    ['a local time without offset', '2026-11-28T03:00'],
    ['a date only', '2026-11-28'],
    ['seconds without offset', '2026-11-28T03:00:00'],
  ])('refuses --at as %s (exit 2): the answer must not depend on the machine', async (_n, at) => {
    const run = await runCli(
      'paging',
      'route',
      '--event',
      path.join(FIXTURES, 'paging', 'sns-single-metric-alarm.json'),
      '--at',
      at,
      '--policy',
      EXAMPLE_POLICY_FILE,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--at "${at}" is not an ISO 8601 time with an offset or Z`);
  });

  it('takes --at with an offset as the same instant in UTC', async () => {
    const args = (at: string) => [
      'paging',
      'route',
      '--event',
      path.join(FIXTURES, 'paging', 'sns-single-metric-alarm.json'),
      '--at',
      at,
      '--policy',
      EXAMPLE_POLICY_FILE,
      '--json',
    ];
    const utc = await runCli(...args('2026-11-28T03:00:00Z'));
    const offset = await runCli(...args('2026-11-27T22:00:00-05:00'));
    expect(offset.code).toBe(0);
    expect(offset.stdout).toBe(utc.stdout);
  });
});
