/**
 * A fake account of SageMaker endpoints of mixed kinds for the endpoint benchmark, served through
 * `AwsStandin`: SageMaker describe/list/delete/update, Application Auto Scaling targets and
 * policies, and DynamoDB PutItem for saved state. Changes are applied, so the benchmark can check
 * that nothing is left running afterwards.
 */
import { AwsError, type AwsStandin } from './server';

type Kind = 'classic' | 'async' | 'inference-components' | 'serverless';

interface FakeEndpoint {
  name: string;
  kind: Kind;
  status: string;
  components: { name: string; copies: number }[];
  /** Current endpoint config (auto-stop may move it to the min-0 copy). */
  configName: string;
  /** ManagedInstanceScaling.MinInstanceCount of an inference-component endpoint's config. */
  managedMin: number;
}

interface FakeTarget {
  ResourceId: string;
  ScalableDimension: string;
  MinCapacity: number;
  MaxCapacity: number;
}

export interface EndpointWorld {
  readonly endpoints: Map<string, FakeEndpoint>;
  /** Endpoints deleted by park, kept so CreateEndpoint can bring them back. */
  readonly parked: Map<string, FakeEndpoint>;
  readonly targets: Map<string, FakeTarget>;
  readonly items: Map<string, unknown>;
  readonly tagged: { arn: string; tags: Record<string, string> }[];
}

const ARN = (name: string) => `arn:aws:sagemaker:eu-west-1:111122223333:endpoint/${name}`;
const KINDS: Kind[] = ['classic', 'async', 'inference-components', 'serverless'];

/**
 * `n` endpoints of the project: kinds in rotation, every 20th Updating, half with scaling. With
 * `actionable`, only kinds auto-stop changes (classic, async, inference components), all
 * InService: the world for measuring restore of `n` parked or held endpoints.
 */
export function endpointWorld(n: number, projectId: string, actionable = false): EndpointWorld {
  const kinds: Kind[] = actionable ? ['classic', 'async', 'inference-components'] : KINDS;
  const endpoints = new Map<string, FakeEndpoint>();
  const targets = new Map<string, FakeTarget>();
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length] as Kind;
    const name = `ep-${kind.slice(0, 5)}-${i}`;
    const components =
      kind === 'inference-components'
        ? Array.from({ length: 1 + (i % 2) }, (_, c) => ({ name: `${name}-ic${c}`, copies: 2 }))
        : [];
    endpoints.set(name, {
      name,
      kind,
      status: !actionable && i % 20 === 19 ? 'Updating' : 'InService',
      components,
      configName: `${name}-config`,
      // Every other inference-component endpoint keeps a minimum of 1: auto-stop swaps its config.
      managedMin: kind === 'inference-components' && i % 8 === 6 ? 1 : 0,
    });
    if (i % 2 === 0 && (kind === 'classic' || kind === 'async')) {
      const id = `endpoint/${name}/variant/AllTraffic`;
      targets.set(id, {
        ResourceId: id,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 1,
        MaxCapacity: 4,
      });
    }
    for (const c of components.slice(0, 1)) {
      const id = `inference-component/${c.name}`;
      targets.set(id, {
        ResourceId: id,
        ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
        MinCapacity: 1,
        MaxCapacity: 4,
      });
    }
  }
  return {
    endpoints,
    parked: new Map(),
    targets,
    items: new Map(),
    tagged: [...endpoints.keys()].map((name) => ({ arn: ARN(name), tags: { Project: projectId } })),
  };
}

const notFound = (what: string) => new AwsError('ValidationException', `Could not find ${what}.`);

/** Register the fake handlers on the stand-in. */
export function serveEndpoints(standin: AwsStandin, world: EndpointWorld): void {
  const get = (name: unknown) => {
    const ep = world.endpoints.get(String(name));
    if (!ep) throw notFound(`endpoint "${String(name)}"`);
    return ep;
  };
  standin
    .on('SageMaker.DescribeEndpoint', (input) => {
      const ep = get(input.EndpointName);
      return {
        EndpointName: ep.name,
        EndpointArn: ARN(ep.name),
        EndpointConfigName: ep.configName,
        EndpointStatus: ep.status,
        CreationTime: 1_790_000_000,
        ProductionVariants: [
          ep.kind === 'serverless'
            ? {
                VariantName: 'AllTraffic',
                CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
              }
            : { VariantName: 'AllTraffic', CurrentInstanceCount: 2, DesiredInstanceCount: 2 },
        ],
      };
    })
    .on('SageMaker.ListEndpoints', () => ({
      Endpoints: [...world.endpoints.values()].map((e) => ({
        EndpointName: e.name,
        EndpointArn: ARN(e.name),
      })),
    }))
    .on('SageMaker.DescribeEndpointConfig', (input) => {
      const configName = String(input.EndpointConfigName);
      const base = configName.replace(/-gr-min0$/, '').replace(/-config$/, '');
      const ep = world.endpoints.get(base) ?? world.parked.get(base);
      if (!ep) throw notFound(`endpoint configuration "${configName}"`);
      const min = configName.endsWith('-gr-min0') ? 0 : ep.managedMin;
      const variant =
        ep.kind === 'serverless'
          ? {
              VariantName: 'AllTraffic',
              ModelName: 'm',
              ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
            }
          : ep.kind === 'inference-components'
            ? {
                VariantName: 'AllTraffic',
                InstanceType: 'ml.g5.2xlarge',
                InitialInstanceCount: 1,
                ManagedInstanceScaling: {
                  Status: 'ENABLED',
                  MinInstanceCount: min,
                  MaxInstanceCount: 4,
                },
              }
            : {
                VariantName: 'AllTraffic',
                ModelName: 'm',
                InstanceType: 'ml.m5.xlarge',
                InitialInstanceCount: 2,
              };
      return {
        EndpointConfigName: input.EndpointConfigName,
        ProductionVariants: [variant],
        ...(ep.kind === 'async'
          ? { AsyncInferenceConfig: { OutputConfig: { S3OutputPath: 's3://b/o' } } }
          : {}),
      };
    })
    .on('SageMaker.ListInferenceComponents', (input) => {
      const ep = world.endpoints.get(String(input.EndpointNameEquals));
      return {
        InferenceComponents: (ep?.components ?? []).map((c) => ({
          InferenceComponentName: c.name,
          EndpointName: ep?.name,
          VariantName: 'AllTraffic',
        })),
      };
    })
    .on('SageMaker.DescribeInferenceComponent', (input) => {
      for (const ep of world.endpoints.values())
        for (const c of ep.components)
          if (c.name === input.InferenceComponentName)
            return {
              InferenceComponentName: c.name,
              EndpointName: ep.name,
              InferenceComponentStatus: 'InService',
              RuntimeConfig: { DesiredCopyCount: c.copies, CurrentCopyCount: c.copies },
            };
      throw notFound(`inference component "${String(input.InferenceComponentName)}"`);
    })
    .on('SageMaker.UpdateInferenceComponentRuntimeConfig', (input) => {
      for (const ep of world.endpoints.values())
        for (const c of ep.components)
          if (c.name === input.InferenceComponentName) {
            c.copies = Number((input.DesiredRuntimeConfig as { CopyCount: number }).CopyCount);
            return {};
          }
      throw notFound('inference component');
    })
    .on('SageMaker.DeleteEndpoint', (input) => {
      const ep = get(input.EndpointName);
      world.endpoints.delete(ep.name);
      world.parked.set(ep.name, ep);
      return {};
    })
    .on('SageMaker.CreateEndpointConfig', () => ({}))
    .on('SageMaker.UpdateEndpoint', (input) => {
      get(input.EndpointName).configName = String(input.EndpointConfigName);
      return {};
    })
    .on('SageMaker.CreateEndpoint', (input) => {
      const name = String(input.EndpointName);
      const ep = world.parked.get(name);
      if (!ep || world.endpoints.has(name))
        throw new AwsError(
          'ValidationException',
          `Cannot create already existing endpoint "${name}".`,
        );
      world.parked.delete(name);
      // InService at once: the benchmark measures calls and throttling, not SageMaker's minutes.
      world.endpoints.set(name, { ...ep, status: 'InService' });
      return { EndpointArn: ARN(name) };
    })
    .on('SageMaker.DescribeModel', (input) => ({ ModelName: input.ModelName }))
    .on('SageMaker.UpdateEndpointWeightsAndCapacities', () => ({}))
    .on('AnyScaleFrontendService.PutScalingPolicy', (input) => ({
      PolicyARN: `arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:new:resource/sagemaker/${String(input.ResourceId)}:policyName/${String(input.PolicyName)}`,
    }))
    .on('AnyScaleFrontendService.PutScheduledAction', () => ({}))
    .on('AnyScaleFrontendService.DescribeScalableTargets', (input) => {
      const ids = (input.ResourceIds as string[] | undefined) ?? [];
      if (ids.length > 50) throw new AwsError('ValidationException', 'at most 50 ResourceIds');
      return {
        ScalableTargets: ids.flatMap((id) => {
          const t = world.targets.get(id);
          return t ? [{ ServiceNamespace: 'sagemaker', ...t }] : [];
        }),
      };
    })
    .on('AnyScaleFrontendService.DescribeScalingPolicies', (input) => ({
      ScalingPolicies: world.targets.has(String(input.ResourceId))
        ? [
            {
              PolicyName: 'invocations',
              PolicyType: 'TargetTrackingScaling',
              ServiceNamespace: 'sagemaker',
              ResourceId: input.ResourceId,
              ScalableDimension: input.ScalableDimension,
              TargetTrackingScalingPolicyConfiguration: {
                TargetValue: 70,
                PredefinedMetricSpecification: {
                  PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance',
                },
              },
            },
          ]
        : [],
    }))
    .on('AnyScaleFrontendService.DescribeScheduledActions', () => ({ ScheduledActions: [] }))
    .on('AnyScaleFrontendService.RegisterScalableTarget', (input) => {
      const id = String(input.ResourceId);
      world.targets.set(id, {
        ResourceId: id,
        ScalableDimension: String(input.ScalableDimension),
        MinCapacity: Number(input.MinCapacity),
        MaxCapacity: Number(input.MaxCapacity),
      });
      return {};
    })
    .on('AnyScaleFrontendService.DeregisterScalableTarget', (input) => {
      if (!world.targets.delete(String(input.ResourceId)))
        throw new AwsError('ObjectNotFoundException', 'No scalable target registered');
      return {};
    })
    .on('DynamoDB_20120810.Query', (input) => {
      const values = input.ExpressionAttributeValues as Record<string, { S?: string }>;
      const pk = values[':pk']?.S;
      const prefix = values[':saved']?.S ?? '';
      return {
        Items: [...world.items.entries()]
          .filter(([k]) => k.startsWith(`${pk}|${prefix}`))
          .map(([, v]) => v),
      };
    })
    .on('DynamoDB_20120810.UpdateItem', (input) => {
      const key = input.Key as Record<string, { S?: string }>;
      const id = `${key.pk?.S}|${key.sk?.S}`;
      const at = (input.ExpressionAttributeValues as Record<string, unknown>)[':at'];
      const item = world.items.get(id) as Record<string, unknown> | undefined;
      if (item) world.items.set(id, { ...item, recreatedAt: at });
      return {};
    })
    .on('DynamoDB_20120810.DeleteItem', (input) => {
      const key = input.Key as Record<string, { S?: string }>;
      world.items.delete(`${key.pk?.S}|${key.sk?.S}`);
      return {};
    })
    .on('DynamoDB_20120810.TransactWriteItems', (input) => {
      type Key = Record<string, { S?: string }>;
      for (const t of input.TransactItems as { Put?: { Item: Key }; Delete?: { Key: Key } }[]) {
        if (t.Put) world.items.set(`${t.Put.Item.pk?.S}|${t.Put.Item.sk?.S}`, t.Put.Item);
        if (t.Delete) world.items.delete(`${t.Delete.Key.pk?.S}|${t.Delete.Key.sk?.S}`);
      }
      return {};
    })
    .on('DynamoDB_20120810.PutItem', (input) => {
      const item = input.Item as Record<string, { S?: string }>;
      const key = `${item.pk?.S}|${item.sk?.S}`;
      if (input.ConditionExpression && world.items.has(key))
        throw new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
      world.items.set(key, item);
      return {};
    });
}

/** Endpoints still costing money that auto-stop should have taken to zero (park policy). */
export function leftRunning(world: EndpointWorld): string[] {
  const left: string[] = [];
  for (const ep of world.endpoints.values()) {
    if (ep.status !== 'InService') continue; // transitional: skipped by design, retried later
    if (ep.kind === 'classic') left.push(ep.name);
    if (ep.kind === 'async') {
      const t = world.targets.get(`endpoint/${ep.name}/variant/AllTraffic`);
      if (t?.MaxCapacity !== 0) left.push(ep.name);
    }
    if (ep.kind === 'inference-components')
      for (const c of ep.components) {
        const t = world.targets.get(`inference-component/${c.name}`);
        if (t ? t.MaxCapacity !== 0 : c.copies !== 0) left.push(c.name);
      }
  }
  return left;
}

/** Endpoints restore should have brought back but did not (still deleted, or scaling still at 0). */
export function notRestored(world: EndpointWorld): string[] {
  const left = [...world.parked.keys()];
  for (const t of world.targets.values()) if (t.MaxCapacity === 0) left.push(t.ResourceId);
  for (const ep of world.endpoints.values())
    for (const c of ep.components)
      if (!world.targets.has(`inference-component/${c.name}`) && c.copies === 0) left.push(c.name);
  return left;
}
