import { afterEach, describe, expect, it } from 'vitest';
import { PagerDutyStandin } from '../../../bench/standin/pagerduty';
import {
  capEvent,
  MAX_EVENT_BYTES,
  type PagerDutyEvent,
  PagerDutyRejectedError,
  PagerDutyUnavailableError,
  routingKeyFromSecret,
  sendEvent,
  toPagerDutyEvent,
} from '../../../lambdas/paging/pagerduty';
import { route } from '../../../lambdas/paging/route';
import { examplePolicy } from '../../helpers/app';
import { alarm } from '../../helpers/paging';

const ROUTING_KEY = 'R0UT1NGKEYSECRET0123456789abcdef';

function captureLogger() {
  const lines: string[] = [];
  const log = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    lines.push(JSON.stringify({ level, message, ...extra }));
  return { lines, logger: { warn: log('warn'), error: log('error'), info: log('info') } };
}

const event: PagerDutyEvent = toPagerDutyEvent(
  route(alarm('churn-prediction-drift'), examplePolicy(), new Date('2026-11-26T17:00:00Z')),
  ROUTING_KEY,
);
const fast = { baseDelayMs: 5, maxDelayMs: 20 };

describe('sendEvent against a real HTTP server on 127.0.0.1', () => {
  let server: PagerDutyStandin | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('sends the trigger once and returns on 202', async () => {
    // Prepare
    server = new PagerDutyStandin();
    const url = await server.start();
    // Act
    const result = await sendEvent(event, { fetch, url, budgetMs: 5000, ...fast });
    // Assess
    expect(result).toMatchObject({ status: 202, attempts: 1, dedupKey: event.dedup_key });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:churn-prediction-drift',
      payload: { severity: 'error', source: '111122223333/eu-west-1', class: 'model-drift' },
    });
  });

  it('does not retry a 400 and logs PagerDuty errors without the routing key', async () => {
    server = new PagerDutyStandin({
      reply: () => ({
        status: 400,
        body: {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: ["Length of 'dedup_key' is too long"],
        },
      }),
    });
    const url = await server.start();
    const { lines, logger } = captureLogger();
    const err = await sendEvent(event, { fetch, url, budgetMs: 5000, logger, ...fast }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PagerDutyRejectedError);
    expect((err as PagerDutyRejectedError).errors).toEqual(["Length of 'dedup_key' is too long"]);
    expect(server.received).toHaveLength(1);
    expect(lines.join('\n')).toContain("Length of 'dedup_key' is too long");
    expect(`${lines.join('\n')} ${(err as Error).message}`).not.toContain(ROUTING_KEY);
  });

  it('retries a 429 and succeeds on the next 202', async () => {
    server = new PagerDutyStandin({
      reply: (_e, n) =>
        n === 1 ? { status: 429, body: { status: 'throttle', message: 'slow down' } } : undefined,
    });
    const url = await server.start();
    const result = await sendEvent(event, { fetch, url, budgetMs: 5000, ...fast });
    expect(result).toMatchObject({ status: 202, attempts: 2 });
    expect(server.received).toHaveLength(2);
  });

  it('gives up on 5xx when the time budget is spent, without the routing key in logs or error', async () => {
    // Prepare
    server = new PagerDutyStandin({
      reply: () => ({ status: 503, body: { message: 'unavailable' } }),
    });
    const url = await server.start();
    const { lines, logger } = captureLogger();
    // Act
    const started = Date.now();
    const err = await sendEvent(event, { fetch, url, budgetMs: 400, logger, ...fast }).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(err).toBeInstanceOf(PagerDutyUnavailableError);
    expect((err as PagerDutyUnavailableError).attempts).toBeGreaterThan(2);
    expect((err as Error).message).toContain('HTTP 503');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.received.length).toBe((err as PagerDutyUnavailableError).attempts);
    expect(`${lines.join('\n')} ${(err as Error).message}`).not.toContain(ROUTING_KEY);
  });

  it('retries network errors (connection refused) until the budget is spent', async () => {
    server = new PagerDutyStandin();
    const url = await server.start();
    await server.stop();
    const err = await sendEvent(event, { fetch, url, budgetMs: 200, ...fast }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PagerDutyUnavailableError);
    expect((err as Error).message).toContain('network error');
  });

  it('backs off exponentially with full jitter, capped', async () => {
    server = new PagerDutyStandin({ reply: () => ({ status: 500 }) });
    const url = await server.start();
    const slept: number[] = [];
    let clock = 0;
    await sendEvent(event, {
      fetch,
      url,
      budgetMs: 10_000,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.999,
      now: () => clock,
      sleep: async (ms) => {
        slept.push(Math.floor(ms));
        clock += ms;
      },
    }).catch(() => undefined);
    expect(slept.slice(0, 6)).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe('toPagerDutyEvent', () => {
  it('sends only routing key, action and dedup key for a resolve', () => {
    const d = route(
      { ...alarm('churn-prediction-drift'), state: 'OK' },
      examplePolicy(),
      new Date(),
    );
    expect(toPagerDutyEvent(d, ROUTING_KEY)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: d.dedupKey,
    });
  });

  it('links the console and the runbook on a trigger, within 512 KB', () => {
    const e = toPagerDutyEvent(
      route(
        alarm('churn-prediction-drift', { reason: 'x'.repeat(100_000) }),
        examplePolicy(),
        new Date(),
      ),
      ROUTING_KEY,
    );
    expect(e.links?.map((l) => l.text)).toEqual(['CloudWatch alarm', 'Runbook']);
    expect(JSON.stringify(e).length).toBeLessThan(512 * 1024);
  });
});

describe('routingKeyFromSecret', () => {
  it.each([
    [ROUTING_KEY, ROUTING_KEY],
    [`  ${ROUTING_KEY}\n`, ROUTING_KEY],
    [JSON.stringify({ routingKey: ROUTING_KEY }), ROUTING_KEY],
    [JSON.stringify({ routing_key: ROUTING_KEY }), ROUTING_KEY],
  ])('reads %j', (value, expected) => {
    expect(routingKeyFromSecret(value, 's')).toBe(expected);
  });

  it('rejects a value that is not a key without quoting it', () => {
    expect(() => routingKeyFromSecret('not a key!', 'ml-guardrails/pagerduty/x')).toThrow(
      /secret ml-guardrails\/pagerduty\/x does not hold a PagerDuty routing key/,
    );
    expect(() => routingKeyFromSecret('not a key!', 's')).not.toThrow(/not a key!/);
  });
});

describe('capEvent: a size cap on every PagerDuty payload', () => {
  it('cuts oversized custom details to the routing facts, under MAX_EVENT_BYTES', () => {
    // Prepare: custom details far over the cap (a hostile or runaway alarm)
    const e = toPagerDutyEvent(
      route(alarm('churn-prediction-drift'), examplePolicy(), new Date('2026-11-26T17:00:00Z')),
      ROUTING_KEY,
    );
    const huge = {
      ...e,
      payload: {
        ...(e.payload as NonNullable<PagerDutyEvent['payload']>),
        custom_details: { ...e.payload?.custom_details, blob: 'x'.repeat(200_000) },
      },
    };
    // Act
    const capped = capEvent(huge);
    // Assess
    expect(Buffer.byteLength(JSON.stringify(capped))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(capped.payload?.custom_details).toMatchObject({
      incidentType: 'model-drift',
      team: 'data-science',
      truncated: expect.stringContaining('were cut'),
    });
    expect(capped.payload?.summary).toBe(e.payload?.summary);
  });

  it('leaves an event under the cap unchanged', () => {
    const e = toPagerDutyEvent(
      route(alarm('churn-prediction-drift'), examplePolicy(), new Date('2026-11-26T17:00:00Z')),
      ROUTING_KEY,
    );
    expect(capEvent(e)).toBe(e);
  });
});
