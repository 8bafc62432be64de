/**
 * Wildcard matching for the policy's alarm globs in linear time.
 *
 * `*` matches any run of characters (also none); every other character is literal and
 * case-sensitive, like CloudWatch alarm names. A regular expression built from the glob
 * (`a*a*a*b` -> `^a.*a.*a.*b$`) backtracks: with many `*` and a long name that almost matches,
 * its cost grows like the name length to the power of the number of stars.
 *
 * Here the pattern is split at `*` into literal segments. The first must be a prefix and the
 * last a suffix of the name; each segment in between is searched left to right from where the
 * previous one ended, and taking its leftmost occurrence is always safe (a later occurrence
 * leaves less room for the segments after it). Each search is Knuth-Morris-Pratt, which never
 * re-reads a character of the name, so a match costs O(pattern + name) steps whatever the input.
 */

/** Outcome of a match and how many comparison steps it took (tests count them). */
export interface GlobResult {
  readonly matched: boolean;
  readonly steps: number;
}

/** KMP failure table of a literal segment. */
function failureTable(segment: string): Int32Array {
  const table = new Int32Array(segment.length);
  let k = 0;
  for (let i = 1; i < segment.length; i++) {
    while (k > 0 && segment[i] !== segment[k]) k = table[k - 1] ?? 0;
    if (segment[i] === segment[k]) k++;
    table[i] = k;
  }
  return table;
}

/**
 * Leftmost index >= `from` and < `limit - segment.length + 1` where `segment` occurs in
 * `value`, or -1; `counter.steps` grows by the characters compared (at most 2 per character).
 */
function indexOfKmp(
  value: string,
  segment: string,
  from: number,
  limit: number,
  counter: { steps: number },
): number {
  if (segment.length === 0) return from;
  const table = failureTable(segment);
  counter.steps += segment.length;
  let k = 0;
  for (let i = from; i < limit; i++) {
    counter.steps++;
    while (k > 0 && value[i] !== segment[k]) {
      k = table[k - 1] ?? 0;
      counter.steps++;
    }
    if (value[i] === segment[k]) k++;
    if (k === segment.length) return i - segment.length + 1;
  }
  return -1;
}

/** Matches `value` against `pattern` and reports the number of comparison steps. */
export function globMatchCounted(pattern: string, value: string): GlobResult {
  const counter = { steps: 0 };
  const segments = pattern.split('*');
  const first = segments[0] ?? '';
  if (segments.length === 1) {
    counter.steps += Math.min(pattern.length, value.length) + 1;
    return { matched: pattern === value, steps: counter.steps };
  }
  const last = segments[segments.length - 1] ?? '';
  counter.steps += first.length + last.length;
  if (
    first.length + last.length > value.length ||
    !value.startsWith(first) ||
    !value.endsWith(last)
  )
    return { matched: false, steps: counter.steps };
  let at = first.length;
  // Middle segments must fit between the prefix and the suffix.
  const end = value.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i] ?? '';
    const found = indexOfKmp(value, segment, at, end, counter);
    if (found < 0 || found + segment.length > end) return { matched: false, steps: counter.steps };
    at = found + segment.length;
  }
  return { matched: true, steps: counter.steps };
}

/** True when `value` matches the glob `pattern` (`*` = any run of characters). */
export function globMatch(pattern: string, value: string): boolean {
  return globMatchCounted(pattern, value).matched;
}
