import { join } from 'node:path';
import type { Reporter, RunEvent, RunResults } from '@advbench/core';
import { RunStateMirror } from '../state/run-state-mirror.js';
import { renderReport, type RenderReportOptions } from './render-report.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Options of {@link createHtmlReporter}. */
export interface HtmlReporterOptions {
  /** The run's out folder; the report goes to `<out>/report.html`. */
  out: string;
  /** The run's results (called when a report is written; default: the results rebuilt from the run's events). */
  getResults?: () => Promise<RunResults> | RunResults;
  /** Images per defense entry name to embed (for example each defense's `images()`), asked for at each write. */
  getImages?: () => Promise<RenderReportOptions['images']> | RenderReportOptions['images'];
  /** Also rewrite the report after every this many finished cells (default 0: only at run-end). */
  everyCells?: number;
  /** Told about a failed write (default: a line on stderr). The run goes on. */
  onError?: (error: unknown) => void;
}

/** The file name of the report inside the out folder. */
export const REPORT_FILE_NAME = 'report.html';

/**
 * A reporter that writes `<out>/report.html` atomically when the run ends (and every `everyCells` finished cells;
 * on `close()` without a run-end, after a crash, it writes what the run finished).
 * `onEvent` never blocks: writes are queued one after another; `close()` waits for the queue.
 */
export function createHtmlReporter(options: HtmlReporterOptions): Reporter {
  const path = join(options.out, REPORT_FILE_NAME);
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`advbench: could not write ${path}: ${String(error)}\n`));
  let queue: Promise<void> = Promise.resolve();
  let cellsSinceWrite = 0;
  let ended = false;
  const mirror = new RunStateMirror();
  const getResults = options.getResults ?? (() => mirror.results);
  const write = (): void => {
    queue = queue
      .then(async () => {
        const results = await getResults();
        if (results !== undefined) await writeFileAtomic(path, renderReport(results, { images: await options.getImages?.() }));
      })
      .catch(onError);
  };
  return {
    onEvent(event: RunEvent): void {
      mirror.apply(event);
      if (event.type === 'cell-end' && options.everyCells !== undefined && options.everyCells > 0) {
        cellsSinceWrite += 1;
        if (cellsSinceWrite >= options.everyCells) {
          cellsSinceWrite = 0;
          write();
        }
      }
      if (event.type === 'run-end') {
        ended = true;
        write();
      }
    },
    async close(): Promise<void> {
      // A run that stopped without run-end (a crash) still leaves a report of what it finished.
      if (!ended && (options.getResults !== undefined || mirror.results !== undefined)) {
        ended = true;
        write();
      }
      await queue;
    },
  };
}
