import { describe, expect, it } from 'vitest';
import {
  type LiveFacts,
  planRestore,
  type RestoreDecision,
} from '../../../lambdas/endpoints/restore-plan';
import type { SavedEndpoint } from '../../../lambdas/endpoints/types';
import { savedEndpoint } from '../../helpers/endpoints';

const saved = savedEndpoint;

const live = (overrides: Partial<LiveFacts> = {}): LiveFacts => ({
  configExists: true,
  missingModels: [],
  ...overrides,
});
const recreated = { recreatedAt: '2026-12-01T08:00:00.000Z' };
const NOW = new Date('2026-12-01T09:00:00.000Z');

describe('planRestore', () => {
  it.each<[string, SavedEndpoint, LiveFacts, RestoreDecision['type'], RegExp]>([
    [
      're-creates a parked endpoint that is gone',
      saved(),
      live(),
      'recreate',
      /from config fraud-rt-config with its 1 tag/,
    ],
    [
      'never overwrites an endpoint re-created by hand',
      saved(),
      live({ endpointStatus: 'InService' }),
      'skip',
      /re-created by hand: not overwritten/,
    ],
    [
      'never overwrites one being created by hand',
      saved(),
      live({ endpointStatus: 'Creating' }),
      'skip',
      /not overwritten/,
    ],
    [
      'blocks when the endpoint config was deleted',
      saved(),
      live({ configExists: false }),
      'blocked',
      /config fraud-rt-config was deleted/,
    ],
    [
      'blocks when a model was deleted',
      saved(),
      live({ missingModels: ['fraud-model'] }),
      'blocked',
      /model\(s\) fraud-model .* deleted/,
    ],
    [
      'puts scaling back once the re-created endpoint is InService',
      saved({ ...recreated }),
      live({ endpointStatus: 'InService' }),
      'restore-scaling',
      /put back 0 scalable target/,
    ],
    [
      'waits while the re-created endpoint is Creating',
      saved({ ...recreated }),
      live({ endpointStatus: 'Creating' }),
      'wait',
      /next restore run/,
    ],
    [
      'blocks when the re-created endpoint failed',
      saved({ ...recreated }),
      live({ endpointStatus: 'Failed', failureReason: 'capacity' }),
      'blocked',
      /Failed \(capacity\)/,
    ],
    [
      're-creates again when the re-created endpoint disappeared',
      saved({ ...recreated }),
      live(),
      'recreate',
      /re-create/,
    ],
    [
      'restores an async endpoint in service',
      saved({ kind: 'async', action: 'scale-async-to-zero' }),
      live({ endpointStatus: 'InService' }),
      'restore-scaling',
      /variant scaling/,
    ],
    [
      'restores inference components in service',
      saved({ kind: 'inference-components', action: 'scale-inference-components-to-zero' }),
      live({ endpointStatus: 'InService' }),
      'restore-scaling',
      /copy counts/,
    ],
    [
      'waits while a scaled endpoint is Updating',
      saved({ kind: 'async', action: 'scale-async-to-zero' }),
      live({ endpointStatus: 'Updating' }),
      'wait',
      /Updating/,
    ],
    [
      'drops the state of a scaled endpoint deleted since',
      saved({ kind: 'async', action: 'scale-async-to-zero' }),
      live(),
      'skip',
      /no longer exists.*dropped/,
    ],
    [
      'blocks a scaled endpoint that is Failed',
      saved({ kind: 'async', action: 'scale-async-to-zero' }),
      live({ endpointStatus: 'Failed' }),
      'blocked',
      /fix it by hand/,
    ],
  ])('%s', (_name, s, facts, type, reason) => {
    // Act
    const decision = planRestore(s, facts, NOW);
    // Assess
    expect(decision.type).toBe(type);
    expect(decision.reason).toMatch(reason);
  });

  it('switches back from the min-0 config copy auto-stop made', () => {
    const s = saved({
      kind: 'inference-components',
      action: 'scale-inference-components-to-zero',
      endpointConfigName: 'ic-cfg',
    });
    const decision = planRestore(
      s,
      live({ endpointStatus: 'InService', endpointConfigName: 'ic-cfg-gr-min0' }),
      NOW,
    );
    expect(decision).toMatchObject({ type: 'restore-scaling', switchBackToConfig: 'ic-cfg' });
  });

  it('leaves the config alone when someone changed it to another one', () => {
    const s = saved({
      kind: 'inference-components',
      action: 'scale-inference-components-to-zero',
      endpointConfigName: 'ic-cfg',
    });
    const decision = planRestore(
      s,
      live({ endpointStatus: 'InService', endpointConfigName: 'ic-cfg-v2' }),
      NOW,
    );
    expect(decision.type).toBe('restore-scaling');
    expect(decision).not.toHaveProperty('switchBackToConfig');
  });

  it('forgets only the state of an endpoint that no longer exists', () => {
    const gone = planRestore(saved({ action: 'scale-async-to-zero' }), live(), NOW);
    const byHand = planRestore(saved(), live({ endpointStatus: 'InService' }), NOW);
    expect(gone.type === 'skip' && gone.forget).toBe(true);
    expect(byHand.type === 'skip' && byHand.forget).toBe(false);
  });
});

describe('planRestore: saved state that no longer applies', () => {
  const createdAt = '2026-10-01T00:00:00.000Z';
  it.each<
    [string, SavedEndpoint, LiveFacts, Date, RestoreDecision['type'], boolean | undefined, RegExp]
  >([
    [
      'drops a scaled-to-zero state whose endpoint was re-created by hand since',
      saved({ action: 'scale-async-to-zero', endpointCreatedAt: createdAt }),
      live({ endpointStatus: 'InService', endpointCreatedAt: '2026-11-28T00:00:00.000Z' }),
      NOW,
      'skip',
      true,
      /re-created .* after auto-stop saved its state.*superseded and dropped/,
    ],
    [
      'drops a parked state whose endpoint was re-created by hand since',
      saved({ endpointCreatedAt: createdAt }),
      live({ endpointStatus: 'InService', endpointCreatedAt: '2026-11-28T00:00:00.000Z' }),
      NOW,
      'skip',
      true,
      /superseded/,
    ],
    [
      'keeps applying a state saved from the same endpoint',
      saved({ action: 'scale-async-to-zero', endpointCreatedAt: createdAt }),
      live({ endpointStatus: 'InService', endpointCreatedAt: createdAt }),
      NOW,
      'restore-scaling',
      undefined,
      /variant scaling/,
    ],
    [
      'expires a state older than the documented age, scaled in place',
      saved({ action: 'scale-async-to-zero', parkedAt: '2026-08-01T00:00:00.000Z' }),
      live({ endpointStatus: 'InService' }),
      NOW,
      'skip',
      true,
      /older than 90 days: expired and dropped/,
    ],
    [
      'expires a parked state and names the kept config',
      saved({ parkedAt: '2026-08-01T00:00:00.000Z' }),
      live(),
      NOW,
      'skip',
      true,
      /expired.*config fraud-rt-config is kept/,
    ],
    [
      'does not expire a state of exactly 90 days',
      saved({ parkedAt: '2026-09-02T09:00:00.000Z' }),
      live(),
      NOW,
      'recreate',
      undefined,
      /re-create fraud-rt/,
    ],
    [
      'restores the scaling of a park that stopped before DeleteEndpoint (same endpoint, InService)',
      saved({ endpointCreatedAt: createdAt }),
      live({ endpointStatus: 'InService', endpointCreatedAt: createdAt }),
      NOW,
      'restore-scaling',
      undefined,
      /park of fraud-rt did not finish/,
    ],
    [
      'waits for a half-done park whose endpoint is still changing',
      saved({ endpointCreatedAt: createdAt }),
      live({ endpointStatus: 'Deleting', endpointCreatedAt: createdAt }),
      NOW,
      'wait',
      undefined,
      /did not finish and it is Deleting/,
    ],
    [
      'names the config KMS key whose policy must allow the role',
      saved(),
      live({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k1' }),
      NOW,
      'recreate',
      undefined,
      /volume key arn:aws:kms:.*key policy must allow this role/,
    ],
  ])('%s', (_name, s, facts, now, type, forget, reason) => {
    // Act
    const decision = planRestore(s, facts, now);
    // Assess
    expect(decision.type).toBe(type);
    expect(decision.reason).toMatch(reason);
    if (forget !== undefined) expect(decision.type === 'skip' && decision.forget).toBe(forget);
  });
});
