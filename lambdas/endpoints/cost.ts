/**
 * What an endpoint still costs per hour while it runs: instance type x instance count per
 * instance-based variant, priced with the dated table in lambdas/shared/pricing.ts. Serverless
 * variants bill per request and count 0 here. Pure.
 */
import { hourlyPriceUsd, PRICE_TABLE_DATE, PRICE_TABLE_REGION } from '../shared/pricing';
import type { VariantInfo } from './types';

export interface RunningCost {
  /** USD per hour; undefined when an instance type is not in the price table. */
  readonly hourlyUsd: number | undefined;
  /** Human-readable breakdown for the report. */
  readonly text: string;
}

/** Instances a variant runs now (current count, else desired count). */
export function instanceCount(v: VariantInfo): number {
  return v.serverless ? 0 : (v.currentInstanceCount ?? v.desiredInstanceCount ?? 0);
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The hourly cost of the endpoint's instances as they run now. */
export function runningCost(variants: readonly VariantInfo[]): RunningCost {
  const billed = variants.filter((v) => instanceCount(v) > 0);
  if (billed.length === 0) return { hourlyUsd: 0, text: 'no instances running ($0.00/h)' };
  let total = 0;
  const unknown: string[] = [];
  const parts = billed.map((v) => {
    const count = instanceCount(v);
    const type = v.instanceType ?? 'unknown type';
    const price = v.instanceType ? hourlyPriceUsd(v.instanceType) : undefined;
    if (price === undefined) {
      unknown.push(type);
      return `${count} x ${type}`;
    }
    total += count * price;
    return `${count} x ${type} at ${usd(price)}/h`;
  });
  if (unknown.length > 0)
    return {
      hourlyUsd: undefined,
      text: `${parts.join(' + ')}: still billed, price of ${[...new Set(unknown)].join(', ')} not in the price table`,
    };
  return {
    hourlyUsd: Math.round(total * 1000) / 1000,
    text: `${parts.join(' + ')} = ${usd(total)}/h still billed (on-demand ${PRICE_TABLE_REGION} list prices of ${PRICE_TABLE_DATE})`,
  };
}
