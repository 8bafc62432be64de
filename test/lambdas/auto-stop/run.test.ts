import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type AutoStopClients, planProject } from '../../../lambdas/auto-stop/run';
import type {
  KindHandler,
  Resource,
  RunContext,
  SageMakerClients,
} from '../../../lambdas/auto-stop/types';
import { examplePolicy } from '../../helpers/app';
import { arnOf, resource } from './fakes';

const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const policy = examplePolicy();
const project = policy.projects[0];
if (!project) throw new Error('no project');
const ctx: RunContext = {
  project,
  settings: project.autoStop,
  notificationId: 'n',
  now: () => new Date(),
};
const clients = { tagging: new ResourceGroupsTaggingAPIClient({}) } as unknown as AutoStopClients;

/** A handler whose listing yields the given pages and records how many it was asked for. */
function listingHandler(pages: Resource[][]) {
  const seen = { pages: 0 };
  const handler: KindHandler<SageMakerClients> = {
    kinds: ['training-job'],
    taggingTypes: ['sagemaker:training-job'],
    discover: async () => [],
    async *listLive() {
      for (const page of pages) {
        seen.pages++;
        // Give the tagging reply time to arrive between pages.
        await new Promise((r) => setTimeout(r, 5));
        yield page;
      }
    },
    plan: (r) => ({ type: 'act', resource: r, action: 'stop-training-job', reason: 'test' }),
    act: async () => {
      throw new Error('not used');
    },
  };
  return { handler, seen };
}

const live = (name: string) => resource({ name, tags: {} });

afterEach(() => {
  tagging.reset();
});

describe('planProject', () => {
  it('keeps only listed resources the tagging API returns, with their tags, even if listed first', async () => {
    // Prepare: the listing starts before the tagging reply.
    tagging.on(GetResourcesCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return {
        ResourceTagMappingList: [
          {
            ResourceARN: arnOf('training-job', 'a'),
            Tags: [{ Key: 'Project', Value: 'fraud-detection' }],
          },
          {
            ResourceARN: arnOf('training-job', 'gone'),
            Tags: [{ Key: 'Project', Value: 'fraud-detection' }],
          },
        ],
      };
    });
    const { handler } = listingHandler([[live('a'), live('other-project')], [], [live('b')]]);
    // Act
    const plan = await planProject({ policy, clients, handlers: [handler] }, ctx);
    // Assess
    expect(plan.decisions.map((d) => d.resource.name)).toEqual(['a']);
    expect(plan.decisions[0]?.resource.tags).toEqual({ Project: 'fraud-detection' });
    expect(plan.tagged).toBe(2);
  });

  it('stops reading a listing once no resource of its kind carries the project tag', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    const { handler, seen } = listingHandler([[live('x')], [live('y')], [live('z')], [live('w')]]);
    const plan = await planProject({ policy, clients, handlers: [handler] }, ctx);
    expect(plan.decisions).toEqual([]);
    expect(seen.pages).toBeLessThan(4);
  });

  it('hands decisions over page by page as they are planned', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: ['a', 'b'].map((n) => ({
        ResourceARN: arnOf('training-job', n),
        Tags: [],
      })),
    });
    const { handler } = listingHandler([[live('a')], [live('b')]]);
    const batches: string[][] = [];
    await planProject({ policy, clients, handlers: [handler] }, ctx, (d) =>
      batches.push(d.map((x) => x.resource.name)),
    );
    expect(batches).toEqual([['a'], ['b']]);
  });

  it('names enabled kinds that no handler of this build covers', async () => {
    tagging.on(GetResourcesCommand).resolves({});
    const { handler } = listingHandler([]);
    const plan = await planProject({ policy, clients, handlers: [handler] }, ctx);
    expect(plan.unhandledKinds).toContain('endpoint');
    expect(plan.unhandledKinds).not.toContain('training-job');
  });
});
