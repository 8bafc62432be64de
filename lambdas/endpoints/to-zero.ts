/**
 * Taking SageMaker endpoints to zero cost: re-reads each tagged endpoint, classifies it
 * (serverless, async, inference components, classic) for the pure `planEndpoint`, and acts on a
 * decision, saving first everything needed to bring the endpoint back (see restore.ts).
 *
 * Facts this relies on (cite when changing):
 * - RegisterScalableTarget "changes the resource's current capacity to a value that is inside of
 *   this range" and policies "will not scale capacity to values that are outside of the minimum
 *   and maximum range" (Application Auto Scaling API Reference, RegisterScalableTarget). So
 *   [0, 0] both scales to 0 now and keeps policies from undoing it.
 * - Asynchronous endpoints can scale their instances to zero (SageMaker Developer Guide,
 *   "Autoscale an asynchronous endpoint"); a variant's scalable target is
 *   `endpoint/<endpoint>/variant/<variant>` with dimension `sagemaker:variant:DesiredInstanceCount`
 *   (SageMaker Developer Guide, "Register a model").
 * - Inference components scale to zero copies through the dimension
 *   `sagemaker:inference-component:DesiredCopyCount` (resource id `inference-component/<name>`,
 *   minimum 0) (SageMaker Developer Guide, "Scale an endpoint to zero instances"); without a
 *   scalable target, UpdateInferenceComponentRuntimeConfig takes CopyCount 0 (API Reference,
 *   InferenceComponentRuntimeConfig: "Minimum value of 0").
 * - DeregisterScalableTarget "deletes the scaling policies and the scheduled actions" of the
 *   target (Application Auto Scaling API Reference), so `park` saves the policies first.
 * - An endpoint scales to zero instances only if it hosts inference components and its variant's
 *   `ManagedInstanceScaling.MinInstanceCount` is 0 in the endpoint config (SageMaker Developer
 *   Guide, "Scale an endpoint to zero instances"). The minimum lives in the endpoint config, and
 *   UpdateEndpoint / UpdateEndpointWeightsAndCapacities take no minimum, so auto-stop creates a
 *   copy of the config with the minimum at 0 and points the endpoint at it.
 */
import {
  type ApplicationAutoScalingClient,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointConfigCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  type DescribeEndpointConfigCommandOutput,
  DescribeInferenceComponentCommand,
  ListEndpointsCommand,
  ListInferenceComponentsCommand,
  type SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AutoStopSettings } from '../../lib/config/schema';
import { mapLimit } from '../shared/concurrency';
import { awsErrorName, errorMessage } from '../shared/errors';
import type { RetryOptions } from '../shared/retry';
import {
  deregisterTarget,
  describeScalableTargets,
  describeScalingPolicies,
  describeScheduledActions,
  isNotFound,
  SWAP_WAIT,
  setCopyCount,
  waitForEndpoint,
  withRetry,
} from './aws';
import { minZeroConfigName } from './config-name';
import { runningCost } from './cost';
import { classifyEndpoint, managedScalingOf, planEndpoint } from './plan';
import { saveEndpointState } from './state';
import {
  COPY_COUNT_DIMENSION,
  componentResourceId,
  type DiscoveredEndpoint,
  ENDPOINT_ACTIONS,
  type EndpointActDecision,
  type EndpointAction,
  type EndpointDetails,
  type EndpointOutcome,
  type EndpointResource,
  type EndpointRunContext,
  endpointDetailsOf,
  GUARDRAILS_TARGET_TAG,
  type InferenceComponentInfo,
  type SavedEndpoint,
  type SavedScalableTarget,
  type ScalableTargetInfo,
  type TaggedEndpoint,
  VARIANT_DIMENSION,
  type VariantInfo,
  variantResourceId,
} from './types';

/** SDK clients and settings the endpoint handler needs. */
export interface EndpointClients {
  readonly sagemaker: SageMakerClient;
  readonly autoscaling: ApplicationAutoScalingClient;
  readonly ddb: DynamoDBDocumentClient;
  /** The auto-stop audit table (saved state and audit records). */
  readonly tableName: string;
  /** Endpoints described in parallel during discovery. @default 8 */
  readonly concurrency?: number;
  /** Backoff for throttled calls. @default - see RetryOptions */
  readonly retry?: RetryOptions;
  /** Polling while an endpoint is updated or created. @default SWAP_WAIT (to zero), IN_SERVICE_WAIT (restore) */
  readonly inServiceWait?: RetryOptions;
  /** Restore re-points step-scaling alarms with it. @default - alarms are reported, not changed */
  readonly cloudwatch?: CloudWatchClient;
}

/** Tag keys AWS reserves (`aws:`) cannot be set on CreateEndpoint. */
export function userTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('aws:')));
}

/** The endpoint name from an ARN such as `arn:aws:sagemaker:eu-west-1:111122223333:endpoint/fraud`. */
export function endpointNameFromArn(arn: string): string | undefined {
  const i = arn.indexOf(':endpoint/');
  return i < 0 ? undefined : arn.slice(i + ':endpoint/'.length) || undefined;
}

async function listComponents(
  clients: EndpointClients,
  endpointName: string,
): Promise<InferenceComponentInfo[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(
      () =>
        clients.sagemaker.send(
          new ListInferenceComponentsCommand({
            EndpointNameEquals: endpointName,
            MaxResults: 100,
            NextToken: token,
          }),
        ),
      clients.retry,
    );
    for (const c of page.InferenceComponents ?? [])
      if (c.InferenceComponentName) names.push(c.InferenceComponentName);
    token = page.NextToken;
  } while (token);
  const described = await Promise.all(
    names.map(async (name): Promise<InferenceComponentInfo | undefined> => {
      try {
        const c = await withRetry(
          () =>
            clients.sagemaker.send(
              new DescribeInferenceComponentCommand({ InferenceComponentName: name }),
            ),
          clients.retry,
        );
        return {
          name,
          status: c.InferenceComponentStatus ?? 'Unknown',
          ...(c.VariantName ? { variantName: c.VariantName } : {}),
          desiredCopyCount: c.RuntimeConfig?.DesiredCopyCount ?? 0,
          ...(c.RuntimeConfig?.CurrentCopyCount !== undefined
            ? { currentCopyCount: c.RuntimeConfig.CurrentCopyCount }
            : {}),
        };
      } catch (err) {
        if (isNotFound(err)) return undefined; // deleted between list and describe
        throw err;
      }
    }),
  );
  return described.filter((c): c is InferenceComponentInfo => c !== undefined);
}

function variantsOf(
  endpoint: DescribeEndpointCommandOutput,
  config: DescribeEndpointConfigCommandOutput | undefined,
): VariantInfo[] {
  const live = new Map((endpoint.ProductionVariants ?? []).map((v) => [v.VariantName, v]));
  const configured = config?.ProductionVariants ?? [];
  const names = configured.length ? configured.map((v) => v.VariantName) : [...live.keys()];
  return names
    .filter((n): n is string => typeof n === 'string')
    .map((variantName) => {
      const c = configured.find((v) => v.VariantName === variantName);
      const l = live.get(variantName);
      const serverless = Boolean(c?.ServerlessConfig ?? l?.CurrentServerlessConfig);
      const provisioned =
        c?.ServerlessConfig?.ProvisionedConcurrency ??
        l?.CurrentServerlessConfig?.ProvisionedConcurrency;
      const managed = c?.ManagedInstanceScaling;
      return {
        variantName,
        serverless,
        ...(c?.InstanceType ? { instanceType: c.InstanceType } : {}),
        ...(l?.CurrentInstanceCount !== undefined
          ? { currentInstanceCount: l.CurrentInstanceCount }
          : {}),
        ...((l?.DesiredInstanceCount ?? c?.InitialInstanceCount) !== undefined
          ? { desiredInstanceCount: l?.DesiredInstanceCount ?? c?.InitialInstanceCount }
          : {}),
        ...(provisioned !== undefined ? { provisionedConcurrency: provisioned } : {}),
        ...(managed?.Status === 'ENABLED' ? { managedScalingEnabled: true } : {}),
        ...(managed?.Status === 'ENABLED' && managed.MinInstanceCount !== undefined
          ? { managedMinInstanceCount: managed.MinInstanceCount }
          : {}),
        ...(c?.ModelName ? { modelName: c.ModelName } : {}),
      };
    });
}

type Described = {
  tagged: TaggedEndpoint;
  details: Omit<EndpointDetails, 'scalableTargets'>;
  arn: string;
  status: string;
};

async function describeEndpoint(
  clients: EndpointClients,
  tagged: TaggedEndpoint,
  knownName?: string,
): Promise<Described | undefined> {
  const name = knownName ?? endpointNameFromArn(tagged.arn);
  if (!name) return undefined;
  let endpoint: DescribeEndpointCommandOutput;
  try {
    endpoint = await withRetry(
      () => clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name })),
      clients.retry,
    );
  } catch (err) {
    // The tagging API can still list endpoints deleted recently (Resource Groups Tagging API
    // Reference, GetResources): drop them.
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const endpointName = endpoint.EndpointName ?? name;
  const configName = endpoint.EndpointConfigName ?? '';
  let config: DescribeEndpointConfigCommandOutput | undefined;
  try {
    config = configName
      ? await withRetry(
          () =>
            clients.sagemaker.send(
              new DescribeEndpointConfigCommand({ EndpointConfigName: configName }),
            ),
          clients.retry,
        )
      : undefined;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const variants = variantsOf(endpoint, config);
  const isAsync = Boolean(config?.AsyncInferenceConfig ?? endpoint.AsyncInferenceConfig);
  const allServerless = variants.length > 0 && variants.every((v) => v.serverless);
  // A config whose every instance variant names a model hosts no inference components (a
  // component-based config leaves ModelName out); without the config we cannot tell, so we look.
  const mayHostComponents =
    config === undefined || variants.some((v) => !v.serverless && v.modelName === undefined);
  const components =
    !isAsync && !allServerless && mayHostComponents
      ? await listComponents(clients, endpointName)
      : [];
  const endpointKind = classifyEndpoint({
    async: isAsync,
    variants: variants.map((v) => ({
      serverless: v.serverless,
      // Without the config we cannot tell; assume a model (classic) rather than guess components.
      hasModel: config ? v.modelName !== undefined : true,
    })),
    componentCount: components.length,
  });
  return {
    tagged,
    arn: endpoint.EndpointArn ?? tagged.arn,
    status: endpoint.EndpointStatus ?? 'Unknown',
    details: {
      endpointKind,
      endpointName,
      endpointConfigName: configName,
      configExists: config !== undefined,
      ...(endpoint.FailureReason ? { failureReason: endpoint.FailureReason } : {}),
      ...(endpoint.CreationTime
        ? { createdAt: new Date(endpoint.CreationTime).toISOString() }
        : {}),
      variants,
      inferenceComponents: components,
    },
  };
}

/** Every endpoint of the account by lower-cased ARN, read to the last page. */
async function endpointNamesByArn(clients: EndpointClients): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await withRetry(
      () => clients.sagemaker.send(new ListEndpointsCommand({ MaxResults: 100, NextToken: token })),
      clients.retry,
    );
    for (const e of page.Endpoints ?? [])
      if (e.EndpointArn && e.EndpointName) names.set(e.EndpointArn.toLowerCase(), e.EndpointName);
    token = page.NextToken;
  } while (token);
  return names;
}

/** One unreadable endpoint must not hide the others: it becomes a resource the plan skips. */
async function describeOrReport(
  clients: EndpointClients,
  tagged: TaggedEndpoint,
  knownName?: string,
): Promise<Described | undefined> {
  try {
    return await describeEndpoint(clients, tagged, knownName);
  } catch (err) {
    const name = endpointNameFromArn(tagged.arn) ?? tagged.arn;
    return {
      tagged,
      arn: tagged.arn,
      status: 'Unknown',
      details: {
        endpointKind: 'classic',
        endpointName: name,
        endpointConfigName: '',
        configExists: false,
        readError: `${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}`,
        variants: [],
        inferenceComponents: [],
      },
    };
  }
}

function scalableResourceIds(d: Described['details']): string[] {
  if (d.endpointKind === 'serverless' || d.readError) return [];
  return [
    ...d.variants.map((v) => variantResourceId(d.endpointName, v.variantName)),
    ...d.inferenceComponents.map((c) => componentResourceId(c.name)),
  ];
}

/** Re-read the tagged endpoints; endpoints that no longer exist are dropped. */
export async function discoverEndpoints(
  clients: EndpointClients,
  tagged: readonly TaggedEndpoint[],
  ctx?: Pick<EndpointRunContext, 'now'>,
): Promise<DiscoveredEndpoint[]> {
  const endpoints = tagged.filter((t) => endpointNameFromArn(t.arn) !== undefined);
  const first = await mapLimit(endpoints, clients.concurrency ?? 8, (t) =>
    describeOrReport(clients, t),
  );
  // SageMaker ARNs carry the name in lower case (public reports: boto3 #4606,
  // yet-another-cloudwatch-exporter #1178), so "not found" may only mean the real name has
  // capitals. Before dropping such endpoints as deleted, look their names up once.
  const missing = endpoints.filter((_, i) => first[i] === undefined);
  const names = missing.length ? await endpointNamesByArn(clients) : new Map<string, string>();
  const second = await mapLimit(missing, clients.concurrency ?? 8, async (t) => {
    const real = names.get(t.arn.toLowerCase());
    return real && real !== endpointNameFromArn(t.arn)
      ? describeOrReport(clients, t, real)
      : undefined;
  });
  const described = [...first, ...second].filter((d): d is Described => d !== undefined);
  // One DescribeScalableTargets call covers up to 50 resource ids across endpoints.
  const ids = described.flatMap((d) => scalableResourceIds(d.details));
  const targets = ids.length
    ? await describeScalableTargets(clients.autoscaling, ids, clients.retry)
    : [];
  const byId = new Map<string, ScalableTargetInfo[]>();
  for (const t of targets) byId.set(t.resourceId, [...(byId.get(t.resourceId) ?? []), t]);
  return described.map((d) => ({
    arn: d.arn,
    kind: 'endpoint',
    name: d.details.endpointName,
    status: d.status,
    tags: d.tagged.tags,
    details: {
      ...d.details,
      scalableTargets: scalableResourceIds(d.details).flatMap((id) => byId.get(id) ?? []),
      ...(ctx ? { readAt: ctx.now().toISOString() } : {}),
    } satisfies EndpointDetails as unknown as Record<string, unknown>,
  }));
}

function savedState(
  resource: EndpointResource,
  details: EndpointDetails,
  ctx: EndpointRunContext,
  action: EndpointAction,
  scalableTargets: SavedScalableTarget[],
): SavedEndpoint {
  return {
    projectId: ctx.project.id,
    endpointName: details.endpointName,
    endpointArn: resource.arn,
    endpointConfigName: details.endpointConfigName,
    kind: details.endpointKind,
    action,
    tags: userTags(resource.tags),
    variants: details.variants.map((v) => ({
      variantName: v.variantName,
      ...(v.instanceType ? { instanceType: v.instanceType } : {}),
      ...((v.currentInstanceCount ?? v.desiredInstanceCount) !== undefined
        ? { desiredInstanceCount: v.currentInstanceCount ?? v.desiredInstanceCount }
        : {}),
      ...(v.managedMinInstanceCount !== undefined
        ? { managedMinInstanceCount: v.managedMinInstanceCount }
        : {}),
    })),
    modelNames: [...new Set(details.variants.flatMap((v) => (v.modelName ? [v.modelName] : [])))],
    scalableTargets,
    inferenceComponents: details.inferenceComponents.map((c) => ({
      name: c.name,
      desiredCopyCount: c.desiredCopyCount,
    })),
    parkedAt: ctx.now().toISOString(),
    ...(details.createdAt ? { endpointCreatedAt: details.createdAt } : {}),
    notificationId: ctx.notificationId,
  };
}

/** Hold a target at [0, 0]: capacity goes to 0 now and no policy can bring it back. */
async function holdAtZero(
  clients: EndpointClients,
  resourceId: string,
  dimension: string,
  created = false,
): Promise<void> {
  await withRetry(
    () =>
      clients.autoscaling.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId: resourceId,
          ScalableDimension: dimension as never,
          MinCapacity: 0,
          MaxCapacity: 0,
          // A target auto-stop registers itself is tagged so it can be told from the team's own
          // (Application Auto Scaling User Guide, "Tagging support for Application Auto Scaling").
          ...(created
            ? { Tags: { [GUARDRAILS_TARGET_TAG.key]: GUARDRAILS_TARGET_TAG.value } }
            : {}),
        }),
      ),
    clients.retry,
  );
}

function existingOrNew(
  details: EndpointDetails,
  resourceId: string,
  dimension: string,
): SavedScalableTarget {
  const found = details.scalableTargets.find(
    (t) => t.resourceId === resourceId && t.scalableDimension === dimension,
  );
  return found
    ? { ...found, policies: [], createdByGuardrails: false }
    : {
        resourceId,
        scalableDimension: dimension,
        minCapacity: 0,
        maxCapacity: 0,
        policies: [],
        createdByGuardrails: true,
      };
}

async function scaleAsync(
  clients: EndpointClients,
  resource: EndpointResource,
  details: EndpointDetails,
  ctx: EndpointRunContext,
): Promise<string> {
  const targets = details.variants.map((v) =>
    existingOrNew(
      details,
      variantResourceId(details.endpointName, v.variantName),
      VARIANT_DIMENSION,
    ),
  );
  const saved = await saveEndpointState(
    clients,
    savedState(resource, details, ctx, ENDPOINT_ACTIONS.scaleAsync, targets),
  );
  for (const t of targets)
    await holdAtZero(clients, t.resourceId, VARIANT_DIMENSION, t.createdByGuardrails);
  return `${targets.length} variant scalable target(s) held at [0, 0] (instances scale to 0; requests queue until restore); previous scaling ${saved === 'saved' ? 'saved' : 'already saved by an earlier run'}`;
}

/**
 * UpdateEndpoint that changes only what the new config changes: RetainAllVariantProperties keeps
 * the variants' instance counts and weights as they run ("To retain the variant properties of an
 * endpoint when updating it, set RetainAllVariantProperties to true", API Reference,
 * UpdateEndpoint), and a rolling update one instance at a time replaces the default blue/green
 * deployment, which provisions a whole second fleet ("If no update policy is specified, SageMaker
 * uses a blue/green deployment strategy with all at once traffic shifting by default", API
 * Reference, DeploymentConfig).
 */
export function updateEndpointInput(endpointName: string, configName: string) {
  return {
    EndpointName: endpointName,
    EndpointConfigName: configName,
    RetainAllVariantProperties: true,
    DeploymentConfig: {
      RollingUpdatePolicy: {
        MaximumBatchSize: { Type: 'INSTANCE_COUNT' as const, Value: 1 },
        WaitIntervalInSeconds: 0,
      },
    },
  };
}

/**
 * Point the endpoint at a copy of its config with every managed-instance minimum at 0, and wait
 * until it is InService on that copy. Throws when any step fails, so no copy count is changed
 * before the swap has succeeded.
 */
async function lowerManagedMinimum(
  clients: EndpointClients,
  resource: EndpointResource,
  details: EndpointDetails,
): Promise<string> {
  const config = await withRetry(
    () =>
      clients.sagemaker.send(
        new DescribeEndpointConfigCommand({ EndpointConfigName: details.endpointConfigName }),
      ),
    clients.retry,
  );
  const copyName = minZeroConfigName(details.endpointConfigName);
  const variants = (config.ProductionVariants ?? []).map((v) =>
    v.ManagedInstanceScaling?.Status === 'ENABLED' &&
    (v.ManagedInstanceScaling.MinInstanceCount ?? 1) > 0
      ? { ...v, ManagedInstanceScaling: { ...v.ManagedInstanceScaling, MinInstanceCount: 0 } }
      : v,
  );
  try {
    // With ExecutionRoleArn this needs iam:PassRole on that role (granted only for roles passed
    // to sagemaker.amazonaws.com, see lib/constructs/endpoint-guardrails.ts).
    await withRetry(
      () =>
        clients.sagemaker.send(
          new CreateEndpointConfigCommand({
            EndpointConfigName: copyName,
            ProductionVariants: variants,
            DataCaptureConfig: config.DataCaptureConfig,
            KmsKeyId: config.KmsKeyId,
            AsyncInferenceConfig: config.AsyncInferenceConfig,
            ExplainerConfig: config.ExplainerConfig,
            ShadowProductionVariants: config.ShadowProductionVariants,
            ExecutionRoleArn: config.ExecutionRoleArn,
            VpcConfig: config.VpcConfig,
            EnableNetworkIsolation: config.EnableNetworkIsolation,
            MetricsConfig: config.MetricsConfig,
            Tags: Object.entries(userTags(resource.tags)).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      clients.retry,
    );
  } catch (err) {
    // Made by an earlier run that failed before UpdateEndpoint: reuse it.
    if (!/already exist/i.test(errorMessage(err))) throw err;
  }
  await withRetry(
    () =>
      clients.sagemaker.send(
        new UpdateEndpointCommand(updateEndpointInput(details.endpointName, copyName)),
      ),
    clients.retry,
  );
  const settled = await waitForEndpoint(clients.sagemaker, details.endpointName, {
    wait: { ...SWAP_WAIT, ...clients.inServiceWait },
    ...(clients.retry ? { retry: clients.retry } : {}),
  });
  if (settled.status !== 'InService' || settled.configName !== copyName)
    throw new ConfigSwapError(
      `endpoint ${details.endpointName} did not come back InService on ${copyName} (now ${settled.status} on ${settled.configName ?? 'unknown config'})`,
    );
  return `endpoint moved to config ${copyName} (ManagedInstanceScaling.MinInstanceCount 0, variant counts retained, rolling update), original ${details.endpointConfigName} kept`;
}

/** The config swap did not end InService on the min-0 copy: copies are left as they are. */
export class ConfigSwapError extends Error {
  override readonly name = 'ConfigSwapError';
}

async function scaleComponents(
  clients: EndpointClients,
  resource: EndpointResource,
  details: EndpointDetails,
  ctx: EndpointRunContext,
): Promise<string> {
  const withTarget = new Set(
    details.scalableTargets
      .filter((t) => t.scalableDimension === COPY_COUNT_DIMENSION)
      .map((t) => t.resourceId),
  );
  const targets = details.inferenceComponents
    .filter((c) => withTarget.has(componentResourceId(c.name)))
    .map((c) => existingOrNew(details, componentResourceId(c.name), COPY_COUNT_DIMENSION));
  const saved = await saveEndpointState(
    clients,
    savedState(resource, details, ctx, ENDPOINT_ACTIONS.scaleComponents, targets),
  );
  // Minimum first: copies at 0 release instances only once the minimum allows 0 (SageMaker
  // Developer Guide, "Scale an endpoint to zero instances"); if the swap fails, nothing else
  // changes and the models keep serving.
  const lowerMinimum =
    details.configExists &&
    details.variants.some((v) => !v.serverless && managedScalingOf(v) === 'min-above-zero');
  const minimum = lowerMinimum ? `${await lowerManagedMinimum(clients, resource, details)}; ` : '';
  let updated = 0;
  for (const c of details.inferenceComponents) {
    if (withTarget.has(componentResourceId(c.name))) {
      await holdAtZero(clients, componentResourceId(c.name), COPY_COUNT_DIMENSION);
      continue;
    }
    if (c.desiredCopyCount === 0) continue;
    if (await setCopyCount(clients.sagemaker, c.name, 0, clients.retry)) updated++;
  }
  return `${minimum}${targets.length} component scalable target(s) held at [0, 0], ${updated} component(s) set to CopyCount 0 (managed instance scaling releases the instances); previous copy counts ${saved === 'saved' ? 'saved' : 'already saved by an earlier run'}`;
}

async function park(
  clients: EndpointClients,
  resource: EndpointResource,
  details: EndpointDetails,
  ctx: EndpointRunContext,
): Promise<{ result: 'done' | 'already-done'; reason: string }> {
  // Policies and scheduled actions go with DeregisterScalableTarget: read them before saving.
  const targets: SavedScalableTarget[] = [];
  for (const t of details.scalableTargets)
    targets.push({
      ...t,
      policies: await describeScalingPolicies(clients.autoscaling, t, clients.retry),
      scheduledActions: await describeScheduledActions(clients.autoscaling, t, clients.retry),
      createdByGuardrails: false,
    });
  const saved = await saveEndpointState(
    clients,
    savedState(resource, details, ctx, ENDPOINT_ACTIONS.park, targets),
  );
  // Application Auto Scaling would fight the deletion; deleting an endpoint with a scalable
  // target needs DeregisterScalableTarget first (SageMaker Developer Guide, "Delete an endpoint
  // configured for auto scaling").
  for (const t of targets) await deregisterTarget(clients.autoscaling, t, clients.retry);
  try {
    await withRetry(
      () =>
        clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: details.endpointName })),
      clients.retry,
    );
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return { result: 'already-done', reason: 'endpoint was already deleted' };
  }
  return {
    result: 'done',
    reason: `endpoint deleted; config ${details.endpointConfigName}, its models, tags and ${targets.length} scalable target(s) ${saved === 'saved' ? 'saved' : 'already saved'} for restore`,
  };
}

/** Carry out one endpoint decision; failures become a `failed` outcome naming the error. */
export async function actOnEndpoint(
  clients: EndpointClients,
  decision: EndpointActDecision,
  ctx: EndpointRunContext,
): Promise<EndpointOutcome> {
  const { resource } = decision;
  const details = endpointDetailsOf(resource.details);
  const base = {
    resourceArn: resource.arn,
    kind: 'endpoint' as const,
    name: resource.name,
    priorState: `${resource.status} (${details.endpointKind})`,
    action: decision.action,
  };
  const restoreHint = `restore: guardrails restore --project ${ctx.project.id} --endpoint ${details.endpointName}`;
  // What the endpoint still costs if the action did not happen (failure, unknown action).
  const still = runningCost(details.variants);
  const stillBilled = still.hourlyUsd !== undefined ? { hourlyUsd: still.hourlyUsd } : {};
  try {
    switch (decision.action) {
      case ENDPOINT_ACTIONS.scaleAsync:
        return {
          ...base,
          result: 'done',
          reason: `${await scaleAsync(clients, resource, details, ctx)}; ${restoreHint}`,
          hourlyUsd: 0,
        };
      case ENDPOINT_ACTIONS.scaleComponents:
        return {
          ...base,
          result: 'done',
          reason: `${await scaleComponents(clients, resource, details, ctx)}; ${restoreHint}`,
          hourlyUsd: 0,
        };
      case ENDPOINT_ACTIONS.park: {
        const { result, reason } = await park(clients, resource, details, ctx);
        return { ...base, result, reason: `${reason}; ${restoreHint}`, hourlyUsd: 0 };
      }
      default:
        return {
          ...base,
          result: 'failed',
          reason: `unknown endpoint action ${decision.action}; left running: ${still.text}`,
          error: 'UnknownActionError',
          ...stillBilled,
        };
    }
  } catch (err) {
    if (isNotFound(err))
      return { ...base, result: 'already-done', reason: 'endpoint no longer exists', hourlyUsd: 0 };
    return {
      ...base,
      result: 'failed',
      reason: `could not ${decision.action}; nothing else was changed after the failing call; left running: ${still.text}`,
      error: `${awsErrorName(err) ?? 'Error'}: ${errorMessage(err)}`,
      ...stillBilled,
    };
  }
}

/**
 * Act on a decision that came from elsewhere (a work-queue message): nothing in it is trusted.
 * The endpoint is read again from its ARN, its scalable targets are derived live, the plan is
 * made again under the project's settings, and only an unchanged `act` decision is carried out.
 */
export async function recheckAndAct(
  clients: EndpointClients,
  claimed: { readonly arn: string; readonly action: string },
  tags: Readonly<Record<string, string>>,
  ctx: EndpointRunContext & { readonly settings: AutoStopSettings },
): Promise<EndpointOutcome> {
  const [live] = await discoverEndpoints(clients, [{ arn: claimed.arn, tags }], ctx);
  const name = endpointNameFromArn(claimed.arn) ?? claimed.arn;
  if (!live)
    return {
      resourceArn: claimed.arn,
      kind: 'endpoint',
      name,
      priorState: 'not found',
      action: claimed.action,
      result: 'already-done',
      reason: 'endpoint no longer exists (read again before acting)',
      hourlyUsd: 0,
    };
  const decision = planEndpoint(live, ctx.settings);
  if (decision.type !== 'act' || decision.action !== claimed.action)
    return {
      resourceArn: live.arn,
      kind: 'endpoint',
      name: live.name,
      priorState: live.status,
      action: decision.type === 'act' ? decision.action : decision.type,
      result: decision.type === 'report' ? 'reported' : 'skipped',
      reason: `read again before acting: ${decision.reason} (the queued action ${claimed.action} was not carried out)`,
      ...(decision.hourlyUsd !== undefined ? { hourlyUsd: decision.hourlyUsd } : {}),
    };
  return actOnEndpoint(clients, decision, ctx);
}
