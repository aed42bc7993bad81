import type { CellProgressEvent, Reporter, RunEvent, RunResults, TrainProgressEvent } from '@advbench/core';
import { formatEpsilon, formatPercent } from '../analysis/epsilon-format.js';
import { RunStateMirror } from '../state/run-state-mirror.js';
import { renderLeaderboardTable } from './leaderboard-table.js';
import { cellFraction, formatCellProgress, formatDuration, formatTrainProgress, progressBar, trainingFraction } from './progress-format.js';
import { cellLabel } from '../analysis/evaluation-text.js';

/** Options of {@link createTerminalReporter}. */
export interface TerminalReporterOptions {
  /** Where to write (usually process.stderr, so `--json` keeps stdout clean). */
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Redrawn progress bars (true) or plain line logs (false); default: `stream.isTTY`. */
  isTTY?: boolean;
  /** The final results for the leaderboard at run-end (default: the results rebuilt from the events). */
  getResults?: () => Promise<RunResults> | RunResults;
  /** Clock in milliseconds (tests pass a fake one). */
  now?: () => number;
  /** Least milliseconds between progress redraws on a TTY (default 100). */
  redrawIntervalMs?: number;
  /** Least milliseconds between progress lines of one defense or cell when not a TTY (default 10 000). */
  logIntervalMs?: number;
}

/**
 * Terminal progress: on a TTY a single redrawn region of progress bars (one per training defense, one for the
 * current cell) with finished items printed above it; otherwise plain lines (start/end of every training and
 * cell, throttled progress). At run-end, a cli-table3 leaderboard. Writes are synchronous and small; the run never
 * waits on the terminal except for the final table, which `close()` flushes.
 */
export function createTerminalReporter(options: TerminalReporterOptions): Reporter {
  const stream = options.stream;
  const tty = options.isTTY ?? Boolean(stream.isTTY);
  const now = options.now ?? (() => Date.now());
  const redrawInterval = options.redrawIntervalMs ?? 100;
  const logInterval = options.logIntervalMs ?? 10_000;
  const mirror = new RunStateMirror();
  const training = new Map<string, TrainProgressEvent>();
  const positions = new Map<string, string>();
  const lastLogged = new Map<string, number>();
  let cellProgress: CellProgressEvent | undefined;
  let regionLines = 0;
  let lastDraw = -Infinity;
  let finalTable: Promise<void> = Promise.resolve();
  const printedFlags = new Set<string>();

  const width = (): number => Math.max(40, (stream.columns ?? 120) - 1);
  const clip = (line: string): string => (line.length > width() ? `${line.slice(0, width() - 1)}…` : line);
  const region = (): string[] => {
    const lines = [...training.values()].map((progress) => clip(`${progressBar(trainingFraction(progress))} ${formatTrainProgress(progress)}`));
    if (cellProgress !== undefined) lines.push(clip(`${progressBar(cellFraction(cellProgress))} ${formatCellProgress(cellProgress, positions.get(cellProgress.cellId) ?? '')}`));
    return lines;
  };
  const clearRegion = (): string => (regionLines > 0 ? `\x1b[${regionLines}F\x1b[0J` : '');
  const draw = (printed: string[] = []): void => {
    const lines = region();
    stream.write(clearRegion() + printed.map((line) => `${line}\n`).join('') + lines.map((line) => `${line}\n`).join(''));
    regionLines = lines.length;
    lastDraw = now();
  };
  const print = (line: string): void => {
    if (tty) draw([line]);
    else stream.write(`${line}\n`);
  };
  const throttledLog = (key: string, line: string, force: boolean): void => {
    const last = lastLogged.get(key) ?? -Infinity;
    if (force || now() - last >= logInterval) {
      lastLogged.set(key, now());
      stream.write(`${line}\n`);
    }
  };

  const describeCell = (event: Extract<RunEvent, { type: 'cell-end' }>): string => {
    const cell = event.cell;
    const check = cell.extra ? ` · for check ${cell.extra.check}${Object.keys(cell.extra.overrides).length > 0 ? ` (${Object.entries(cell.extra.overrides).map(([key, value]) => `${key} ${String(value)}`).join(', ')})` : ''}, ${cell.examples?.length ?? 0} examples` : '';
    const head = `cell ${positions.get(cell.id) ?? ''} ${cell.defense} · ${cell.attack} · ${cell.surface} · ε=${formatEpsilon(cell.epsilon)}${check}`;
    if (cell.status === 'failed') return `${head}: FAILED: ${cell.error ?? 'no error message'}`;
    const result = cell.result;
    const accuracy = result === undefined ? '—' : `${formatPercent(result.accuracy)}% (95% CI ${formatPercent(result.low)}–${formatPercent(result.high)}, n=${result.samples})`;
    return `${head}: ${accuracy} in ${formatDuration(cell.seconds)}${onWorker(event)}`;
  };

  return {
    onEvent(event: RunEvent): void {
      mirror.apply(event);
      switch (event.type) {
        case 'run-start': {
          const results = event.results;
          const pending = results.cells.filter((cell) => cell.status !== 'done').length;
          print(`advbench: ${event.resumed ? 'resuming' : 'starting'} run ${results.runId}: ${results.defenses.length} defense(s), ${results.cells.length} cell(s)${event.resumed ? `, ${pending} to compute` : ''}`);
          break;
        }
        case 'train-start':
          lastLogged.set(`train:${event.defense}`, now());
          print(`train ${event.defense}: started${onWorker(event)}`);
          break;
        case 'train-progress':
          training.set(event.defense, event);
          if (tty) {
            if (now() - lastDraw >= redrawInterval) draw();
          } else throttledLog(`train:${event.defense}`, formatTrainProgress(event), event.step === event.steps);
          break;
        case 'train-end':
          training.delete(event.defense);
          print(`train ${event.defense}: ${event.cost.cached ? 'loaded from the cache' : 'done'} (${event.cost.seconds.toFixed(1)} s training, ${event.cost.examples} examples)${onWorker(event)}`);
          break;
        case 'cell-start':
          positions.set(event.cell.id, `${event.index}/${event.total}`);
          if (event.worker) print(`cell ${event.index}/${event.total} ${event.cell.defense} · ${event.cell.attack} · ${event.cell.surface} · ε=${formatEpsilon(event.cell.epsilon)}: started${onWorker(event)}`);
          // Plain logs show a cell's progress only when it runs longer than the log interval.
          lastLogged.set(`cell:${event.cell.id}`, now());
          break;
        case 'cell-progress':
          cellProgress = event;
          if (tty) {
            if (now() - lastDraw >= redrawInterval) draw();
          } else throttledLog(`cell:${event.cellId}`, formatCellProgress(event, positions.get(event.cellId) ?? ''), false);
          break;
        case 'cell-end':
          if (cellProgress?.cellId === event.cell.id) cellProgress = undefined;
          print(describeCell(event));
          break;
        case 'defense-checks':
          for (const check of event.checks) {
            const key = `${event.defense}|${check.id}`;
            if (check.verdict !== 'flag' || printedFlags.has(key)) continue;
            printedFlags.add(key);
            print(`check ${check.id} flags ${event.defense} (evaluation potentially unreliable): ${check.detail}`);
          }
          break;
        case 'error':
          print(`error [${event.code}]${event.defense ? ` ${event.defense}` : ''}${event.cellId ? ` ${cellLabel(event.cellId)}` : ''}: ${event.message}`);
          break;
        case 'run-end': {
          training.clear();
          cellProgress = undefined;
          print(`advbench: run ${event.status} in ${formatDuration(event.seconds)}; results in ${event.out}`);
          const getResults = options.getResults ?? (() => mirror.results);
          finalTable = Promise.resolve()
            .then(getResults)
            .then((results) => {
              if (results !== undefined) stream.write(renderLeaderboardTable(results));
            })
            .catch((error: unknown) => {
              stream.write(`advbench: could not print the leaderboard: ${String(error)}\n`);
            });
          break;
        }
        default:
          break;
      }
    },
    async close(): Promise<void> {
      await finalTable;
      if (tty && regionLines > 0) {
        stream.write(clearRegion());
        regionLines = 0;
      }
    },
  };
}

/** ` on <worker>` for an event a queue worker did (`run --queue`), else nothing. */
function onWorker(event: { worker?: string }): string {
  return event.worker ? ` on ${event.worker}` : '';
}
