/**
 * A {@link KindHandler} for a SageMaker resource kind that has an in-progress listing and a
 * Stop* call (jobs and notebook instances). One factory, so every kind discovers, plans and acts
 * the same way.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ResourceKind } from '../../../lib/config/schema';
import { listPacer } from '../pacer';
import type { KindHandler, SageMakerClients } from '../types';
import { joinLive, type ListedPage, planStop, readAllPages, stopOutcome } from './common';

/** What differs between kinds: the listing, the stop call and the IAM to allow them. */
export interface StopSpec {
  readonly kind: ResourceKind;
  /** Tagging API resource type, e.g. `sagemaker:training-job` (also the ARN resource type). */
  readonly taggingType: string;
  /** The only status in which the Stop* call applies. */
  readonly runningStatus: string;
  /** Machine-readable action name used in decisions, audit and report. */
  readonly action: string;
  /** IAM action of the listing (needs `Resource: *`). */
  readonly listIamAction: string;
  /** IAM action of the stop call (scoped by ARN and `aws:ResourceTag`). */
  readonly stopIamAction: string;
  listPage(client: SageMakerClient, token: string | undefined): Promise<ListedPage>;
  stop(client: SageMakerClient, name: string): Promise<unknown>;
}

/** The clients a stop handler uses. */
type StopClients = Pick<SageMakerClients, 'sagemaker' | 'sagemakerList'>;

/** A kind handler from a {@link StopSpec}. */
export function sageMakerStopHandler(spec: StopSpec): KindHandler<StopClients> & {
  readonly spec: StopSpec;
} {
  return {
    spec,
    kinds: [spec.kind],
    taggingTypes: [spec.taggingType],
    async discover(clients, tagged) {
      // Nothing of this kind carries the project tag: no listing at all.
      if (tagged.length === 0) return [];
      const listed = await readAllPages(async (token) => {
        await listPacer.wait(spec.listIamAction);
        return spec.listPage(clients.sagemakerList ?? clients.sagemaker, token);
      });
      return joinLive(spec.kind, tagged, listed);
    },
    async *discoverPages(clients, tagged) {
      if (tagged.length === 0) return;
      // Same reading as `discover` (every page, empty ones included), one page at a time.
      let token: string | undefined;
      do {
        await listPacer.wait(spec.listIamAction);
        const page = await spec.listPage(clients.sagemakerList ?? clients.sagemaker, token);
        const live = joinLive(spec.kind, tagged, page.items);
        if (live.length > 0) yield live;
        token = page.nextToken || undefined;
      } while (token);
    },
    async *listLive(clients) {
      let token: string | undefined;
      do {
        await listPacer.wait(spec.listIamAction);
        const page = await spec.listPage(clients.sagemakerList ?? clients.sagemaker, token);
        yield page.items.map((i) => ({
          arn: i.arn,
          kind: spec.kind,
          name: i.name,
          status: i.status,
          tags: {},
        }));
        token = page.nextToken || undefined;
      } while (token);
    },
    plan(resource, settings) {
      return planStop(resource, settings, spec);
    },
    act(clients, decision) {
      return stopOutcome(decision, () => spec.stop(clients.sagemaker, decision.resource.name));
    },
  };
}
