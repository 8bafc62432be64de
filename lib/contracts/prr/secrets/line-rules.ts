/**
 * The rules secretlint's recommended preset does not have: secrets assigned to a secret-named
 * key in any config or code format (unquoted YAML `password:`, `.env` and shell assignments,
 * Dockerfile `ENV`/`ARG`), and the values of Kubernetes `Secret` manifests.
 *
 * Every pattern has bounded quantifiers and runs on lines of at most a few KiB (see
 * segments.ts), so its cost is linear in the size of the file. Pure.
 */
import type { Line } from './segments';

/** A match: the rule and where the secret is in the scanned stream. */
export interface RawFinding {
  readonly rule: string;
  readonly start: number;
  readonly end: number;
  /** 1-based line of the secret, when the rule knows it. */
  readonly line?: number;
}

const SECRET_WORD =
  '(?:secret|passw(?:or)?d|pwd|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key|client[_-]?secret|credentials?)';

/** `password = "…"`, `API_TOKEN: …`, `"token": "…"`, `export DB_PASSWORD=…`. */
const ASSIGNMENT = new RegExp(
  `(?<![A-Za-z0-9])[A-Za-z0-9_.-]{0,40}${SECRET_WORD}[A-Za-z0-9_-]{0,40}["']?[ \\t]{0,8}(?::=|=>|[:=])[ \\t]{0,8}(?<q>["']?)(?<secret>[^\\s"'#,;(){}\\[\\]]{6,256})\\k<q>`,
  'gi',
);

/** Dockerfile `ENV NAME=value`, `ENV NAME value` and `ARG NAME=value` (Dockerfile reference). */
const DOCKERFILE = new RegExp(
  `^[ \\t]{0,16}(?:ENV|ARG)[ \\t]{1,16}[A-Za-z0-9_.-]{0,40}${SECRET_WORD}[A-Za-z0-9_-]{0,40}(?:=|[ \\t]{1,16})(?<q>["']?)(?<secret>[^\\s"']{6,256})\\k<q>`,
  'gi',
);

/** Values that say where a secret comes from rather than being one. */
const PLACEHOLDER =
  /^(?:\$\{.{0,200}\}|\$\(.{0,200}\)|\$[A-Za-z_][A-Za-z0-9_]{0,100}|\{\{.{0,200}\}\}|<[^>]{0,200}>|%\(?\w{0,100}\)?s?|\*+|x+|\.\.\.|!\w+|.{0,100}(?:changeme|change_me|example|placeholder|dummy|redacted|your[_-]|xxxx|fake|sample|not[_-]?a[_-]?secret).{0,100})$/i;

/** An identifier or a dotted reference (`settings.API_KEY`, `get_token`, `true`): a name, no digits. */
const NAME = /^[A-Za-z_$][A-Za-z_$.-]{0,255}$/;

/** References to files, URLs, and type names are not secret values. */
const REFERENCE = /^(?:https?:\/\/|\/|\.\/|\.\.\/)|\.(?:json|ya?ml|pem|txt|key|crt|env|ini|cfg)$/i;

/** Whether a matched value is worth reporting. */
export function isSecretValue(value: string): boolean {
  return !PLACEHOLDER.test(value) && !NAME.test(value) && !REFERENCE.test(value);
}

function matches(re: RegExp, line: Line, rule: string): RawFinding[] {
  const out: RawFinding[] = [];
  for (const m of line.text.matchAll(re)) {
    const value = m.groups?.secret;
    if (value === undefined || !isSecretValue(value)) continue;
    const at = (m.index ?? 0) + m[0].length - value.length - (m.groups?.q?.length ?? 0);
    out.push({
      rule,
      start: line.start + at,
      end: line.start + at + value.length,
      line: line.line,
    });
  }
  return out;
}

const K8S_KIND_SECRET = /^kind:[ \t]{0,8}["']?Secret["']?[ \t]*$/;
const K8S_DATA = /^(?:data|stringData):[ \t]*$/;
const K8S_ENTRY =
  /^([ \t]{1,16})[A-Za-z0-9_.-]{1,253}:[ \t]{0,8}(?<q>["']?)(?<v>[^\s"']{1,4096})\k<q>[ \t]*$/;

/**
 * Line rules of one file. Kubernetes `Secret` documents are recognised whatever the order of
 * their keys: the entries of `data`/`stringData` are collected per YAML document and reported
 * when the document turns out to be of kind Secret (Kubernetes docs, "Secrets": every value
 * under `data` is base64 of a secret, every value under `stringData` a secret in clear).
 */
export class LineRules {
  private readonly dockerfile: boolean;
  private readonly yaml: boolean;
  private isSecretDoc = false;
  private inData = false;
  private dataEntries: RawFinding[] = [];

  constructor(file: string) {
    const base = file.split('/').pop() ?? file;
    this.dockerfile = /(^|\.)(Dockerfile|Containerfile)$|^(Dockerfile|Containerfile)(\.|$)/i.test(
      base,
    );
    this.yaml = /\.ya?ml$/i.test(base);
  }

  line(line: Line): RawFinding[] {
    const out = matches(ASSIGNMENT, line, 'secret-assignment');
    if (this.dockerfile) out.push(...matches(DOCKERFILE, line, 'dockerfile-secret'));
    if (this.yaml) out.push(...this.kubernetes(line));
    return out;
  }

  end(): RawFinding[] {
    return this.documentEnd();
  }

  private kubernetes(line: Line): RawFinding[] {
    const text = line.text;
    if (/^---/.test(text)) return this.documentEnd();
    if (K8S_KIND_SECRET.test(text)) this.isSecretDoc = true;
    if (K8S_DATA.test(text)) {
      this.inData = true;
      return [];
    }
    if (this.inData) {
      const m = K8S_ENTRY.exec(text);
      if (
        m?.groups?.v !== undefined &&
        !PLACEHOLDER.test(m.groups.v) &&
        !/^[|>][-+]?$/.test(m.groups.v)
      ) {
        const at = text.length - text.trimEnd().length;
        const end = text.length - at - (m.groups.q?.length ?? 0);
        this.dataEntries.push({
          rule: 'kubernetes-secret',
          start: line.start + end - m.groups.v.length,
          end: line.start + end,
          line: line.line,
        });
      } else if (/^\S/.test(text)) this.inData = false;
    }
    return [];
  }

  private documentEnd(): RawFinding[] {
    const out = this.isSecretDoc ? this.dataEntries : [];
    this.isSecretDoc = false;
    this.inData = false;
    this.dataEntries = [];
    return out;
  }
}
