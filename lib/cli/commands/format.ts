import { UsageError } from '../command';

export type OutputFormat = 'markdown' | 'json';

/** `--format markdown|json`, with `--json` as a shorthand; the two must agree. */
export function outputFormat(values: { format?: string; json?: boolean }): OutputFormat {
  const { format, json } = values;
  if (format !== undefined && format !== 'markdown' && format !== 'json')
    throw new UsageError(`--format must be markdown or json (got "${format}")`);
  if (json && format === 'markdown') throw new UsageError('--json contradicts --format markdown');
  return json ? 'json' : (format ?? 'markdown');
}
