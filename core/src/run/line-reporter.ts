import type { Reporter } from '../events/event-bus.js';
import type { RunEvent } from '../events/event-types.js';
import type { AccuracyEstimate } from '../store/result-types.js';

/**
 * A plain reporter that writes one line per notable event (run start and end, defenses prepared, cells finished,
 * errors), for logs and terminals that are not TTYs. Progress events are skipped.
 */
export function createLineReporter(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Reporter {
  return {
    onEvent(event: RunEvent) {
      const line = describeEvent(event);
      if (line) write(line);
    },
  };
}

/** One line for an event, or undefined for the events a line log skips. */
export function describeEvent(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start': {
      const cells = event.results.cells;
      const done = cells.filter((cell) => cell.status === 'done').length;
      return `run ${event.runId} ${event.resumed ? 'resumed' : 'started'}: ${cells.length} cells (${done} already done), backend ${event.results.backend.name}`;
    }
    case 'train-start':
      return `[${event.defense}] preparing${onWorker(event)}`;
    case 'train-end':
      return `[${event.defense}] ready in ${event.cost.seconds.toFixed(1)} s${event.cost.cached ? ' (from the model cache)' : ''}${onWorker(event)}`;
    case 'cell-start':
      return event.worker ? `cell ${cellLabel(event.cell.id)}: started${onWorker(event)}` : undefined;
    case 'cell-end':
      return event.cell.status === 'done' && event.cell.result
        ? `cell ${cellLabel(event.cell.id)}: ${formatAccuracy(event.cell.result)} in ${event.cell.seconds.toFixed(1)} s${event.cell.projectionCorrections > 0 ? ` (${event.cell.projectionCorrections} projected back)` : ''}${onWorker(event)}`
        : `cell ${cellLabel(event.cell.id)}: ${event.cell.status}${event.cell.error ? `: ${event.cell.error}` : ''}${onWorker(event)}`;
    case 'error':
      return `error [${event.code}] ${event.message}`;
    case 'run-end':
      return `run ${event.status} in ${event.seconds.toFixed(1)} s; results in ${event.out}`;
    default:
      return undefined;
  }
}

/** A cell id (`defense|attack|surface|epsilon`) as people read it: `inn · pgd · inn1 · ε=2/255`. */
export function cellLabel(cellId: string): string {
  const parts = cellId.split('|');
  const epsilon = Number(parts[parts.length - 1]);
  if (parts.length < 4 || !Number.isFinite(epsilon)) return cellId;
  return `${parts.slice(0, -1).join(' · ')} · ε=${epsilon === 0 ? '0' : `${Math.round(epsilon * 255 * 100) / 100}/255`}`;
}

function formatAccuracy(estimate: AccuracyEstimate): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return `${percent(estimate.accuracy)} [${percent(estimate.low)}, ${percent(estimate.high)}] of ${estimate.samples}`;
}

/** ` on <worker>` for an event a queue worker did (`run --queue`), else nothing. */
function onWorker(event: { worker?: string }): string {
  return event.worker ? ` on ${event.worker}` : '';
}
