import { describe, expect, it } from 'vitest';
import type { Decision, Resource } from '../../../lambdas/auto-stop/types';
import { classifyEndpoint, planEndpoint } from '../../../lambdas/endpoints/plan';
import { COPY_COUNT_DIMENSION, VARIANT_DIMENSION } from '../../../lambdas/endpoints/types';
import { details, resource, settings } from '../../helpers/endpoints';

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
      managedScalingEnabled: true,
      managedMinInstanceCount: 0,
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
        variants: [
          {
            variantName: 'AllTraffic',
            serverless: false,
            managedScalingEnabled: true,
            managedMinInstanceCount: 1,
          },
        ],
      }),
      'park',
      'act',
      /first a copy of config .*MinInstanceCount 0 \(AllTraffic was 1\), then, once the endpoint is InService on it, copy counts to 0/,
    ],
    [
      'acts on components at 0 copies while the managed minimum keeps instances',
      resource({
        ...icEp,
        inferenceComponents: [{ name: 'llm-ic', status: 'InService', desiredCopyCount: 0 }],
        variants: [
          {
            variantName: 'AllTraffic',
            serverless: false,
            managedScalingEnabled: true,
            managedMinInstanceCount: 2,
          },
        ],
      }),
      'park',
      'act',
      /MinInstanceCount 0/,
    ],
    [
      'names a managed minimum it cannot lower when the config is gone',
      resource({
        ...icEp,
        configExists: false,
        inferenceComponents: [{ name: 'llm-ic', status: 'InService', desiredCopyCount: 0 }],
        variants: [
          {
            variantName: 'AllTraffic',
            serverless: false,
            managedScalingEnabled: true,
            managedMinInstanceCount: 2,
          },
        ],
      }),
      'park',
      'report',
      /MinInstanceCount is above 0 \(AllTraffic: 2\).*is gone.*copies not changed; left running/,
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

describe('planEndpoint: inference components by what SageMaker bills', () => {
  const variant = (managed: { enabled?: boolean; min?: number }) => ({
    variantName: 'AllTraffic',
    instanceType: 'ml.g5.2xlarge',
    currentInstanceCount: 2,
    serverless: false,
    ...(managed.enabled ? { managedScalingEnabled: true } : {}),
    ...(managed.min !== undefined ? { managedMinInstanceCount: managed.min } : {}),
  });
  const ic = (managed: { enabled?: boolean; min?: number }, configExists = true) =>
    resource({ ...icEp, configExists, variants: [variant(managed)] });

  // SageMaker Developer Guide, "Scale an endpoint to zero instances": instances are released only
  // for inference-component endpoints whose variant's ManagedInstanceScaling.MinInstanceCount is 0.
  it.each([
    [
      'managed scaling with minimum 0: copies to 0',
      ic({ enabled: true, min: 0 }),
      'report-only',
      'act',
      undefined,
      /copy counts to 0 \(instances are released\)/,
    ],
    [
      'managed minimum above 0: swap first, then copies',
      ic({ enabled: true, min: 1 }),
      'report-only',
      'act',
      undefined,
      /first a copy of config.*then.*copy counts to 0/,
    ],
    [
      'managed scaling enabled without a minimum: swap to set 0 explicitly',
      ic({ enabled: true }),
      'report-only',
      'act',
      undefined,
      /first a copy of config/,
    ],
    [
      'managed minimum above 0 with the config gone: left running with its cost',
      ic({ enabled: true, min: 1 }, false),
      'park',
      'report',
      3.04,
      /is gone.*left running: 2 x ml\.g5\.2xlarge at \$1\.52\/h = \$3\.04\/h/,
    ],
    [
      'managed scaling off under report-only: reported like a classic endpoint, with its cost',
      ic({}),
      'report-only',
      'report',
      3.04,
      /no managed instance scaling.*report-only.*left running: .*\$3\.04\/h/,
    ],
    [
      'managed scaling off under park: reported, never done, with its cost',
      ic({}),
      'park',
      'report',
      3.04,
      /no managed instance scaling.*park is not done.*left running: .*\$3\.04\/h/,
    ],
    [
      'managed scaling disabled explicitly: treated as off',
      ic({ enabled: false, min: 0 }),
      'report-only',
      'report',
      3.04,
      /no managed instance scaling/,
    ],
  ])('%s', (_name, input, classic, expectedType, hourlyUsd, reason) => {
    // Act
    const decision = planEndpoint(input, settings(classic as 'park' | 'report-only'));
    // Assess
    expect(decision.type).toBe(expectedType);
    expect(decision.hourlyUsd).toBe(hourlyUsd);
    expect(decision.reason).toMatch(reason);
  });

  it('never plans copies to 0 for a variant without managed instance scaling', () => {
    // Prepare
    const mixed = resource({
      ...icEp,
      variants: [variant({ enabled: true, min: 0 }), { ...variant({}), variantName: 'Second' }],
    });
    // Act
    const decision = planEndpoint(mixed, settings('report-only'));
    // Assess
    expect(decision.type).not.toBe('act');
    expect(decision.reason).toMatch(/variant\(s\) Second have no managed instance scaling/);
  });
});

describe('planEndpoint: remaining cost of endpoints left running', () => {
  it.each([
    [
      'classic under report-only: instances x price',
      resource(),
      'report-only',
      0.538,
      /2 x ml\.m5\.xlarge at \$0\.27\/h = \$0\.54\/h still billed/,
    ],

    [
      'serverless: billed per request',
      resource({ endpointKind: 'serverless', variants: [{ variantName: 'v', serverless: true }] }),
      'park',
      0,
      /serverless/,
    ],
    [
      'unknown instance type: cost unknown, said so',
      resource({
        variants: [
          {
            variantName: 'v',
            instanceType: 'ml.x99.huge',
            currentInstanceCount: 1,
            serverless: false,
            modelName: 'm',
          },
        ],
      }),
      'report-only',
      undefined,
      /ml\.x99\.huge not in the price table/,
    ],
    [
      'updating endpoint skipped: its cost still named',
      resource({}, 'Updating'),
      'park',
      0.538,
      /Updating.*left running: .*\$0\.54\/h/,
    ],
  ])('%s', (_name, input, classic, hourlyUsd, reason) => {
    // Act
    const decision = planEndpoint(input, settings(classic as 'park' | 'report-only'));
    // Assess
    expect(decision.hourlyUsd).toBe(hourlyUsd);
    expect(decision.reason).toMatch(reason);
  });
});

describe('planEndpoint: the one exemption rule (lambdas/shared/exemption.ts)', () => {
  const approved = {
    ...settings('park'),
    exemptions: [{ id: 'EXC-1', expires: '2026-12-31', reason: 'launch week', approvedBy: 'cfo' }],
  };
  const tagged = (value: string) =>
    resource({}, 'InService', { Project: 'fraud-detection', 'ml-guardrails:exempt': value });

  it.each([
    [
      'an approved, unexpired exemption skips the endpoint with its cost',
      tagged('EXC-1'),
      '2026-11-26',
      'skip',
      /exempt: EXC-1 approved by cfo.*left running/,
    ],
    [
      'a tag alone (not in the policy) exempts nothing',
      tagged('true'),
      '2026-11-26',
      'act',
      /park.*no approved exemption with that id: exemption not honoured/,
    ],
    [
      'an expired exemption exempts nothing',
      tagged('EXC-1'),
      '2027-01-01',
      'act',
      /expired on 2026-12-31/,
    ],
  ])('%s', (_name, input, day, expectedType, reason) => {
    // Act
    const decision = planEndpoint(input, approved, new Date(`${day}T10:00:00Z`));
    // Assess
    expect(decision.type).toBe(expectedType);
    expect(decision.reason).toMatch(reason);
  });

  it('uses the time discovery read the endpoint when no time is given', () => {
    // Prepare
    const input = resource({ readAt: '2027-01-01T00:00:00.000Z' }, 'InService', {
      'ml-guardrails:exempt': 'EXC-1',
    });
    // Act
    const decision = planEndpoint(input, approved);
    // Assess
    expect(decision.reason).toMatch(/expired/);
  });
});
