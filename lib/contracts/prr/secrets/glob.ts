/**
 * Path globs for the secret-scan allowlist: `*` within a path segment, `**` across segments,
 * `?` one character. Matched by dynamic programming over (pattern, path) positions, so the
 * cost is at most pattern length × path length whatever the pattern (a regular expression
 * with several `.*` can backtrack far longer). Pure.
 */

type Token =
  | { kind: 'star' }
  | { kind: 'globstar' }
  | { kind: 'any' }
  | { kind: 'char'; c: string };

function tokens(glob: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*' && glob.charAt(i + 1) === '*') {
      out.push({ kind: 'globstar' });
      i++;
      // `**/` also matches no directory at all: `**/x` matches `x`.
      if (glob.charAt(i + 1) === '/') i++;
    } else if (c === '*') out.push({ kind: 'star' });
    else if (c === '?') out.push({ kind: 'any' });
    else out.push({ kind: 'char', c });
  }
  return out;
}

/** Whether `path` (with `/` separators) matches `glob` in full. */
export function globMatch(glob: string, path: string): boolean {
  const t = tokens(glob);
  // reach[j]: the first i tokens can match the first j characters of the path.
  let reach = new Array<boolean>(path.length + 1).fill(false);
  reach[0] = true;
  for (const tok of t) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    for (let j = 0; j <= path.length; j++) {
      if (tok.kind === 'star' || tok.kind === 'globstar') {
        // Zero characters, or one more than a shorter match (never `/` for a single star).
        const extend =
          j > 0 && next[j - 1] === true && (tok.kind === 'globstar' || path.charAt(j - 1) !== '/');
        next[j] = reach[j] === true || extend;
      } else if (j > 0 && reach[j - 1] === true) {
        const ch = path.charAt(j - 1);
        next[j] = tok.kind === 'any' ? ch !== '/' : ch === tok.c;
      }
    }
    reach = next;
  }
  return reach[path.length] === true;
}
