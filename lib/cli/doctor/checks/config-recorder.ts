import { readRecorders } from '../../../../lambdas/tag-compliance/config';
import type { DoctorCheck } from '../types';

/** The tag-compliance Config rules need a recorder that records (AWS Config Developer Guide). */
export const configRecorderCheck: DoctorCheck = {
  name: 'config-recorder',
  description: 'an AWS Config recorder exists in this region and records',
  async run(ctx) {
    const recorders = await readRecorders(ctx.clients.config, ctx.retry);
    const [recorder] = recorders;
    if (!recorder)
      return [
        {
          check: this.name,
          severity: 'blocking',
          problem: `AWS Config has no configuration recorder in ${ctx.region}: the tag-compliance rules cannot be created or evaluate nothing`,
          fix: 'set tagCompliance.createConfigRecorder: true in the policy and deploy, or turn on AWS Config recording in this region',
        },
      ];
    if (!recorder.recording)
      return [
        {
          check: this.name,
          severity: 'blocking',
          problem: `AWS Config recorder "${recorder.name}" in ${ctx.region} is not recording: REQUIRED_TAGS rules report nothing`,
          fix: `aws configservice start-configuration-recorder --configuration-recorder-name ${recorder.name}`,
        },
      ];
    return [];
  },
};
