/** Structured logging and metrics in the model's code: both blocking. */
import type { PrrCheck, PrrContext } from '../types';
import {
  findLibraries,
  type LibraryPattern,
  LOGGING_LIBRARIES,
  METRICS_LIBRARIES,
  sourceCount,
} from './code-usage';

function libraryCheck(
  ctx: PrrContext,
  libraries: readonly LibraryPattern[],
  what: string,
): { status: 'pass' | 'warn' | 'fail'; details: string[] } {
  const count = sourceCount(ctx.model.files);
  if (count === 0)
    return {
      status: 'fail',
      details: [`no Python or TypeScript/JavaScript source files found in ${ctx.model.root}`],
    };
  const uses = findLibraries(ctx.model.files, libraries);
  const known = [...new Set(libraries.map((l) => l.name))].join(', ');
  if (uses.length === 0)
    return {
      status: 'fail',
      details: [`no ${what} library imported in ${count} source files (looked for: ${known})`],
    };
  const details = uses.map(
    (u) =>
      `${u.library} imported in ${u.importedIn.join(', ')}${u.called ? '' : ' but never called'}`,
  );
  return { status: uses.some((u) => u.called) ? 'pass' : 'warn', details };
}

export const loggingCheck: PrrCheck = {
  id: 'structured-logging',
  title: 'Structured logging in the code',
  blocking: true,
  evaluate: (ctx) => libraryCheck(ctx, LOGGING_LIBRARIES, 'logging'),
};

export const metricsCheck: PrrCheck = {
  id: 'metrics',
  title: 'Metrics exposed',
  blocking: true,
  evaluate: (ctx) => libraryCheck(ctx, METRICS_LIBRARIES, 'metrics'),
};
