/** The restore report as plain text: one line per saved endpoint (CLI output and email body). */
import type { RestoreReport } from './restore';

export function formatRestoreReport(report: RestoreReport): string {
  if (report.nothingSaved)
    return `Project ${report.projectId}: nothing to restore (no endpoint was parked or scaled to zero).`;
  const width = Math.max(...report.outcomes.map((o) => o.endpointName.length));
  return [
    `Project ${report.projectId}: ${report.outcomes.length} saved endpoint(s)`,
    ...report.outcomes.map(
      (o) =>
        `  ${o.endpointName.padEnd(width)}  ${o.result.padEnd(9)}  ${o.reason}${o.error ? ` [${o.error}]` : ''}`,
    ),
  ].join('\n');
}
