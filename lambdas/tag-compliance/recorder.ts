/**
 * Whether this account and region can hold the tag-compliance Config rules. Pure: the recorder
 * states come in, a verdict with one clear message goes out.
 *
 * `PutConfigRule` fails with NoAvailableConfigurationRecorderException when the region has no
 * configuration recorder (AWS Config API Reference, PutConfigRule), and a region holds at most
 * one recorder ("You can have only one configuration recorder per Region", AWS Config
 * Developer Guide, Managing the Configuration Recorder), so creating a second one fails too.
 */

export interface RecorderState {
  readonly name: string;
  readonly recording: boolean;
}

export type RecorderVerdict =
  | { readonly ok: true; readonly note?: string }
  | { readonly ok: false; readonly message: string };

/** The verdict for a deployment that does (`createRecorder`) or does not create a recorder. */
export function recorderPrecondition(
  recorders: readonly RecorderState[],
  createRecorder: boolean,
  where: string,
): RecorderVerdict {
  const [existing] = recorders;
  if (createRecorder) {
    if (existing)
      return {
        ok: false,
        message: `AWS Config in ${where} already has a configuration recorder ("${existing.name}") and a region holds only one. Fix: set tagCompliance.createConfigRecorder: false in the policy (the rules use the existing recorder), then deploy again.`,
      };
    return { ok: true };
  }
  if (!existing)
    return {
      ok: false,
      message: `AWS Config in ${where} has no configuration recorder, so its Config rules cannot be created (PutConfigRule: NoAvailableConfigurationRecorderException). Fix: set tagCompliance.createConfigRecorder: true in the policy, or turn on AWS Config recording in this region (console, Control Tower or your organisation's setup), then deploy again.`,
    };
  if (!existing.recording)
    return {
      ok: true,
      note: `AWS Config recorder "${existing.name}" in ${where} exists but is not recording: the REQUIRED_TAGS rules will report nothing until it records (StartConfigurationRecorder).`,
    };
  return { ok: true };
}
