/**
 * The event AWS Config sends a custom Lambda rule, validated at the edge. `invokingEvent` is a
 * JSON string; for periodic rules its `messageType` is `ScheduledNotification` and it carries
 * `notificationCreationTime`, e.g. `2016-02-24T18:23:20.328Z` (Config developer guide, "Example
 * Events for AWS Config Rules").
 */
import * as z from 'zod/mini';
import '../shared/zod-messages';

export const InvokingEventSchema = z.looseObject({
  messageType: z.string(),
  notificationCreationTime: z.optional(z.string()),
  awsAccountId: z.optional(z.string()),
});

export const ConfigRuleEventSchema = z.looseObject({
  invokingEvent: z.pipe(
    z.pipe(
      z.string(),
      z.transform((text: string, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'is not JSON', input: text });
          return z.NEVER;
        }
      }),
    ),
    InvokingEventSchema,
  ),
  resultToken: z.string().check(z.minLength(1)),
  configRuleName: z.string().check(z.minLength(1)),
  accountId: z.optional(z.string()),
});
export type ConfigRuleEvent = z.infer<typeof ConfigRuleEventSchema>;

/** Raised for an event that is not a Config rule invocation; names every bad field. */
export class InvalidConfigEventError extends Error {
  override readonly name = 'InvalidConfigEventError';
}

export function parseConfigRuleEvent(raw: unknown): ConfigRuleEvent {
  const result = ConfigRuleEventSchema.safeParse(raw);
  if (!result.success)
    throw new InvalidConfigEventError(
      `Not an AWS Config rule event: ${result.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
      { cause: result.error },
    );
  return result.data;
}
