import { createRunReporters, type LiveAccessFlags } from '../cli/load-reports.js';
import type { RunSpec } from '../config/run-spec.js';
import type { Reporter } from '../events/event-bus.js';
import { isAdvbenchError, type Logger } from '../plugin-api/index.js';
import { createLineReporter } from './line-reporter.js';

/** Options of {@link reportersFor}. */
export interface RunReporterOptions {
  /** `--live [port]`: serve the live viewer on this port (0: any free port). */
  livePort?: number;
  /** Host the live viewer binds (default 127.0.0.1). */
  liveHost?: string;
  /** Who else may reach the live viewer (`--allow-host`, `--allow-origin`, `--max-viewers`). */
  liveAccess?: LiveAccessFlags;
  /** The process logger. */
  logger: Logger;
}

/**
 * The reporters of `advbench run`: those of @advbench/reports (terminal progress and leaderboard, report.html,
 * the live viewer with `--live`), or, where that package cannot be loaded, the plain line reporter, so a run
 * never fails for want of its reports (the warning says what is missing).
 */
export async function reportersFor(spec: RunSpec, options: RunReporterOptions): Promise<Reporter[]> {
  try {
    const live = options.livePort === undefined ? undefined : { port: options.livePort, host: options.liveHost, ...options.liveAccess };
    return (await createRunReporters({ out: spec.out, live })).reporters;
  } catch (error) {
    if (!isAdvbenchError(error) || error.code !== 'ADVBENCH_ERR_REPORTS_MISSING') throw error;
    options.logger.warn(`${error.message}; printing plain progress lines instead`);
    return [createLineReporter()];
  }
}
