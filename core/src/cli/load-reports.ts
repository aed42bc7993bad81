import type { Reporter } from '../events/event-bus.js';
import type { DefenseImage } from '../plugin-api/defense-types.js';
import { AdvbenchError } from '../plugin-api/errors.js';
import type { SeedSummary } from '../analysis/seed-summary.js';
import type { RunResults } from '../store/result-types.js';

/** A running live server (see @advbench/reports `startLiveServer`). */
export interface LiveServerHandle extends Reporter {
  /** The viewer's URL (with `?token=` when one is required). */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The token clients must send, when one is required. */
  readonly token?: string;
  /** Connected websocket clients. */
  clientCount(): number;
  /** Replaces the served state and pushes a fresh snapshot to every client. */
  replaceResults(results: RunResults): void;
  /** Stops serving. */
  close(): Promise<void>;
}

/** What core calls in @advbench/reports, loaded at run time so core has no static dependency on it. */
export interface ReportsModule {
  /** The self-contained HTML report of a multi-seed sweep (see `summarizeSeeds`). */
  renderSeedReport(summary: SeedSummary): string;
  /** The multi-seed leaderboard as terminal text. */
  seedLeaderboardText(summary: SeedSummary): string;
  /** The self-contained HTML report of a run (images per defense name: a defense's `images()`, embedded as PNG). */
  renderReport(results: RunResults, options?: { images?: Record<string, DefenseImage[]> }): string;
  /** Writes `<out>/report.html` at run-end (from `getResults`, default: the results rebuilt from the events). */
  createHtmlReporter(options: {
    out: string;
    getResults?: () => Promise<RunResults> | RunResults;
    getImages?: () => Record<string, DefenseImage[]> | undefined | Promise<Record<string, DefenseImage[]> | undefined>;
    everyCells?: number;
  }): Reporter;
  /** Progress bars on a TTY, plain lines otherwise; a leaderboard table at run-end. */
  createTerminalReporter(options: {
    stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
    isTTY?: boolean;
    getResults?: () => Promise<RunResults> | RunResults;
  }): Reporter;
  /** Serves the live viewer and the event websocket. */
  startLiveServer(options: {
    port: number;
    host?: string;
    token?: string;
    requireToken?: boolean;
    snapshot: () => RunResults | undefined | Promise<RunResults | undefined>;
    allowedHosts?: readonly string[];
    allowedOrigins?: readonly string[];
    maxViewers?: number;
  }): Promise<LiveServerHandle>;
  /** Writes a file through a temporary name and a rename. */
  writeFileAtomic(path: string, content: string): Promise<void>;
}

/** The package name of the reports module. */
export const REPORTS_PACKAGE = '@advbench/reports';

/**
 * Loads @advbench/reports with a dynamic import (the specifier is a variable, so TypeScript and bundlers add no
 * static edge from core to reports: reports depends on core, never the reverse). A missing or broken package is
 * an {@link AdvbenchError} saying how to get it.
 */
export async function loadReports(): Promise<ReportsModule> {
  const specifier: string = REPORTS_PACKAGE;
  try {
    return (await import(specifier)) as ReportsModule;
  } catch (cause) {
    throw new AdvbenchError(
      'ADVBENCH_ERR_REPORTS_MISSING',
      `cannot load ${REPORTS_PACKAGE} (the HTML report, terminal table and live viewer): ${(cause as Error)?.message ?? String(cause)}. Install it next to @advbench/core (in this repository: npm install && npm run build)`,
      { cause, details: { package: REPORTS_PACKAGE } },
    );
  }
}

/** Who may reach a live server besides this machine's own pages (`--allow-host`, `--allow-origin`, `--max-viewers`). */
export interface LiveAccessFlags {
  /** Host names requests may be addressed to, besides loopback and the bound address. */
  allowedHosts?: readonly string[];
  /** Origins whose pages may open the websocket, besides the server's own. */
  allowedOrigins?: readonly string[];
  /** Most websocket viewers at once. */
  maxViewers?: number;
}

/** Options of {@link createRunReporters}. */
export interface RunReportersOptions {
  /** The run's out folder (report.html goes there). */
  out: string;
  /** Where progress goes (default process.stderr). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** No terminal progress or table (for `--json`, whose stdout must stay JSON; progress goes to stderr anyway). */
  quiet?: boolean;
  /** `--live [port]`: serve the live viewer; `host` defaults to 127.0.0.1; the access flags of {@link LiveAccessFlags}. */
  live?: { port: number; host?: string } & LiveAccessFlags;
}

/** Reporters for `advbench run`, plus the live server when `--live` was given. */
export interface RunReporters {
  /** Pass these to the run. */
  reporters: Reporter[];
  /** The live server (its URL is already printed). */
  live?: LiveServerHandle;
}

/**
 * The reporters of `advbench run`: terminal progress and leaderboard, `<out>/report.html` at run-end, and with
 * `live` the live server (its URL printed as `advbench: live viewer at http://127.0.0.1:<port>/`). Every reporter
 * is closed by the run; the live server's `close` stops it.
 */
export async function createRunReporters(options: RunReportersOptions): Promise<RunReporters> {
  const reports = await loadReports();
  const stream = options.stream ?? process.stderr;
  const reporters: Reporter[] = [reports.createHtmlReporter({ out: options.out })];
  if (!options.quiet) reporters.push(reports.createTerminalReporter({ stream }));
  let live: LiveServerHandle | undefined;
  if (options.live !== undefined) {
    const { port, host, allowedHosts, allowedOrigins, maxViewers } = options.live;
    live = await reports.startLiveServer({ port, host, allowedHosts, allowedOrigins, maxViewers, snapshot: () => undefined });
    stream.write(`advbench: live viewer at ${live.url}\n`);
    if (live.token !== undefined) stream.write(`advbench: the live server listens on ${options.live.host}; clients must send ?token=${live.token}\n`);
    reporters.push(live);
  }
  return { reporters, live };
}
