import type { RunSpec } from '../config/run-spec.js';
import type { Reporter } from '../events/event-bus.js';
import type { Logger } from '../plugin-api/index.js';
import type { RunResults } from '../store/result-types.js';
import { loadRunResults } from '../store/results-json.js';
import { createLineReporter } from './line-reporter.js';

/** Options of {@link createRunReporters}. */
export interface RunReporterOptions {
  /** Serve the live viewer on this port (0: any free port); absent: no live viewer. */
  livePort?: number;
  /** Host the live viewer binds. */
  liveHost?: string;
  /** The process logger (tells where the live viewer is). */
  logger: Logger;
}

/** The parts of @advbench/reports the run attaches, when that package is installed. */
interface ReportsModule {
  createTerminalReporter?(options: { stream: NodeJS.WritableStream & { isTTY?: boolean }; getResults?: () => Promise<RunResults> }): Reporter;
  createHtmlReporter?(options: { out: string; getResults: () => Promise<RunResults>; everyCells?: number }): Reporter;
  startLiveServer?(options: { port: number; host?: string; snapshot: () => Promise<RunResults> | RunResults }): Promise<Reporter & { url: string }>;
}

/**
 * The reporters of `advbench run`: from @advbench/reports (loaded by name at run time, since that package depends
 * on core) the terminal progress and leaderboard, the HTML report written to `<out>/report.html` and, with
 * `--live`, the live viewer; where that package or one of them is missing, the plain line reporter stands in for
 * the terminal one. All write to stderr, so `--json` keeps stdout clean.
 */
export async function createRunReporters(spec: RunSpec, options: RunReporterOptions): Promise<Reporter[]> {
  const reports = await importReports();
  const getResults = () => loadRunResults(spec.out);
  const reporters: Reporter[] = [];
  reporters.push(reports?.createTerminalReporter ? reports.createTerminalReporter({ stream: process.stderr, getResults }) : createLineReporter());
  if (reports?.createHtmlReporter) reporters.push(reports.createHtmlReporter({ out: spec.out, getResults, everyCells: 1 }));
  if (options.livePort !== undefined) {
    if (!reports?.startLiveServer) {
      options.logger.warn('--live needs @advbench/reports, which is not installed; the run goes on without the live viewer');
    } else {
      let latest: RunResults | undefined;
      const live = await reports.startLiveServer({
        port: options.livePort,
        host: options.liveHost,
        snapshot: async () => latest ?? (await loadRunResults(spec.out).catch(() => emptySnapshot(spec))),
      });
      options.logger.info(`live view at ${live.url}`);
      reporters.push({
        onEvent: (event) => {
          if (event.type === 'run-start') latest = event.results;
          live.onEvent?.(event);
        },
        close: () => live.close?.(),
      });
    }
  }
  return reporters;
}

async function importReports(): Promise<ReportsModule | undefined> {
  const specifier = '@advbench/reports';
  try {
    return (await import(/* @vite-ignore */ specifier)) as ReportsModule;
  } catch {
    return undefined;
  }
}

function emptySnapshot(spec: RunSpec): RunResults {
  const now = new Date().toISOString();
  return {
    schemaVersion: 1,
    runId: 'starting',
    createdAt: now,
    updatedAt: now,
    status: 'running',
    seed: spec.seed,
    backend: { name: 'pending', package: '', version: '', threads: 0, gpu: false },
    versions: { advbench: '', tfjs: '', node: process.version, plugins: {} },
    configHash: '',
    config: {},
    dataset: { name: spec.dataset.reference, inputShape: [0, 0, 0], classes: 0, classNames: [], trainCount: 0, testCount: 0, checksumsVerified: false, contentHash: '' },
    model: { name: spec.model.name },
    defenses: [],
    cells: [],
  };
}
