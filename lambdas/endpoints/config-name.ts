/** Naming of the endpoint config copy auto-stop creates to lower managed-instance minimums. */

/** Suffix of the endpoint config copy whose managed-instance minimums are 0. */
export const MIN_ZERO_SUFFIX = '-gr-min0';

/** Name of the min-0 copy of an endpoint config, within SageMaker's 63 characters. */
export function minZeroConfigName(configName: string): string {
  if (configName.endsWith(MIN_ZERO_SUFFIX)) return configName;
  return `${configName.slice(0, 63 - MIN_ZERO_SUFFIX.length)}${MIN_ZERO_SUFFIX}`;
}
