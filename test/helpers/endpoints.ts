/** Builders for endpoint resources and settings shared by the endpoint tests. */

import type { Resource, RunContext } from '../../lambdas/auto-stop/types';
import type { EndpointDetails, SavedEndpoint } from '../../lambdas/endpoints/types';
import type { AutoStopSettings, Project } from '../../lib/config/schema';
import { examplePolicy } from './app';

export const ACCOUNT = '111122223333';
export const endpointArn = (name: string) =>
  `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/${name}`;

export function settings(classic: 'report-only' | 'park' = 'report-only'): AutoStopSettings {
  return {
    thresholdPct: 95,
    mode: 'enforce',
    resourceKinds: ['endpoint'],
    exemptionTag: 'ml-guardrails:exempt',
    verifySpend: true,
    endpoints: { classic },
    exemptions: [],
  };
}

export function details(overrides: Partial<EndpointDetails> = {}): EndpointDetails {
  return {
    endpointKind: 'classic',
    endpointName: 'fraud-rt',
    endpointConfigName: 'fraud-rt-config',
    configExists: true,
    variants: [
      {
        variantName: 'AllTraffic',
        instanceType: 'ml.m5.xlarge',
        currentInstanceCount: 2,
        serverless: false,
        modelName: 'fraud-model',
      },
    ],
    inferenceComponents: [],
    scalableTargets: [],
    ...overrides,
  };
}

export function resource(
  d: Partial<EndpointDetails> = {},
  status = 'InService',
  tags: Record<string, string> = { Project: 'fraud-detection' },
): Resource {
  const full = details(d);
  return {
    arn: endpointArn(full.endpointName),
    kind: 'endpoint',
    name: full.endpointName,
    status,
    tags,
    details: full as unknown as Record<string, unknown>,
  };
}

export function project(classic: 'report-only' | 'park' = 'park'): Project {
  const p = examplePolicy().projects[0];
  if (!p) throw new Error('example policy has no project');
  return { ...p, id: 'fraud-detection', autoStop: settings(classic) };
}

export function runContext(classic: 'report-only' | 'park' = 'park'): RunContext {
  return {
    project: project(classic),
    settings: settings(classic),
    notificationId: 'sns-message-1',
    now: () => new Date('2026-11-26T10:00:00.000Z'),
  };
}

/** What auto-stop saved when it parked the classic endpoint `fraud-rt` (two instances). */
export function savedEndpoint(overrides: Partial<SavedEndpoint> = {}): SavedEndpoint {
  return {
    projectId: 'fraud-detection',
    endpointName: 'fraud-rt',
    endpointArn: endpointArn('fraud-rt'),
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
