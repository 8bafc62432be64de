/**
 * Adapter for secretlint (https://github.com/secretlint/secretlint) with its recommended rule
 * preset: the maintained rules for credential formats (AWS, GCP, GitHub, Slack, npm, OpenAI,
 * Anthropic, private keys, database connection strings, basic auth in URLs, ...).
 *
 * secretlint is an ES module; it is loaded with a dynamic import so the CommonJS CLI and the
 * tests can use it.
 */
import type { RawFinding } from './line-rules';

/** Scans one piece of text; offsets are relative to the piece. */
export type PieceScanner = (text: string, file: string) => Promise<RawFinding[]>;

const PRESET = '@secretlint/secretlint-rule-preset-recommend';

/** Short rule name for reports: `@secretlint/secretlint-rule-github` -> `github`. */
export function shortRuleId(ruleId: string): string {
  return ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
}

/** A scanner backed by secretlint's core and the recommended preset. */
export async function createSecretlintScanner(): Promise<PieceScanner> {
  const [{ lintSource }, { creator }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
  ]);
  const config = {
    rules: [
      {
        id: PRESET,
        rule: creator,
        rules: [
          // An access key id alone identifies a key; reported because it sits next to its
          // secret in most leaks (rule option documented in secretlint-rule-aws's README).
          { id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } },
          // `secretlint-disable` comments would let the reviewed repository silence the scan;
          // exceptions go through the deployment file's allowlist, which needs a sign-off.
          { id: '@secretlint/secretlint-rule-filter-comments', disabled: true },
        ],
      },
    ],
  };
  return async (text, file) => {
    const result = await lintSource({
      source: { content: text, filePath: file, ext: extname(file), contentType: 'text' },
      options: { config, maskSecrets: true, noPhysicFilePath: true },
    });
    return result.messages.map((m) => ({
      rule: shortRuleId(m.ruleId),
      start: m.range[0],
      end: m.range[1],
    }));
  };
}

function extname(file: string): string {
  const m = /\.[^./]+$/.exec(file);
  return m ? m[0] : '';
}
