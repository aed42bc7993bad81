import type { ConformanceReport } from './check-types.js';

const LABELS = { pass: 'pass', fail: 'FAIL', warn: 'warn', skip: 'skip' } as const;

/** The report as terminal text: one line per check, failures and warnings with what was expected and seen. */
export function formatCheckReport(report: ConformanceReport): string {
  const title = report.plugin ? `${report.plugin.kind} "${report.plugin.id}" ${report.plugin.version} (${report.reference})` : report.reference;
  const lines = [`check-plugin: ${title}`];
  for (const result of report.results) {
    lines.push(`  ${LABELS[result.status]}  ${result.check}: ${result.message}`);
    if (result.status === 'fail' || result.status === 'warn') {
      if (result.expected) lines.push(`        expected: ${result.expected}`);
      if (result.seen) lines.push(`        seen:     ${result.seen}`);
    }
  }
  const count = (status: keyof typeof LABELS) => report.results.filter((result) => result.status === status).length;
  lines.push(`${report.results.length} checks: ${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warnings, ${count('skip')} skipped (${report.seconds.toFixed(1)} s)`);
  return lines.join('\n');
}
