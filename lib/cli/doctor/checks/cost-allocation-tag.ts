import { ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { retry } from '../../../../lambdas/shared/retry';
import type { DoctorCheck } from '../types';

/**
 * Budgets filter on `user:<tag>$<project>`; a tag that is not an active cost-allocation tag
 * leaves every budget at $0, so auto-stop never fires (AWS Billing User Guide, "Activating
 * user-defined cost allocation tags"; Cost Explorer API, ListCostAllocationTags).
 */
export const costAllocationTagCheck: DoctorCheck = {
  name: 'cost-allocation-tag',
  description: 'the project tag is an active cost-allocation tag',
  async run(ctx) {
    const key = ctx.policy.organisation.projectTagKey;
    const out = await retry(
      () =>
        ctx.clients.costExplorer.send(
          new ListCostAllocationTagsCommand({ TagKeys: [key], Type: 'UserDefined' }),
        ),
      ctx.retry,
    );
    const tag = (out.CostAllocationTags ?? []).find((t) => t.TagKey === key);
    if (tag?.Status === 'Active') return [];
    return [
      {
        check: this.name,
        severity: 'blocking',
        problem: tag
          ? `cost-allocation tag "${key}" is ${tag.Status ?? 'not active'}: every budget filtered on it shows $0`
          : `"${key}" is not a cost-allocation tag yet (no tagged spend seen, or never activated): budgets show $0`,
        fix: `activate it in Billing > Cost allocation tags (or: aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=${key},Status=Active) in the management/payer account`,
      },
    ];
  },
};
