import { describe, expect, it } from 'vitest';
import {
  AutoStopDetailSchema,
  buildAutoStopDetail,
  type ChangedResource,
  MAX_DETAIL_BYTES,
  MAX_NAMED_RESOURCES,
} from '../../../lambdas/shared/change-events';

const change = (
  name: string,
  action: ChangedResource['action'],
  kind = 'training-job',
): ChangedResource => ({
  kind,
  name,
  arn: `arn:aws:sagemaker:eu-west-1:111122223333:${kind}/${name}`,
  action,
});

describe('buildAutoStopDetail', () => {
  it.each([
    {
      name: 'jobs stopped',
      changes: [change('run-1', 'stopped'), change('run-2', 'stopped')],
      action: 'stopped',
      counts: { stopped: 2 },
    },
    {
      name: 'endpoints parked',
      changes: [change('fraud-rt', 'parked', 'endpoint')],
      action: 'parked',
      counts: { parked: 1 },
    },
    {
      name: 'endpoints restored',
      changes: [change('fraud-rt', 'restored', 'endpoint'), change('b', 'restored', 'endpoint')],
      action: 'restored',
      counts: { restored: 2 },
    },
    {
      name: 'a mixed run (the most frequent action leads, counts say the rest)',
      changes: [
        change('fraud-rt', 'parked', 'endpoint'),
        change('run-1', 'stopped'),
        change('run-2', 'stopped'),
        change('async-ep', 'scaled-to-zero', 'endpoint'),
      ],
      action: 'stopped',
      counts: { stopped: 2, parked: 1, 'scaled-to-zero': 1 },
    },
  ])('summarises $name in one detail with counts per action', ({ changes, action, counts }) => {
    // Act
    const detail = buildAutoStopDetail({ project: 'fraud-detection', changes, mode: 'enforce' });
    // Assess
    expect(detail).toMatchObject({
      project: 'fraud-detection',
      action,
      counts,
      total: changes.length,
      mode: 'enforce',
    });
    expect(detail?.resources.map((r) => r.name)).toEqual(changes.map((c) => c.name));
    expect(AutoStopDetailSchema.safeParse(detail).success).toBe(true);
  });

  it('returns no detail (no event) for a run that changed nothing', () => {
    expect(buildAutoStopDetail({ project: 'fraud-detection', changes: [] })).toBeUndefined();
  });

  it('names at most MAX_NAMED_RESOURCES resources while counts and total cover the whole run', () => {
    // Prepare: 10,000 jobs stopped in one run.
    const changes = Array.from({ length: 10_000 }, (_, i) => change(`run-${i}`, 'stopped'));
    // Act
    const detail = buildAutoStopDetail({ project: 'fraud-detection', changes });
    // Assess
    expect(detail?.resources).toHaveLength(MAX_NAMED_RESOURCES);
    expect(detail?.total).toBe(10_000);
    expect(detail?.counts).toEqual({ stopped: 10_000 });
    expect(Buffer.byteLength(JSON.stringify(detail))).toBeLessThanOrEqual(MAX_DETAIL_BYTES);
  });

  it('drops names until the serialized detail fits the byte cap, far below the 256 KB PutEvents entry limit', () => {
    // Prepare: names at the schema's 256-character limit, ARNs near 2 KB, a long reason.
    const changes = Array.from({ length: 50 }, (_, i) => ({
      kind: 'endpoint',
      name: `${i}-${'n'.repeat(400)}`,
      arn: `arn:aws:sagemaker:eu-west-1:111122223333:endpoint/${'a'.repeat(1900)}`,
      action: 'parked' as const,
    }));
    // Act
    const detail = buildAutoStopDetail(
      { project: 'fraud-detection', changes, reason: 'r'.repeat(5000) },
      8 * 1024,
    );
    // Assess
    expect(Buffer.byteLength(JSON.stringify(detail))).toBeLessThanOrEqual(8 * 1024);
    expect(detail?.resources.length).toBeGreaterThan(0);
    expect(detail?.resources.length).toBeLessThan(MAX_NAMED_RESOURCES);
    expect(detail?.resources[0]?.name).toHaveLength(256);
    expect(detail?.reason).toHaveLength(1024);
    expect(detail?.total).toBe(50);
    expect(AutoStopDetailSchema.safeParse(detail).success).toBe(true);
  });
});
