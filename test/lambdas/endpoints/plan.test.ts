import { describe, expect, it } from 'vitest';
import type { Decision, Resource } from '../../../lambdas/auto-stop/types';
import { classifyEndpoint, planEndpoint } from '../../../lambdas/endpoints/plan';
import { COPY_COUNT_DIMENSION, VARIANT_DIMENSION } from '../../../lambdas/endpoints/types';
import { details, resource, settings } from './fixtures';

const asyncEp = { endpointKind: 'async' as const, endpointName: 'batch-async' };
const icEp = {
  endpointKind: 'inference-components' as const,
  endpointName: 'llm',
  variants: [
    {
      variantName: 'AllTraffic',
      instanceType: 'ml.g5.2xlarge',
      currentInstanceCount: 1,
      serverless: false,
    },
  ],
  inferenceComponents: [{ name: 'llm-ic', status: 'InService', desiredCopyCount: 2 }],
};

describe('classifyEndpoint', () => {
  it.each([
    [
      'async config wins over instance variants',
      { async: true, variants: [{ serverless: false, hasModel: true }], componentCount: 0 },
      'async',
    ],
    [
      'every variant serverless',
      { async: false, variants: [{ serverless: true, hasModel: true }], componentCount: 0 },
      'serverless',
    ],
    [
      'hosts inference components',
      { async: false, variants: [{ serverless: false, hasModel: false }], componentCount: 2 },
      'inference-components',
    ],
    [
      'variant without a model (component-based config, none deployed yet)',
      { async: false, variants: [{ serverless: false, hasModel: false }], componentCount: 0 },
      'inference-components',
    ],
    [
      'instance variant with a model',
      { async: false, variants: [{ serverless: false, hasModel: true }], componentCount: 0 },
      'classic',
    ],
    [
      'serverless plus instance variant is classic',
      {
        async: false,
        variants: [
          { serverless: true, hasModel: true },
          { serverless: false, hasModel: true },
        ],
        componentCount: 0,
      },
      'classic',
    ],
  ] as const)('%s', (_name, facts, expected) => {
    // Act / Assess
    expect(classifyEndpoint(facts)).toBe(expected);
  });
});

type Row = [string, Resource, 'park' | 'report-only', Decision['type'], RegExp];

describe('planEndpoint', () => {
  it.each<Row>([
    // Transitional and failed states are never touched (issue 4), whatever the kind.
    ...(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting'] as const).flatMap(
      (status) =>
        (['classic', 'async', 'inference-components', 'serverless'] as const).map(
          (kind): Row => [
            `skips a ${kind} endpoint that is ${status}`,
            resource({ endpointKind: kind }, status),
            'park',
            'skip',
            new RegExp(`${status}.*retries`),
          ],
        ),
    ),
    [
      'skips a Failed endpoint and says why',
      resource({ failureReason: 'image not found' }, 'Failed'),
      'park',
      'skip',
      /Failed \(image not found\)/,
    ],
    [
      'skips an endpoint that could not be read, with the error',
      resource({ readError: 'AccessDeniedException: no' }, 'Unknown'),
      'park',
      'skip',
      /could not be read \(AccessDeniedException: no\)/,
    ],
    [
      'skips an OutOfService endpoint',
      resource({}, 'OutOfService'),
      'park',
      'skip',
      /OutOfService/,
    ],
    [
      'skips an exempt endpoint',
      resource({}, 'InService', { Project: 'x', 'ml-guardrails:exempt': 'true' }),
      'park',
      'skip',
      /exempt/,
    ],
    [
      'does not treat exempt=false as exempt',
      resource({}, 'InService', { 'ml-guardrails:exempt': 'false' }),
      'park',
      'act',
      /park/,
    ],
    [
      'reports a serverless endpoint: already scales to zero',
      resource({ endpointKind: 'serverless', variants: [{ variantName: 'v', serverless: true }] }),
      'park',
      'report',
      /already scales to zero when idle/,
    ],
    [
      'reports provisioned concurrency of a serverless endpoint as billed',
      resource({
        endpointKind: 'serverless',
        variants: [{ variantName: 'v', serverless: true, provisionedConcurrency: 5 }],
      }),
      'park',
      'report',
      /provisioned concurrency is billed.*v: 5/,
    ],
    [
      'scales an async endpoint to zero',
      resource(asyncEp),
      'report-only',
      'act',
      /MinCapacity 0 and capacity 0/,
    ],
    [
      'reports an async endpoint already held at [0, 0]',
      resource({
        ...asyncEp,
        scalableTargets: [
          {
            resourceId: 'endpoint/batch-async/variant/AllTraffic',
            scalableDimension: VARIANT_DIMENSION,
            minCapacity: 0,
            maxCapacity: 0,
          },
        ],
      }),
      'park',
      'report',
      /already held at 0/,
    ],
    [
      'scales an async endpoint whose minimum is 0 but maximum is not',
      resource({
        ...asyncEp,
        scalableTargets: [
          {
            resourceId: 'endpoint/batch-async/variant/AllTraffic',
            scalableDimension: VARIANT_DIMENSION,
            minCapacity: 0,
            maxCapacity: 4,
          },
        ],
      }),
      'park',
      'act',
      /scalable target/,
    ],
    [
      'scales inference components to zero copies',
      resource(icEp),
      'report-only',
      'act',
      /copy counts to 0/,
    ],
    [
      'lowers a managed-instance minimum through a config copy',
      resource({
        ...icEp,
        variants: [{ variantName: 'AllTraffic', serverless: false, managedMinInstanceCount: 1 }],
      }),
      'park',
      'act',
      /MinInstanceCount to 0 \(AllTraffic: 1\) through a copy of the endpoint config/,
    ],
    [
      'acts on components at 0 copies while the managed minimum keeps instances',
      resource({
        ...icEp,
        inferenceComponents: [{ name: 'llm-ic', status: 'InService', desiredCopyCount: 0 }],
        variants: [{ variantName: 'AllTraffic', serverless: false, managedMinInstanceCount: 2 }],
      }),
      'park',
      'act',
      /MinInstanceCount to 0/,
    ],
    [
      'names a managed minimum it cannot lower when the config is gone',
      resource({
        ...icEp,
        configExists: false,
        inferenceComponents: [{ name: 'llm-ic', status: 'InService', desiredCopyCount: 0 }],
        variants: [{ variantName: 'AllTraffic', serverless: false, managedMinInstanceCount: 2 }],
      }),
      'park',
      'report',
      /stays above 0 \(AllTraffic: 2.*still billed/,
    ],
    [
      'skips inference components that are updating',
      resource({
        ...icEp,
        inferenceComponents: [{ name: 'llm-ic', status: 'Updating', desiredCopyCount: 2 }],
      }),
      'park',
      'skip',
      /llm-ic \(Updating\)/,
    ],
    [
      'reports components already at 0 copies',
      resource({
        ...icEp,
        inferenceComponents: [{ name: 'llm-ic', status: 'InService', desiredCopyCount: 0 }],
      }),
      'park',
      'report',
      /already at 0 copies/,
    ],
    [
      'acts on components at 0 whose scalable target could scale them out again',
      resource({
        ...icEp,
        inferenceComponents: [{ name: 'llm-ic', status: 'InService', desiredCopyCount: 0 }],
        scalableTargets: [
          {
            resourceId: 'inference-component/llm-ic',
            scalableDimension: COPY_COUNT_DIMENSION,
            minCapacity: 0,
            maxCapacity: 4,
          },
        ],
      }),
      'park',
      'act',
      /copy counts/,
    ],
    [
      'reports a classic endpoint with type and count under report-only',
      resource(),
      'report-only',
      'report',
      /AllTraffic: 2 x ml\.m5\.xlarge.*report-only/,
    ],
    [
      'parks a classic endpoint under park, keeping its config',
      resource(),
      'park',
      'act',
      /keep config fraud-rt-config/,
    ],
    [
      'does not park a classic endpoint whose config was deleted',
      resource({ configExists: false }),
      'park',
      'skip',
      /no longer exists.*not parked/,
    ],
  ])('%s', (_name, input, classic, expectedType, reason) => {
    // Act
    const decision = planEndpoint(input, settings(classic));
    // Assess
    expect(decision.type).toBe(expectedType);
    expect(decision.reason).toMatch(reason);
  });

  it.each([
    ['async', resource(asyncEp), 'scale-async-to-zero'],
    ['inference components', resource(icEp), 'scale-inference-components-to-zero'],
    ['classic (park)', resource(), 'park-endpoint'],
  ])('names the machine-readable action for %s', (_kind, input, action) => {
    const decision = planEndpoint(input, settings('park'));
    expect(decision.type === 'act' && decision.action).toBe(action);
  });

  it('rejects a resource without endpoint details', () => {
    expect(() => planEndpoint({ ...resource(), details: {} }, settings())).toThrow(
      /not an endpoint description/,
    );
  });

  it('keeps details unchanged (pure)', () => {
    const input = resource(details());
    const before = JSON.stringify(input);
    planEndpoint(input, settings('park'));
    expect(JSON.stringify(input)).toBe(before);
  });
});
