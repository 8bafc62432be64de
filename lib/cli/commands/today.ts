import { toDay } from '../../contracts/api-contract';
import { type OptionSpec, type OptionValues, stringOption, UsageError } from '../command';

/** `--today`: the commands that judge dates against a calendar decide as of this day. */
export const TODAY_OPTION: OptionSpec = {
  flags: '--today <YYYY-MM-DD>',
  description: 'decide as of this date (default: today, UTC)',
};

/** The `--today` value, or the current UTC date; anything but a calendar date is a usage error. */
export function todayOption(options: OptionValues, now: Date = new Date()): string {
  const today = stringOption(options, 'today') ?? now.toISOString().slice(0, 10);
  if (toDay(today) === undefined)
    throw new UsageError(`--today must be a date as YYYY-MM-DD (got "${today}")`);
  return today;
}
