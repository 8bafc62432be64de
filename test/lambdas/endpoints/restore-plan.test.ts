import { describe, expect, it } from 'vitest';
import {
  type LiveFacts,
  planRestore,
  type RestoreDecision,
} from '../../../lambdas/endpoints/restore-plan';
import type { SavedEndpoint } from '../../../lambdas/endpoints/types';

function saved(overrides: Partial<SavedEndpoint> = {}): SavedEndpoint {
  return {
    projectId: 'fraud-detection',
    endpointName: 'fraud-rt',
    endpointArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/fraud-rt',
    endpointConfigName: 'fraud-rt-config',
    kind: 'classic',
    action: 'park-endpoint',
    tags: { Project: 'fraud-detection' },
    variants: [{ variantName: 'AllTraffic', desiredInstanceCount: 2 }],
    modelNames: ['fraud-model'],
    scalableTargets: [],
    inferenceComponents: [],
    parkedAt: '2026-11-26T10:00:00.000Z',
    notificationId: 'n1',
    ...overrides,
  };
}

const live = (overrides: Partial<LiveFacts> = {}): LiveFacts => ({
  configExists: true,
  missingModels: [],
  ...overrides,
});
const recreated = { recreatedAt: '2026-12-01T08:00:00.000Z' };

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
    const decision = planRestore(s, facts);
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
    );
    expect(decision.type).toBe('restore-scaling');
    expect(decision).not.toHaveProperty('switchBackToConfig');
  });

  it('forgets only the state of an endpoint that no longer exists', () => {
    const gone = planRestore(saved({ action: 'scale-async-to-zero' }), live());
    const byHand = planRestore(saved(), live({ endpointStatus: 'InService' }));
    expect(gone.type === 'skip' && gone.forget).toBe(true);
    expect(byHand.type === 'skip' && byHand.forget).toBe(false);
  });
});
