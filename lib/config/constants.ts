/**
 * The policy's fixed value lists, without zod: Lambdas import these at run time, and the schema
 * (schema.ts builds its enums from them) would otherwise come along with its validator.
 */

/** Resource kinds that auto-stop knows how to act on. */
export const RESOURCE_KINDS = [
  'training-job',
  'processing-job',
  'transform-job',
  'hyperparameter-tuning-job',
  'notebook-instance',
  'endpoint',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const AUTO_STOP_MODES = ['enforce', 'dry-run', 'off'] as const;
export type AutoStopMode = (typeof AUTO_STOP_MODES)[number];

/** What auto-stop does with a classic (instance-based) endpoint variant, which cannot scale to 0. */
export const CLASSIC_ENDPOINT_ACTIONS = ['report-only', 'park'] as const;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** PagerDuty Events API v2 severities (exact strings the API accepts). */
export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[number];

/** PagerDuty's Events API v2 enqueue endpoints (US and EU service regions). */
export const PAGERDUTY_EVENTS_URLS = [
  'https://events.pagerduty.com/v2/enqueue',
  'https://events.eu.pagerduty.com/v2/enqueue',
] as const;

/** Default `organisation.namePrefix`: the physical names of a deployment made before it existed. */
export const DEFAULT_NAME_PREFIX = 'ml-guardrails';
