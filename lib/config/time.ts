/** True when the runtime's ICU data knows this IANA time zone (e.g. `Europe/Berlin`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
