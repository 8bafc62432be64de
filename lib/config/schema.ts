/**
 * The guardrails policy: one zod schema shared by the CDK app, the Lambdas and the CLI.
 *
 * Objects are strict, so a misspelt key is an error rather than a silently ignored setting.
 * Checks that a schema cannot express (cross references, AWS limits) live in `semantics.ts`.
 */
import { z } from 'zod';

import {
  AUTO_STOP_MODES,
  CLASSIC_ENDPOINT_ACTIONS,
  DEFAULT_NAME_PREFIX,
  PAGERDUTY_EVENTS_URLS,
  RESOURCE_KINDS,
  WEEKDAYS,
} from './constants';

// The value lists live in constants.ts, free of zod, so a Lambda importing one does not bundle
// the schema; the types stay importable from here.
export type { AutoStopMode, PagerDutySeverity, ResourceKind, Weekday } from './constants';

/** Lower-case kebab id: usable in budget names, tag values, stack and construct ids. */
const Id = z.string().regex(/^[a-z][a-z0-9-]{0,62}[a-z0-9]$/, {
  message: 'must be 2-64 characters of a-z, 0-9 and "-", starting with a letter',
});

const Email = z.email({ message: 'is not a valid email address' });
const Percent = z.number().gt(0);
const HHMM = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'must be a time as HH:MM (00:00-24:00)' });
const Url = z.url({ message: 'must be a URL' });
/** An AWS Region code such as `us-east-1` or `eu-central-2` (commercial, GovCloud, China). */
const Region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, {
  message: 'must be an AWS Region code such as us-east-1',
});
/** Regions a project's SageMaker work may run in; auto-stop, restore and the tag audit act in each. */
const Regions = z
  .array(Region)
  .min(1)
  .refine((r) => new Set(r).size === r.length, { message: 'lists a region twice' });

/** A required tag, optionally restricted to allowed values (AWS Config REQUIRED_TAGS). */
export const RequiredTagSchema = z.strictObject({
  key: z.string(),
  allowedValues: z.array(z.string()).min(1).optional(),
  description: z.string().optional(),
});
export type RequiredTag = z.infer<typeof RequiredTagSchema>;

export const AlertThresholdsSchema = z.strictObject({
  /** Percentages of the monthly budget that notify finance and owners on ACTUAL spend. */
  actualPct: z.array(Percent).default([50, 80]),
  /** Percentages of the monthly budget that notify finance and owners on FORECASTED spend. */
  forecastedPct: z.array(Percent).default([100]),
});

export const EndpointPolicySchema = z.strictObject({
  /** Classic instance-based variants cannot go to 0: list them (`report-only`) or delete and keep config (`park`). */
  classic: z.enum(CLASSIC_ENDPOINT_ACTIONS).default('report-only'),
  /** When parked and scaled-down endpoints come back: when asked (`on-request`) or on the first day of the next budget period (`next-period`). @default on-request */
  restore: z.enum(['on-request', 'next-period']).optional(),
});

/**
 * A reviewed exemption from auto-stop: a resource is exempt only when its exemption tag's value is
 * the id of an approval listed here that has not expired, so setting a tag alone (anyone with
 * `sagemaker:AddTags` can) never opts work out of the guardrail.
 */
export const ExemptionApprovalSchema = z.strictObject({
  /** The value the exemption tag must carry, e.g. `EXC-2026-014`. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,127}$/, {
    message: 'must be 1-128 characters usable in a tag value (letters, digits, _ . : / = + @ -)',
  }),
  /** Last day (UTC) the exemption holds, as YYYY-MM-DD. */
  expires: z.iso.date({ message: 'must be a date as YYYY-MM-DD' }),
  /** Why the work may run past the threshold. */
  reason: z.string().min(1),
  /** Who approved it (a person or a ticket). */
  approvedBy: z.string().min(1),
});
export type ExemptionApproval = z.infer<typeof ExemptionApprovalSchema>;

/** Auto-stop settings; every key optional here so a project can override just one of them. */
export const AutoStopOverrideSchema = z.strictObject({
  thresholdPct: Percent.optional(),
  mode: z.enum(AUTO_STOP_MODES).optional(),
  resourceKinds: z.array(z.enum(RESOURCE_KINDS)).min(1).optional(),
  exemptionTag: z.string().optional(),
  verifySpend: z.boolean().optional(),
  endpoints: EndpointPolicySchema.partial().optional(),
  /** Approved exemptions for this project, added to `defaults.autoStop.exemptions`. */
  exemptions: z.array(ExemptionApprovalSchema).optional(),
});

/**
 * The period guard (auto-stop holds after the threshold until the budget period ends): how often
 * the sweep looks for work the state-change events missed, and when the daily digest goes out.
 */
export const AutoStopGuardSchema = z.strictObject({
  /** Minutes between sweeps of every held project. @default 60 */
  sweepMinutes: z.number().int().min(5).max(1440).default(60),
  /** Hour of the day (UTC) the digest of the previous day's late stops is sent. @default 7 */
  digestHourUtc: z.number().int().min(0).max(23).default(7),
});
export type AutoStopGuardSettings = z.infer<typeof AutoStopGuardSchema>;

export const AutoStopDefaultsSchema = z.strictObject({
  thresholdPct: Percent.default(95),
  mode: z.enum(AUTO_STOP_MODES).default('enforce'),
  resourceKinds: z
    .array(z.enum(RESOURCE_KINDS))
    .min(1)
    .default([...RESOURCE_KINDS]),
  exemptionTag: z.string().default('ml-guardrails:exempt'),
  /** Re-read the budget (DescribeBudget) before acting, so a forged message stops nothing. */
  verifySpend: z.boolean().default(true),
  endpoints: EndpointPolicySchema.default({ classic: 'report-only' }),
  /** Approved exemptions every project honours. */
  exemptions: z.array(ExemptionApprovalSchema).default([]),
  /** The period guard's sweep and digest schedule (deployment-wide; `defaults` only). */
  guard: AutoStopGuardSchema.optional(),
});
export type AutoStopSettings = z.infer<typeof AutoStopDefaultsSchema>;

export const ModelSchema = z.strictObject({
  /** Model name as used in the ModelName tag and in alarms (e.g. `fraud_detection`). */
  name: z.string().min(1),
  /** Endpoint names (globs with `*`) that serve this model; used to map alarms to models. */
  endpoints: z.array(z.string().min(1)).default([]),
  /** Monthly serving SLA used by the Production Readiness Review. */
  sla: z
    .strictObject({
      p99LatencyMs: z.number().positive().optional(),
      availabilityPct: z.number().gt(0).max(100).optional(),
    })
    .optional(),
});
export type Model = z.infer<typeof ModelSchema>;

export const ProjectSchema = z.strictObject({
  id: Id,
  name: z.string().min(1).optional(),
  /** Id of the owning team (see `teams`). */
  team: z.string(),
  costCenter: z.string().min(1),
  models: z.array(ModelSchema).default([]),
  monthlyBudgetUsd: z.number().gt(0),
  financeEmails: z.array(Email).default([]),
  ownerEmails: z.array(Email).min(1, { message: 'must list at least one owner' }),
  alerts: AlertThresholdsSchema.partial().optional(),
  autoStop: AutoStopOverrideSchema.optional(),
  /** Regions this project's SageMaker work may run in. @default - defaults.regions, else the deployment's region */
  regions: Regions.optional(),
});
export type ProjectInput = z.infer<typeof ProjectSchema>;

export const CoverageWindowSchema = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1),
  /** Local start time; a window whose end is before its start runs overnight. */
  start: HHMM,
  end: HHMM,
});
export type CoverageWindow = z.infer<typeof CoverageWindowSchema>;

export const EscalationLevelSchema = z.strictObject({
  /** Minutes after the page at which this level is notified (level 1 is 0). */
  afterMinutes: z.number().int().min(0),
  notify: z.string().min(1),
});

export const TeamSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  email: Email.optional(),
  /** Id of the PagerDuty service (see `pagerduty.services`) that pages this team. */
  pagerdutyService: z.string().optional(),
  onCall: z.strictObject({
    /** `24x7` or `business-hours` (then `windows` define coverage). */
    coverage: z.enum(['24x7', 'business-hours']),
    timeZone: z.string().optional(),
    windows: z.array(CoverageWindowSchema).default([]),
    /** Outside coverage: page at low urgency (`best-effort`), or hold until the window opens (`hold`). */
    afterHours: z.enum(['best-effort', 'hold']).default('best-effort'),
    responseMinutes: z.number().int().positive(),
    escalation: z.array(EscalationLevelSchema).default([]),
    /**
     * What this team's on-call answers for (e.g. `inference-logic`, `cluster-control-plane`);
     * an alarm rule naming a responsibility pages the team that lists it.
     */
    responsibilities: z.array(Id).default([]),
  }),
});
export type Team = z.infer<typeof TeamSchema>;

/** Activity RACI: Owns is the single Accountable owner. */
export const ACTIVITY_ASSIGNMENTS = ['owns', 'supports', 'informed'] as const;
/** Incident RACI: exactly one A(ccountable) per incident type. */
export const INCIDENT_ASSIGNMENTS = ['A', 'C', 'I'] as const;

export const RaciGroupSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  team: z.string(),
});

/** A short note per column of a RACI row (what that group or role does), e.g. `Fix it`. */
const RaciNotes = z.record(z.string(), z.string().min(1).max(80)).optional();

export const ActivitySchema = z.strictObject({
  name: z.string().min(1),
  assignments: z.record(z.string(), z.enum(ACTIVITY_ASSIGNMENTS)),
  notes: RaciNotes,
});

export const IncidentTypeSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  description: z.string().optional(),
  assignments: z.record(z.string(), z.enum(INCIDENT_ASSIGNMENTS)),
  notes: RaciNotes,
  /** Severity inside the paged team's coverage window. */
  severity: z.enum(['critical', 'error']).default('error'),
  /** What an OK state change does. */
  onOk: z.enum(['resolve', 'ignore']).default('resolve'),
  /** What INSUFFICIENT_DATA does: nothing (logged) or a page like ALARM. */
  onInsufficientData: z.enum(['ignore', 'trigger']).default('ignore'),
  runbook: Url.optional(),
});
export type IncidentType = z.infer<typeof IncidentTypeSchema>;

export const RaciSchema = z.strictObject({
  /** Columns of the activity matrix (e.g. Data Science, ML Engineering, Platform). */
  groups: z.array(RaciGroupSchema).min(1),
  activities: z.array(ActivitySchema).min(1),
  /** Columns of the incident matrix (e.g. Data Scientist, ML Engineer, Platform Engineer, Product Manager). */
  roles: z.array(
    z.strictObject({
      id: Id,
      name: z.string().min(1),
      /** Team paged when this role is Accountable; omit for roles that are never paged. */
      team: z.string().optional(),
    }),
  ),
  incidentTypes: z.array(IncidentTypeSchema).min(1),
});

/** The chapter's five human contracts (its summary checklist). */
export const CONTRACT_KINDS = [
  'ownership',
  'production-readiness',
  'incident-response',
  'cost-attribution',
  'deprecation',
] as const;
export const REVIEW_CADENCES = ['monthly', 'quarterly', 'per-deployment', 'per-release'] as const;

export const ContractsSchema = z.strictObject({
  /**
   * `A` (you build it, you run it), `B` (the handover: a signed PRR is mandatory) or `hybrid`
   * (the ownership matrix decides each activity).
   */
  operatingModel: z.enum(['A', 'B', 'hybrid']).default('hybrid'),
  /** Each contract's document, owner, review cadence and last review. */
  reviews: z
    .array(
      z.strictObject({
        contract: z.enum(CONTRACT_KINDS),
        document: z.string().min(1),
        owner: z.string().min(1),
        cadence: z.enum(REVIEW_CADENCES),
        lastReviewed: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' })
          .optional(),
      }),
    )
    .default([]),
});

export const AlarmRuleSchema = z.strictObject({
  /** Incident type id that matching alarms become. */
  incidentType: z.string(),
  /** On-call responsibility the alarm falls under; the team listing it is paged. @default - the Accountable role's team */
  responsibility: z.string().optional(),
  /** All given conditions must hold; patterns are globs with `*`. */
  match: z
    .strictObject({
      alarmName: z.string().optional(),
      namespace: z.string().optional(),
      metricName: z.string().optional(),
      dimensions: z.record(z.string(), z.string()).optional(),
    })
    .refine((m) => Object.keys(m).length > 0, { message: 'must have at least one condition' }),
});
export type AlarmRule = z.infer<typeof AlarmRuleSchema>;

export const PagingSchema = z.strictObject({
  /** PagerDuty's Events API v2 endpoint: the US or the EU service region (HTTPS only). */
  eventsApiUrl: z
    .enum(PAGERDUTY_EVENTS_URLS, {
      message: `must be one of PagerDuty's Events API endpoints: ${PAGERDUTY_EVENTS_URLS.join(', ')}`,
    })
    .default('https://events.pagerduty.com/v2/enqueue'),
  /** Alarms no rule classifies: not paged (`ignore`), paged at low urgency, or paged (`page`). */
  unclassified: z.enum(['ignore', 'low-urgency', 'page']).default('ignore'),
  /** Events per minute PagerDuty accepts per routing key; held retries are paced to it. */
  eventsPerMinutePerKey: z.number().int().min(1).max(10_000).default(120),
  /** Triggers per team and minute; beyond it one summary page replaces the rest. 0 = no limit. */
  pagesPerTeamPerMinute: z.number().int().min(0).default(60),
  /** Channel for the guardrails' own failure alarms that does not depend on the router. */
  outOfBand: z
    .strictObject({
      /** Emails subscribed to it. @default - the platform team's email */
      emails: z.array(Email).default([]),
    })
    .prefault({}),
  /** A scheduled change event to the platform team's service; an alarm fires when it stops arriving. */
  heartbeat: z
    .strictObject({
      enabled: z.boolean().default(true),
      everyMinutes: z.number().int().min(5).max(1440).default(60),
    })
    .prefault({}),
  services: z
    .array(
      z.strictObject({
        id: Id,
        name: z.string().min(1),
        /** Name of the Secrets Manager secret that holds the routing key (never the key itself). */
        routingKeySecret: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, {
          message: 'must be a Secrets Manager secret name',
        }),
      }),
    )
    .min(1),
  revenueCritical: z
    .strictObject({
      /** Model names paged 24x7 by `team`, whoever is Accountable. */
      models: z.array(z.string().min(1)).default([]),
      team: z.string(),
    })
    .optional(),
  /** First matching rule wins. */
  alarmRules: z.array(AlarmRuleSchema).default([]),
  /** Incident type for alarms no rule matches (omit: `unclassified` decides). */
  defaultIncidentType: z.string().optional(),
  /** Team that owns the guardrails themselves and receives unclassified alarms. */
  platformTeam: z.string(),
  /** Route every alarm state change in the account through an EventBridge rule (besides the alarms topic). */
  eventBridge: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Alarms whose name starts with this are not routed (target-tracking alarms flap by design). */
      excludeAlarmNamePrefix: z.string().min(1).default('TargetTracking-'),
    })
    .prefault({}),
});

export const TagComplianceSchema = z.strictObject({
  /** Create a Config recorder and delivery channel (most accounts already have one). */
  createConfigRecorder: z.boolean().default(false),
  /** How often the custom rule evaluates what Config does not record. */
  auditFrequency: z
    .enum(['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'])
    .default('TwentyFour_Hours'),
  /**
   * Audit only jobs created in the last N days (SageMaker `CreationTimeAfter`); older jobs become
   * NOT_APPLICABLE. Omit to audit every job SageMaker lists. Endpoints are always audited.
   */
  jobLookbackDays: z.number().int().positive().optional(),
  /** The bucket for model artifacts that refuses uploads without the cost tags. */
  modelArtifactBucket: z
    .strictObject({
      /** Create the bucket in the tag-compliance stack. */
      create: z.boolean().default(true),
      /** Object tags every `s3:PutObject` must carry (`x-amz-tagging`). */
      requiredObjectTags: z.array(z.string().min(1)).min(1).default(['CostCenter', 'Project']),
      /** Days before noncurrent object versions expire. */
      noncurrentVersionExpirationDays: z.number().int().positive().default(90),
    })
    .prefault({}),
});

/**
 * What a budget counts. AWS defaults every field to true except the amortized/blended ones, so
 * credits and refunds lower the measured spend; these defaults measure gross spend instead.
 */
export const BudgetCostTypesSchema = z.strictObject({
  includeCredit: z.boolean().default(false),
  includeRefund: z.boolean().default(false),
  includeDiscount: z.boolean().default(true),
  includeOtherSubscription: z.boolean().default(true),
  includeRecurring: z.boolean().default(true),
  includeSubscription: z.boolean().default(true),
  includeSupport: z.boolean().default(true),
  includeTax: z.boolean().default(true),
  includeUpfront: z.boolean().default(true),
  useAmortized: z.boolean().default(false),
  useBlended: z.boolean().default(false),
});

export const OrganisationSchema = z.strictObject({
  name: z.string().min(1),
  /** Cost-allocation tag whose value is the project id. */
  projectTagKey: z.string().default('Project'),
  requiredTags: z.array(RequiredTagSchema).min(1),
  /** Tags on every resource this app creates; must cover the required tags. */
  tags: z.record(z.string(), z.string()),
  /** IANA time zone for teams that do not set one. */
  defaultTimeZone: z.string().default('UTC'),
  /**
   * Prefix of every physical name this deployment sets (topics, queues, rules, alarms, dashboard,
   * stack names, and budgets unless `budgetNamePrefix` is set), so two deployments (prod,
   * staging) live side by side in one account.
   */
  namePrefix: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, {
      message: 'must be 2-24 characters of a-z, 0-9 and "-", starting with a letter',
    })
    .default(DEFAULT_NAME_PREFIX),
  /**
   * Budget name = prefix + project id, so a notification maps back to its project.
   * @default "ml-" with the default namePrefix, else "<namePrefix>-"
   */
  budgetNamePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{0,30}$/, { message: 'must be up to 30 of A-Z a-z 0-9 _ . -' })
    .optional(),
  /**
   * Region whose deployment holds the budget stacks. Budgets are account-global: with several
   * regional deployments, only this region's creates them. @default - the deployment's region
   */
  budgetRegion: Region.optional(),
  /** What every budget counts (AWS::Budgets::Budget CostTypes); credits and refunds excluded by default. */
  budgetCostTypes: BudgetCostTypesSchema.prefault({}),
  /**
   * Number of budget stacks; a project's stack is a hash of its id, so never change this after
   * the first deploy (it would move budgets between stacks).
   */
  budgetStacks: z.number().int().min(1).max(100).default(8),
});

export const GuardrailsPolicySchema = z.strictObject({
  version: z.literal(1, { message: 'must be 1' }),
  organisation: OrganisationSchema,
  defaults: z
    .strictObject({
      alerts: AlertThresholdsSchema.default({ actualPct: [50, 80], forecastedPct: [100] }),
      autoStop: AutoStopDefaultsSchema.default({
        thresholdPct: 95,
        mode: 'enforce',
        resourceKinds: [...RESOURCE_KINDS],
        exemptionTag: 'ml-guardrails:exempt',
        verifySpend: true,
        endpoints: { classic: 'report-only' },
        exemptions: [],
      }),
      /** Regions every project's SageMaker work may run in. @default - the deployment's region */
      regions: Regions.optional(),
    })
    .prefault({}),
  projects: z.array(ProjectSchema).min(1, { message: 'must list at least one project' }),
  teams: z.array(TeamSchema).min(1),
  raci: RaciSchema,
  contracts: ContractsSchema.prefault({}),
  paging: PagingSchema,
  tagCompliance: TagComplianceSchema.prefault({}),
});
/** The policy as validated, before per-project defaults are merged. */
export type GuardrailsPolicyInput = z.infer<typeof GuardrailsPolicySchema>;

/** A project with organisation defaults merged in: what every consumer works with. */
export interface Project extends Omit<ProjectInput, 'alerts' | 'autoStop' | 'regions'> {
  readonly name: string;
  /** Regions the project's SageMaker work may run in; empty = the deployment's region (see `projectRegions`). */
  readonly regions: readonly string[];
  readonly budgetName: string;
  readonly alerts: { readonly actualPct: number[]; readonly forecastedPct: number[] };
  readonly autoStop: AutoStopSettings;
}

/** The validated, resolved policy. */
export interface GuardrailsPolicy extends Omit<GuardrailsPolicyInput, 'projects'> {
  readonly projects: Project[];
}
