/** Builders for normalised alarm changes in router tests. */
import type { AlarmChange, AlarmMetric } from '../../../lambdas/paging/alarm-event';

export function alarm(
  name: string,
  overrides: Partial<AlarmChange> & { metric?: Partial<AlarmMetric> } = {},
): AlarmChange {
  const { metric, ...rest } = overrides;
  return {
    alarmName: name,
    alarmArn: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${name}`,
    accountId: '111122223333',
    region: 'eu-west-1',
    state: 'ALARM',
    previousState: 'OK',
    reason: 'Threshold Crossed: 3 datapoints were greater than the threshold',
    stateChangeTime: '2026-11-26T10:00:00.000Z',
    kind: metric ? 'metric' : 'composite',
    metrics: metric ? [{ dimensions: {}, ...metric }] : [],
    via: 'sns',
    ...rest,
  };
}

export const sagemaker = (metricName: string, endpoint: string): Partial<AlarmMetric> => ({
  namespace: 'AWS/SageMaker',
  metricName,
  dimensions: { EndpointName: endpoint, VariantName: 'AllTraffic' },
});
