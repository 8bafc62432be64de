/**
 * What the auto-stop report says about each endpoint (finance and the ML team read these
 * reasons), and the edges of the kind and scaling rules (SageMaker Developer Guide, "Scale an
 * endpoint to zero instances"; "Autoscale an asynchronous endpoint").
 */
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../../lambdas/auto-stop/types';
import { classifyEndpoint, managedScalingOf, planEndpoint } from '../../../lambdas/endpoints/plan';
import {
  COPY_COUNT_DIMENSION,
  type EndpointDetails,
  VARIANT_DIMENSION,
} from '../../../lambdas/endpoints/types';
import { resource, settings } from '../../helpers/endpoints';

const ic = (over: Partial<EndpointDetails> = {}): Partial<EndpointDetails> => ({
  endpointKind: 'inference-components',
  variants: [
    {
      variantName: 'AllTraffic',
      instanceType: 'ml.g5.2xlarge',
      currentInstanceCount: 1,
      serverless: false,
      managedScalingEnabled: true,
      managedMinInstanceCount: 0,
    },
  ],
  inferenceComponents: [{ name: 'llm-ic', status: 'InService', desiredCopyCount: 2 }],
  ...over,
});
const noManagedScaling = ic({
  variants: [
    {
      variantName: 'AllTraffic',
      instanceType: 'ml.g5.2xlarge',
      currentInstanceCount: 1,
      serverless: false,
      managedScalingEnabled: false,
    },
  ],
});
const plan = (r: Resource, classic: 'park' | 'report-only' = 'park') =>
  planEndpoint(r, settings(classic));

describe('classifyEndpoint: edges', () => {
  it('calls a config without variants classic, not serverless', () => {
    expect(classifyEndpoint({ async: false, variants: [], componentCount: 0 })).toBe('classic');
  });

  it('calls a serverless variant without a model serverless, not inference components', () => {
    expect(
      classifyEndpoint({
        async: false,
        variants: [{ serverless: true, hasModel: false }],
        componentCount: 0,
      }),
    ).toBe('serverless');
  });

  it('calls a mix of serverless and model-less instance variants inference components', () => {
    expect(
      classifyEndpoint({
        async: false,
        variants: [
          { serverless: true, hasModel: true },
          { serverless: false, hasModel: false },
        ],
        componentCount: 0,
      }),
    ).toBe('inference-components');
  });
});

describe('managedScalingOf', () => {
  it.each([
    [
      'ENABLED with MinInstanceCount 0',
      { managedScalingEnabled: true, managedMinInstanceCount: 0 },
      'min-zero',
    ],
    [
      'ENABLED with MinInstanceCount 1',
      { managedScalingEnabled: true, managedMinInstanceCount: 1 },
      'min-above-zero',
    ],
    ['ENABLED without a minimum', { managedScalingEnabled: true }, 'min-above-zero'],
    ['not enabled, minimum 0', { managedScalingEnabled: false, managedMinInstanceCount: 0 }, 'off'],
  ] as const)('%s is %s', (_name, v, expected) => {
    expect(managedScalingOf({ variantName: 'v', serverless: false, ...v })).toBe(expected);
  });
});

describe('planEndpoint: the reasons in the report', () => {
  it('names each variant with its instance count and type, or what is unknown', () => {
    // Prepare
    const r = resource({
      variants: [
        {
          variantName: 'A',
          currentInstanceCount: 2,
          instanceType: 'ml.m5.xlarge',
          serverless: false,
        },
        { variantName: 'B', desiredInstanceCount: 3, serverless: false },
        { variantName: 'C', serverless: false },
      ],
    });
    // Act
    const d = plan(r, 'report-only');
    // Assess
    expect(d.type).toBe('report');
    expect(d.reason).toContain(
      'classic endpoint (A: 2 x ml.m5.xlarge, B: 3 x unknown type, C: ? x unknown type) cannot scale below 1 instance: policy is report-only',
    );
    expect('hourlyUsd' in d).toBe(false);
  });

  it('states what a classic endpoint left running costs per hour', () => {
    const d = plan(resource(), 'report-only');
    expect(d).toMatchObject({ type: 'report', hourlyUsd: 0.538 });
    expect(d.reason).toContain('left running: 2 x ml.m5.xlarge at $0.27/h = $0.54/h still billed');
  });

  it.each(['UpdateRollbackFailed', 'Failed'])(
    'leaves a %s endpoint to be fixed by hand, with its cost',
    (status) => {
      const d = plan(resource({}, status));
      expect(d).toMatchObject({ type: 'skip', hourlyUsd: 0.538 });
      expect(d.reason).toBe(
        `endpoint is ${status}: not touched, fix or delete it by hand; left running: 2 x ml.m5.xlarge at $0.27/h = $0.54/h still billed (on-demand us-east-1 list prices of 2026-03-15)`,
      );
    },
  );

  it('names the parked config', () => {
    const d = plan(resource());
    expect(d.reason).toBe(
      'classic endpoint (AllTraffic: 2 x ml.m5.xlarge) cannot scale below 1 instance: policy is park (save, deregister scaling, delete the endpoint, keep config fraud-rt-config and its models)',
    );
  });

  it('lists only the serverless variants with provisioned concurrency, and states no zero cost for them', () => {
    const d = plan(
      resource({
        endpointKind: 'serverless',
        variants: [
          { variantName: 'v', serverless: true, provisionedConcurrency: 5 },
          { variantName: 'w', serverless: true, provisionedConcurrency: 0 },
        ],
      }),
    );
    expect(d.reason).toBe(
      'serverless endpoint: already scales to zero when idle, billed per request; provisioned concurrency is billed while configured (v: 5) and is not changed',
    );
    expect('hourlyUsd' in d).toBe(false);
  });

  it('states $0/h for a serverless endpoint without provisioned concurrency', () => {
    const d = plan(
      resource({ endpointKind: 'serverless', variants: [{ variantName: 'v', serverless: true }] }),
    );
    expect(d).toMatchObject({
      type: 'report',
      hourlyUsd: 0,
      reason: 'serverless endpoint: already scales to zero when idle, billed per request',
    });
  });

  it('names the changing components and only those', () => {
    const d = plan(
      resource(
        ic({
          inferenceComponents: [
            { name: 'a', status: 'Updating', desiredCopyCount: 1 },
            { name: 'b', status: 'Creating', desiredCopyCount: 1 },
            { name: 'c', status: 'InService', desiredCopyCount: 1 },
          ],
        }),
      ),
    );
    expect(d.type).toBe('skip');
    expect(d.reason).toMatch(
      /^inference component\(s\) a \(Updating\), b \(Creating\) changing: not touched, retried later; left running: 1 x ml.g5.2xlarge/,
    );
  });

  it('lowers a managed minimum it does not know ("?") through a config copy', () => {
    const d = plan(
      resource(
        ic({
          variants: [
            {
              variantName: 'AllTraffic',
              instanceType: 'ml.g5.2xlarge',
              currentInstanceCount: 1,
              serverless: false,
              managedScalingEnabled: true,
            },
          ],
        }),
      ),
    );
    expect(d).toMatchObject({ type: 'act', action: 'scale-inference-components-to-zero' });
    expect(d.reason).toBe(
      'endpoint with 1 inference component(s): first a copy of config fraud-rt-config with ManagedInstanceScaling.MinInstanceCount 0 (AllTraffic was ?), then, once the endpoint is InService on it, copy counts to 0; previous values saved',
    );
  });

  it('reports, not parks, an inference-component endpoint without managed instance scaling, with its cost', () => {
    const d = plan(resource(noManagedScaling), 'park');
    expect(d).toMatchObject({ type: 'report', hourlyUsd: 1.52 });
    expect(d.reason).toContain(
      'whose variant(s) AllTraffic have no managed instance scaling: copies at 0 would take the models offline while every instance keeps billing; park is not done for inference-component endpoints',
    );
  });

  it('reports an inference-component endpoint without managed instance scaling like a classic one under report-only', () => {
    const d = plan(resource(noManagedScaling), 'report-only');
    expect(d.type).toBe('report');
    expect(d.reason).toContain(
      'have no managed instance scaling: copies at 0 would take the models offline while every instance keeps billing (AllTraffic: 1 x ml.g5.2xlarge) cannot scale below 1 instance: policy is report-only',
    );
  });

  it('scales components to zero when one copy-count target is held at [0, 0] but another could scale out', () => {
    const d = plan(
      resource(
        ic({
          inferenceComponents: [{ name: 'a', status: 'InService', desiredCopyCount: 0 }],
          scalableTargets: [
            {
              resourceId: 'inference-component/a',
              scalableDimension: COPY_COUNT_DIMENSION,
              minCapacity: 0,
              maxCapacity: 0,
            },
            {
              resourceId: 'inference-component/a',
              scalableDimension: COPY_COUNT_DIMENSION,
              minCapacity: 0,
              maxCapacity: 2,
            },
          ],
        }),
      ),
    );
    expect(d).toMatchObject({
      type: 'act',
      reason:
        'endpoint with 1 inference component(s) and managed instance scaling minimum 0: copy counts to 0 (instances are released), previous values saved',
    });
  });

  it('reports components at 0 copies as released when only the instance count has a scalable target', () => {
    const d = plan(
      resource(
        ic({
          inferenceComponents: [{ name: 'a', status: 'InService', desiredCopyCount: 0 }],
          scalableTargets: [
            {
              resourceId: 'endpoint/fraud-rt/variant/AllTraffic',
              scalableDimension: VARIANT_DIMENSION,
              minCapacity: 1,
              maxCapacity: 2,
            },
          ],
        }),
      ),
    );
    expect(d).toMatchObject({ type: 'report', hourlyUsd: 0 });
  });

  it('scales an async endpoint whose only [0, 0] target is of another dimension', () => {
    const d = plan(
      resource({
        endpointKind: 'async',
        scalableTargets: [
          {
            resourceId: 'inference-component/a',
            scalableDimension: COPY_COUNT_DIMENSION,
            minCapacity: 0,
            maxCapacity: 0,
          },
        ],
      }),
    );
    expect(d).toMatchObject({
      type: 'act',
      action: 'scale-async-to-zero',
      reason:
        'asynchronous endpoint (AllTraffic: 2 x ml.m5.xlarge): scalable target to MinCapacity 0 and capacity 0, previous scaling saved',
    });
  });

  it('reports an async endpoint held at [0, 0] as costing nothing', () => {
    const d = plan(
      resource({
        endpointKind: 'async',
        scalableTargets: [
          {
            resourceId: 'endpoint/fraud-rt/variant/AllTraffic',
            scalableDimension: VARIANT_DIMENSION,
            minCapacity: 0,
            maxCapacity: 0,
          },
        ],
      }),
    );
    expect(d).toMatchObject({
      type: 'report',
      hourlyUsd: 0,
      reason: 'asynchronous endpoint already held at 0 instances (scalable target [0, 0])',
    });
  });
});

describe('planEndpoint: inference components, what decides between acting and reporting', () => {
  const base = ic();
  const hostingVariant = base.variants?.[0];
  if (!hostingVariant) throw new Error('fixture without a variant');

  it('judges only the instance-based variants: a serverless variant beside them does not block copies to 0', () => {
    const mixed = ic({
      variants: [hostingVariant, { variantName: 'Serverless', serverless: true }],
    });
    expect(plan(resource(mixed))).toMatchObject({ type: 'act' });
  });

  it('still takes copies to 0 when the endpoint config is gone but the minimum is already 0', () => {
    // Only lowering the minimum needs a copy of the config; copies to 0 do not.
    expect(plan(resource(ic({ configExists: false })))).toMatchObject({ type: 'act' });
  });

  it('acts while any component still has copies, even if another is at 0', () => {
    const partly = ic({
      inferenceComponents: [
        { name: 'idle', status: 'InService', desiredCopyCount: 0 },
        { name: 'busy', status: 'InService', desiredCopyCount: 2 },
      ],
    });
    expect(plan(resource(partly))).toMatchObject({ type: 'act' });
  });
});
