/**
 * Finds which logging and metrics libraries the model's code uses, by import and call patterns.
 * Comment lines are ignored so a commented-out import does not count.
 */
import type { SourceFile } from '../types';

export type Language = 'python' | 'typescript';

const EXTENSIONS: Record<string, Language> = {
  py: 'python',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'typescript',
  mjs: 'typescript',
  cjs: 'typescript',
};

/** Language of a source file by extension (JavaScript counts as TypeScript). */
export function languageOf(file: string): Language | undefined {
  const ext = /\.([a-z]+)$/.exec(file)?.[1];
  return ext === undefined ? undefined : EXTENSIONS[ext];
}

/** A library the review recognises: how it is imported and how it is called. */
export interface LibraryPattern {
  readonly name: string;
  readonly language: Language;
  readonly imports: readonly RegExp[];
  readonly calls: readonly RegExp[];
}

/** Import of an npm module, ESM or CommonJS. */
const jsImport = (module: string) =>
  new RegExp(
    `(?:from\\s+['"]${module}(?:/[^'"]*)?['"]|require\\(\\s*['"]${module}(?:/[^'"]*)?['"]\\s*\\)|import\\s+['"]${module}['"])`,
  );

export const LOGGING_LIBRARIES: readonly LibraryPattern[] = [
  {
    name: 'Python logging',
    language: 'python',
    imports: [/^\s*import\s+logging\b/m, /^\s*from\s+logging(\.\w+)?\s+import\b/m],
    calls: [/\blogging\.getLogger\(/, /\blogging\.(debug|info|warning|error|exception|critical)\(/],
  },
  {
    name: 'structlog',
    language: 'python',
    imports: [/^\s*import\s+structlog\b/m, /^\s*from\s+structlog\b/m],
    calls: [/\bstructlog\.(get_logger|getLogger|configure)\(/, /\bget_logger\(/],
  },
  {
    name: 'loguru',
    language: 'python',
    imports: [/^\s*from\s+loguru\s+import\s+logger\b/m, /^\s*import\s+loguru\b/m],
    calls: [/\blogger\.(debug|info|warning|error|exception|critical|bind|add)\(/],
  },
  {
    name: 'Powertools Logger (Python)',
    language: 'python',
    imports: [/^\s*from\s+aws_lambda_powertools(\.logging)?\s+import\s+[^\n]*\bLogger\b/m],
    calls: [/\bLogger\(/],
  },
  {
    name: 'Powertools Logger',
    language: 'typescript',
    imports: [jsImport('@aws-lambda-powertools/logger')],
    calls: [/\bnew\s+Logger\(/],
  },
  {
    name: 'pino',
    language: 'typescript',
    imports: [jsImport('pino')],
    calls: [/\bpino\(/],
  },
  {
    name: 'winston',
    language: 'typescript',
    imports: [jsImport('winston')],
    calls: [/\b(winston\.)?createLogger\(/],
  },
];

export const METRICS_LIBRARIES: readonly LibraryPattern[] = [
  {
    name: 'prometheus_client',
    language: 'python',
    imports: [/^\s*(from\s+prometheus_client\b|import\s+prometheus_client\b)/m],
    calls: [/\b(Counter|Histogram|Gauge|Summary)\(/, /\bstart_http_server\(/, /\bmake_asgi_app\(/],
  },
  {
    name: 'OpenTelemetry metrics (Python)',
    language: 'python',
    imports: [/^\s*from\s+opentelemetry(\.sdk)?(\s+import\s+[^\n]*\bmetrics\b|\.metrics\b)/m],
    calls: [/\bget_meter\(/, /\bcreate_(counter|histogram|up_down_counter|observable_gauge)\(/],
  },
  {
    name: 'Datadog (Python)',
    language: 'python',
    imports: [/^\s*(from\s+datadog\b[^\n]*\bimport\b|import\s+datadog\b)/m],
    calls: [/\bstatsd\.(increment|gauge|histogram|distribution|timing)\(/, /\blambda_metric\(/],
  },
  {
    name: 'Powertools Metrics (Python)',
    language: 'python',
    imports: [/^\s*from\s+aws_lambda_powertools(\.metrics)?\s+import\s+[^\n]*\bMetrics\b/m],
    calls: [/\.add_metric\(/],
  },
  {
    name: 'Powertools Metrics',
    language: 'typescript',
    imports: [jsImport('@aws-lambda-powertools/metrics')],
    calls: [/\.addMetric\(/],
  },
  {
    name: 'prom-client',
    language: 'typescript',
    imports: [jsImport('prom-client')],
    calls: [
      /\bnew\s+(client\.|promClient\.|prom\.)?(Counter|Histogram|Gauge|Summary)\(/,
      /collectDefaultMetrics\(/,
    ],
  },
  {
    name: 'OpenTelemetry metrics',
    language: 'typescript',
    imports: [jsImport('@opentelemetry/api'), jsImport('@opentelemetry/sdk-metrics')],
    calls: [/\.getMeter\(/, /\.create(Counter|Histogram|UpDownCounter|ObservableGauge)\(/],
  },
  {
    name: 'Datadog',
    language: 'typescript',
    imports: [jsImport('hot-shots'), jsImport('datadog-metrics'), jsImport('datadog-lambda-js')],
    calls: [/\.(increment|gauge|histogram|distribution)\(/, /\bsendDistributionMetric\(/],
  },
];

/** The text without comment lines (`#` for Python, `//` and block comments for TypeScript). */
export function stripComments(text: string, language: Language): string {
  if (language === 'python') return text.replace(/^\s*#.*$/gm, '');
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

export interface LibraryUse {
  readonly library: string;
  /** Files that import it. */
  readonly importedIn: readonly string[];
  /** Whether any importing file also calls it. */
  readonly called: boolean;
}

/** Which of the libraries the files import, and whether they call them too. */
export function findLibraries(
  files: readonly SourceFile[],
  libraries: readonly LibraryPattern[],
): LibraryUse[] {
  const sources = files.flatMap((f) => {
    const language = languageOf(f.path);
    return language ? [{ path: f.path, language, code: stripComments(f.text, language) }] : [];
  });
  return libraries.flatMap((lib) => {
    const importing = sources.filter(
      (s) => s.language === lib.language && lib.imports.some((re) => re.test(s.code)),
    );
    if (importing.length === 0) return [];
    const called = importing.some((s) => lib.calls.some((re) => re.test(s.code)));
    return [{ library: lib.name, importedIn: importing.map((s) => s.path), called }];
  });
}

/** Number of Python and TypeScript/JavaScript files, to say what was looked at. */
export function sourceCount(files: readonly SourceFile[]): number {
  return files.filter((f) => languageOf(f.path) !== undefined).length;
}
