/**
 * On-demand list prices of common SageMaker real-time hosting instance types in us-east-1, so a
 * report can say what an endpoint left running still costs per hour. A small dated table, not a
 * pricing service: prices differ by region, change over time, and savings plans lower them; the
 * authoritative source is https://aws.amazon.com/sagemaker/pricing/ (Real-Time Inference tab).
 * Each price names the public page it was read from.
 */

/** The day the table was last checked. */
export const PRICE_TABLE_DATE = '2026-03-15';
/** The region the prices are for. */
export const PRICE_TABLE_REGION = 'us-east-1';

export interface InstancePrice {
  /** On-demand USD per instance-hour for real-time hosting. */
  readonly usdPerHour: number;
  /** Where the price was read, with the page's date. */
  readonly source: string;
}

const WRING = 'wring.co, "SageMaker Inference: Real-Time vs Serverless", 2026-03-15';
const ZIRCON =
  'zircon.tech, "The real cost of running AI models on AWS SageMaker", us-east-1, October 2025';

/** SageMaker hosting instance types and their hourly on-demand price (us-east-1). */
export const HOSTING_PRICES: Readonly<Record<string, InstancePrice>> = {
  'ml.t3.medium': { usdPerHour: 0.05, source: WRING },
  'ml.c7g.large': { usdPerHour: 0.1, source: WRING },
  'ml.m5.xlarge': { usdPerHour: 0.269, source: ZIRCON },
  'ml.inf2.xlarge': { usdPerHour: 0.76, source: WRING },
  'ml.g5.xlarge': { usdPerHour: 1.41, source: ZIRCON },
  'ml.g5.2xlarge': { usdPerHour: 1.52, source: WRING },
  'ml.p4d.24xlarge': { usdPerHour: 37.69, source: WRING },
};

/** The hourly on-demand price of one hosting instance, or undefined when the table lacks it. */
export function hourlyPriceUsd(instanceType: string): number | undefined {
  return HOSTING_PRICES[instanceType]?.usdPerHour;
}
