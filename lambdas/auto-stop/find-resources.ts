/**
 * Steps 3-4 of a run: the project's running resources in every region it lists, and a decision
 * for each, handed to `onDecisions` as they are found. Changes nothing itself.
 *
 * Jobs and notebooks come from the kind registry: running candidates first (see discovery.ts),
 * then only their tags, 100 ARNs per GetResources call, buffered across kinds of a region so the
 * tag reads stay at ceil(candidates / 100). Other kind handlers (endpoints) get the project's
 * tagged ARNs of their types and discover themselves.
 */
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { projectRegions } from '../../lib/config/naming';
import type { GuardrailsPolicy, ResourceKind } from '../../lib/config/schema';
import { STOPPABLE_SPECS } from '../shared/sagemaker-kinds';
import { ARNS_PER_TAG_READ, readTaggedResources, readTagsOfArns } from '../shared/tagging';
import { type Candidate, type DiscoveryRecord, discoverKind } from './discovery';
import { planStop } from './plan';
import type {
  Decision,
  KindHandler,
  Progress,
  Resource,
  RunContext,
  SageMakerClients,
} from './types';

/** The clients of one region. */
export interface RegionClients extends SageMakerClients {
  readonly tagging: ResourceGroupsTaggingAPIClient;
}

export interface FindDeps {
  readonly policy: GuardrailsPolicy;
  /** One set of clients per region the policy's projects list. */
  readonly regions: ReadonlyMap<string, RegionClients>;
  /** The region the guardrails are deployed in (a project without `regions` runs there). */
  readonly deploymentRegion: string;
  /** Kind handlers outside the registry (endpoints). */
  readonly handlers: readonly KindHandler<SageMakerClients>[];
  /** Waits before a List* call so listings keep their rate. */
  readonly pace: (operation: string) => Promise<void>;
  readonly onProgress?: (progress: Progress) => void;
}

export interface FoundResources {
  readonly found: number;
  readonly decisions: Decision[];
  readonly discovery: DiscoveryRecord[];
  readonly unhandledKinds: ResourceKind[];
}

export async function findAndPlan(
  deps: FindDeps,
  ctx: RunContext,
  onDecisions: (decisions: Decision[]) => void = () => {},
): Promise<FoundResources> {
  const enabled = new Set(ctx.settings.resourceKinds);
  const specs = STOPPABLE_SPECS.filter((s) => enabled.has(s.kind as ResourceKind));
  const handlers = deps.handlers.filter((h) => h.kinds.some((k) => enabled.has(k)));
  const covered = new Set<string>([
    ...specs.map((s) => s.kind),
    ...handlers.flatMap((h) => h.kinds),
  ]);
  const unhandledKinds = ctx.settings.resourceKinds.filter((k) => !covered.has(k));
  const projectTag = { key: deps.policy.organisation.projectTagKey, value: ctx.project.id };

  const decisions: Decision[] = [];
  const discovery: DiscoveryRecord[] = [];
  let found = 0;
  const take = (planned: Decision[]) => {
    if (planned.length === 0) return;
    found += planned.length;
    decisions.push(...planned);
    onDecisions(planned);
  };
  const now = ctx.now();

  const inRegion = async (region: string) => {
    const clients = deps.regions.get(region);
    if (!clients)
      throw new Error(`No SageMaker clients for region ${region} (project ${ctx.project.id})`);
    const list: SageMakerClient = clients.sagemakerList ?? clients.sagemaker;
    const planOne = (
      c: Candidate,
      tags: Readonly<Record<string, string>>,
    ): Decision | undefined => {
      // Only the project's own resources; the tag is re-read here, never taken from a listing.
      if (tags[projectTag.key] !== projectTag.value) return undefined;
      const spec = specs.find((s) => s.kind === c.kind);
      if (!spec) return undefined;
      const resource: Resource = {
        arn: c.arn,
        kind: c.kind as ResourceKind,
        name: c.name,
        status: c.status,
        tags,
      };
      return planStop(
        resource,
        ctx.settings,
        { runningStatus: spec.runningStatus, action: spec.stopAction },
        now,
      );
    };
    // Candidates without tags wait here until 100 are ready (or discovery of the region ends).
    let untagged: Candidate[] = [];
    let tagReads = Promise.resolve();
    const flush = (all: boolean) => {
      while (untagged.length >= ARNS_PER_TAG_READ || (all && untagged.length > 0)) {
        const chunk = untagged.slice(0, ARNS_PER_TAG_READ);
        untagged = untagged.slice(ARNS_PER_TAG_READ);
        tagReads = tagReads.then(async () => {
          const { resources } = await readTagsOfArns(
            clients.tagging,
            chunk.map((c) => c.arn),
          );
          const byArn = new Map(resources.map((r) => [r.arn, r.tags]));
          take(chunk.flatMap((c) => planOne(c, byArn.get(c.arn) ?? {}) ?? []));
        });
        // Failures surface at the final `await tagReads`; this keeps the chain handled meanwhile.
        tagReads.catch(() => {});
      }
    };
    const kindDone = specs.map(async (spec) => {
      const { record, pages } = discoverKind({
        spec,
        region,
        sagemaker: list,
        tagging: clients.tagging,
        projectTag,
        now,
        pace: (op) => deps.pace(`${region}:${op}`),
      });
      discovery.push(record);
      for await (const page of pages) {
        const withTags = page.filter((c) => c.tags !== undefined);
        take(withTags.flatMap((c) => planOne(c, c.tags ?? {}) ?? []));
        untagged.push(...page.filter((c) => c.tags === undefined));
        flush(false);
      }
    });
    const handlerDone = handlers.map(async (h) => {
      const { resources } = await readTaggedResources(clients.tagging, {
        resourceTypes: h.taggingTypes,
        tag: projectTag,
      });
      const mine = resources.filter((r) => r.arn.split(':')[3] === region);
      if (h.discoverPages)
        for await (const page of h.discoverPages(clients, mine, ctx))
          take(page.map((r) => h.plan(r, ctx.settings)));
      else take((await h.discover(clients, mine, ctx)).map((r) => h.plan(r, ctx.settings)));
    });
    await Promise.all([...kindDone, ...handlerDone]);
    flush(true);
    await tagReads;
  };

  await Promise.all(projectRegions(ctx.project, deps.deploymentRegion).map(inRegion));
  deps.onProgress?.({
    phase: 'plan',
    resources: decisions.length,
    actions: decisions.filter((d) => d.type === 'act').length,
  });
  return { found, decisions, discovery, unhandledKinds };
}
