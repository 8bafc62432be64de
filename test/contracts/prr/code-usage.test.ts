import { describe, expect, it } from 'vitest';
import {
  findLibraries,
  LOGGING_LIBRARIES,
  METRICS_LIBRARIES,
} from '../../../lib/contracts/prr/checks/code-usage';

const libs = (path: string, text: string, table = LOGGING_LIBRARIES) =>
  findLibraries([{ path, text }], table).map((u) => [u.library, u.called]);

describe('findLibraries (logging)', () => {
  it.each([
    [
      'stdlib logging',
      'a.py',
      'import logging\nlog = logging.getLogger(__name__)',
      'Python logging',
    ],
    ['structlog', 'a.py', 'import structlog\nlog = structlog.get_logger()', 'structlog'],
    ['loguru', 'a.py', 'from loguru import logger\nlogger.info("x")', 'loguru'],
    [
      'Powertools for Python',
      'a.py',
      'from aws_lambda_powertools import Logger, Tracer\nlogger = Logger()',
      'Powertools Logger (Python)',
    ],
    [
      'Powertools for TypeScript',
      'a.ts',
      "import { Logger } from '@aws-lambda-powertools/logger';\nconst l = new Logger();",
      'Powertools Logger',
    ],
    ['pino (ESM)', 'a.ts', "import pino from 'pino';\nconst l = pino();", 'pino'],
    ['pino (CommonJS)', 'a.js', "const pino = require('pino');\nconst l = pino();", 'pino'],
    [
      'winston',
      'a.mts',
      "import winston from 'winston';\nconst l = winston.createLogger({});",
      'winston',
    ],
  ])('recognises %s', (_name, path, text, library) => {
    expect(libs(path, text)).toEqual([[library, true]]);
  });

  it.each([
    ['a commented-out Python import', 'a.py', '# import structlog\nprint("x")'],
    ['a commented-out TypeScript import', 'a.ts', "// import pino from 'pino';\nconsole.log('x');"],
    ['a block-commented import', 'a.ts', "/*\nimport winston from 'winston';\n*/"],
    ['a Python import in a Markdown file', 'README.md', 'import structlog'],
    ['a module with a similar name', 'a.ts', "import pinot from 'pinot';\npinot();"],
  ])('ignores %s', (_name, path, text) => {
    expect(libs(path, text)).toEqual([]);
  });

  it('notes an import that is never called', () => {
    expect(libs('a.py', 'import structlog\nprint("x")')).toEqual([['structlog', false]]);
  });
});

describe('findLibraries (metrics)', () => {
  it.each([
    [
      'prometheus_client',
      'a.py',
      'from prometheus_client import Counter\nC = Counter("a", "b")',
      'prometheus_client',
    ],
    [
      'OpenTelemetry for Python',
      'a.py',
      'from opentelemetry import metrics\nm = metrics.get_meter("x")',
      'OpenTelemetry metrics (Python)',
    ],
    [
      'Datadog for Python',
      'a.py',
      'from datadog import statsd\nstatsd.increment("x")',
      'Datadog (Python)',
    ],
    [
      'Powertools Metrics for Python',
      'a.py',
      'from aws_lambda_powertools import Metrics\nmetrics.add_metric(name="x", unit="Count", value=1)',
      'Powertools Metrics (Python)',
    ],
    [
      'Powertools Metrics for TypeScript',
      'a.ts',
      "import { Metrics } from '@aws-lambda-powertools/metrics';\nm.addMetric('x', 'Count', 1);",
      'Powertools Metrics',
    ],
    [
      'prom-client',
      'a.ts',
      "import client from 'prom-client';\nnew client.Counter({ name: 'x', help: 'y' });",
      'prom-client',
    ],
    [
      'OpenTelemetry for TypeScript',
      'a.ts',
      "import { metrics } from '@opentelemetry/api';\nconst m = metrics.getMeter('x');",
      'OpenTelemetry metrics',
    ],
    [
      'hot-shots (Datadog)',
      'a.ts',
      "import StatsD from 'hot-shots';\nclient.increment('x');",
      'Datadog',
    ],
  ])('recognises %s', (_name, path, text, library) => {
    expect(libs(path, text, METRICS_LIBRARIES)).toEqual([[library, true]]);
  });
});
