/**
 * A secret scanner with no dependencies: specific rules for well-known credential formats,
 * keyword-anchored rules for generic secrets, and Shannon entropy for random-looking strings.
 * Findings never carry the secret itself, only a redacted preview, because the report ends up
 * in CI logs.
 */

export interface SecretFinding {
  readonly rule: string;
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** First 4 characters and the length, never the value. */
  readonly preview: string;
}

interface SecretRule {
  readonly id: string;
  /** Global regex; group `secret` is the value (the whole match when absent). */
  readonly pattern: RegExp;
  /** Extra test on the value (e.g. entropy); false drops the match. */
  readonly accept?: (value: string, line: string) => boolean;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Thresholds as in Yelp's detect-secrets defaults (`--base64-limit` defaults to 4.5,
 * `--hex-limit` to 3.0; detect_secrets/core/usage.py).
 */
export const BASE64_ENTROPY_LIMIT = 4.5;
export const HEX_ENTROPY_LIMIT = 3.0;

const SECRET_WORD =
  /([_-]key\b|\bkey\b|secret|passw(or)?d|pwd|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth)/i;

/** Values that document where a secret goes rather than being one. */
const PLACEHOLDER =
  /^(\$\{.*\}|\$\(.*\)|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|<[^>]*>|%\(?\w+\)?s?|\*+|x+|\.\.\.|.*(changeme|change_me|example|placeholder|dummy|redacted|your[_-]|xxxx|fake|sample|not[_-]?a[_-]?secret).*)$/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/**
 * Names rather than values: `x-api-key`, `DB_PASSWORD`, `auth.token` (one case, no digits).
 * The price is missing an all-lower-case passphrase without digits; the entropy rule cannot
 * see those either.
 */
export function looksLikeName(value: string): boolean {
  return /^[a-z][a-z_./-]*$/.test(value) || /^[A-Z][A-Z_./-]*$/.test(value);
}

function mixedClasses(s: string): boolean {
  return /[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s);
}

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    pattern: /-----BEGIN ((RSA|EC|DSA|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY( BLOCK)?-----/g,
  },
  // AWS access key ids: AKIA (access key), ASIA (temporary STS keys), ABIA (STS service bearer
  // token), ACCA (context-specific credential): IAM User Guide, "IAM identifiers", unique ID prefixes.
  { id: 'aws-access-key-id', pattern: /\b(?<secret>(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b/g },
  {
    id: 'aws-secret-access-key',
    pattern:
      /aws.{0,20}(secret|sk|private).{0,20}?['"=:\s]+(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  { id: 'github-token', pattern: /\b(?<secret>(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255})\b/g },
  { id: 'github-token', pattern: /\b(?<secret>github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { id: 'slack-token', pattern: /\b(?<secret>xox[abposr]-[A-Za-z0-9-]{10,})\b/g },
  {
    id: 'slack-webhook',
    pattern:
      /(?<secret>https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+)/g,
  },
  { id: 'stripe-key', pattern: /\b(?<secret>(sk|rk)_live_[A-Za-z0-9]{20,})\b/g },
  { id: 'google-api-key', pattern: /\b(?<secret>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g },
  {
    id: 'credentials-in-url',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"]+:(?<secret>[^/\s:@'"]{3,})@/gi,
    accept: (v) => !isPlaceholder(v),
  },
  // `password = "..."`, `api_key: '...'`, `"token": "..."` in any language or config format.
  {
    id: 'generic-secret',
    pattern:
      /\b\w*(secret|passw(or)?d|pwd|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|credential)s?\w*['"]?\s*(:=|=>|[:=])\s*(?<q>['"])(?<secret>[^'"\s]{8,})\k<q>/gi,
    accept: (v) =>
      !isPlaceholder(v) &&
      !looksLikeName(v) &&
      !/^https?:\/\//.test(v) &&
      !/^[\w./-]+\.(json|ya?ml|pem|txt|key|crt)$/.test(v),
  },
  // Unquoted assignments in .env, shell and properties files: `DB_PASSWORD=s3cr3t...`.
  {
    id: 'generic-secret',
    pattern:
      /^\s*(export\s+)?[A-Za-z_]*(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|ACCESS_KEY)[A-Za-z_]*\s*=\s*(?<secret>[^\s'"#$]{8,})\s*$/gim,
    accept: (v) => !isPlaceholder(v) && !looksLikeName(v),
  },
  {
    id: 'high-entropy-string',
    pattern: /(?<![A-Za-z0-9+/=_-])(?<secret>[A-Za-z0-9+/_-]{20,}={0,2})(?![A-Za-z0-9+/=_-])/g,
    accept: (v, line) =>
      mixedClasses(v) &&
      shannonEntropy(v) >= BASE64_ENTROPY_LIMIT &&
      // Content hashes of lockfiles, images and SRI attributes are not secrets.
      !/(sha(1|256|384|512)[:-]|integrity|data:[\w/+.-]+;base64,|"image\/)/i.test(line),
  },
  {
    id: 'high-entropy-hex',
    pattern: /(?<![0-9a-fA-F])(?<secret>[0-9a-fA-F]{32,})(?![0-9a-fA-F])/g,
    // Hex is everywhere (commit SHAs, digests); only a secret keyword on the line makes it one.
    accept: (v, line) =>
      shannonEntropy(v) >= HEX_ENTROPY_LIMIT &&
      SECRET_WORD.test(line) &&
      !/(sha(1|256|384|512)|digest|commit|checksum)/i.test(line),
  },
];

/** Files whose only long random strings are content hashes. */
const LOCKFILE =
  /(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|uv\.lock|go\.sum|Cargo\.lock|requirements[\w.-]*\.txt)$/;

/**
 * AWS documents its example credentials with EXAMPLE in them (AKIAIOSFODNN7EXAMPLE and
 * wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, AKIAI44QH8DHBEXAMPLE in the AWS CLI User Guide
 * examples of `aws configure` and the credentials file).
 */
const DOCUMENTED_EXAMPLE = /EXAMPLE/;

/** An inline marker that accepts a reviewed false positive on its line. */
export const ALLOW_MARKER = 'guardrails:allow-secret';

export interface ScanOptions {
  /** Exact values that are known not to be secrets. */
  readonly allowValues?: readonly string[];
}

function redact(value: string): string {
  return `${value.slice(0, 4)}… (${value.length} chars)`;
}

/** Findings in one text file. */
export function scanText(file: string, text: string, options: ScanOptions = {}): SecretFinding[] {
  const allow = new Set(options.allowValues ?? []);
  const lockfile = LOCKFILE.test(file);
  const lines = text.split(/\r?\n/);
  const findings: SecretFinding[] = [];
  const seen = new Set<string>();
  // Multi-line rules are not needed: every rule matches within one line, so scan line by line.
  lines.forEach((line, i) => {
    if (line.includes(ALLOW_MARKER)) return;
    for (const rule of SECRET_RULES) {
      if (lockfile && rule.id.startsWith('high-entropy')) continue;
      for (const m of line.matchAll(rule.pattern)) {
        const value = m.groups?.secret ?? m[0];
        if (DOCUMENTED_EXAMPLE.test(value) || allow.has(value)) continue;
        if (rule.accept && !rule.accept(value, line)) continue;
        // One finding per value and line: the most specific rule (listed first) names it.
        const key = `${i}:${value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({ rule: rule.id, file, line: i + 1, preview: redact(value) });
      }
    }
  });
  return findings;
}

/** Minimal glob: `*` within a path segment, `**` across segments. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*' && glob.charAt(i + 1) === '*') {
      re += '.*';
      i++;
      if (glob.charAt(i + 1) === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
