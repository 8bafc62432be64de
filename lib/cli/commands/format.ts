import { UsageError } from '../command';

/** `list` is a compact terminal view, offered by commands that ask for it. */
export type OutputFormat = 'list' | 'markdown' | 'json';

/**
 * `--format`, with `--json` as a shorthand; the two must agree. Formats are `markdown` and
 * `json`, plus `list` where the command offers it; `fallback` applies without either option.
 */
export function outputFormat(
  values: { format?: string | undefined; json?: boolean },
  offer: { list?: boolean; fallback?: OutputFormat } = {},
): OutputFormat {
  const { format, json } = values;
  const names: readonly OutputFormat[] = offer.list
    ? ['list', 'markdown', 'json']
    : ['markdown', 'json'];
  const chosen = names.find((n) => n === format);
  if (format !== undefined && chosen === undefined)
    throw new UsageError(
      `--format must be ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]} (got "${format}")`,
    );
  if (json && chosen !== undefined && chosen !== 'json')
    throw new UsageError(`--json contradicts --format ${chosen}`);
  return json ? 'json' : (chosen ?? offer.fallback ?? 'markdown');
}
