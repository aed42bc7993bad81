import type { CellProgressEvent, RunEvent, RunResults, TrainProgressEvent } from '@advbench/core';
import { wilsonEstimate } from '../analysis/wilson-estimate.js';

/**
 * The state of a run rebuilt from its events: the results so far (from `run-start`, then every `cell-end`,
 * `train-*` and `run-end` applied), the latest training progress per defense and the current cell's progress.
 * Reporters that only listen (the live server, the terminal) use it to know the run without asking the runner.
 */
export class RunStateMirror {
  /** The results so far; undefined until a `run-start` (or an initial snapshot). */
  results: RunResults | undefined;
  /** Sequence number of the last event applied (0 before any). */
  lastSequence = 0;
  /** Latest training progress per defense. */
  readonly training = new Map<string, TrainProgressEvent>();
  /** Progress of the cell running now, if any. */
  currentCell: CellProgressEvent | undefined;

  /** @param initial - results to start from (a deep copy is kept), for a server started mid-run */
  constructor(initial?: RunResults) {
    this.results = initial === undefined ? undefined : structuredClone(initial);
  }

  /** Applies one event. Unknown defenses or cells are added rather than dropped. */
  apply(event: RunEvent): void {
    this.lastSequence = Math.max(this.lastSequence, event.sequence);
    if (event.type === 'run-start') {
      this.results = structuredClone(event.results);
      this.training.clear();
      this.currentCell = undefined;
      return;
    }
    const results = this.results;
    if (event.type === 'train-progress') this.training.set(event.defense, event);
    if (event.type === 'cell-progress') this.currentCell = event;
    if (results === undefined) return;
    results.updatedAt = event.time;
    switch (event.type) {
      case 'train-start':
      case 'train-end': {
        const defense = results.defenses.find((entry) => entry.name === event.defense);
        if (defense !== undefined) {
          defense.status = event.type === 'train-start' ? 'running' : 'done';
          if (event.type === 'train-end') {
            defense.cost = event.cost;
            if (event.evaluation) defense.evaluation = event.evaluation;
            if (event.budget !== undefined) defense.budget = event.budget;
          }
        }
        break;
      }
      case 'cell-start':
      case 'cell-end': {
        const index = results.cells.findIndex((cell) => cell.id === event.cell.id);
        const cell = structuredClone(event.cell);
        if (index >= 0) results.cells[index] = cell;
        else results.cells.push(cell);
        if (event.type === 'cell-end') {
          if (this.currentCell?.cellId === cell.id) this.currentCell = undefined;
          const defense = results.defenses.find((entry) => entry.name === cell.defense);
          if (defense !== undefined && cell.epsilon === 0 && cell.status === 'done' && cell.result !== undefined && defense.cleanAccuracy === undefined) {
            defense.cleanAccuracy = cell.outcomes === undefined ? cell.result : wilsonEstimate(cell.outcomes.reduce((sum, value) => sum + value, 0), cell.outcomes.length);
          }
        }
        break;
      }
      case 'defense-checks': {
        const defense = results.defenses.find((entry) => entry.name === event.defense);
        if (defense !== undefined) Object.assign(defense, { checks: structuredClone(event.checks), bestKnown: structuredClone(event.bestKnown) });
        break;
      }
      case 'cells-dropped': {
        const dropped = new Set(event.cellIds);
        results.cells = results.cells.filter((cell) => !dropped.has(cell.id));
        break;
      }
      case 'run-end':
        results.status = event.status;
        this.currentCell = undefined;
        break;
      case 'error':
        if (event.defense !== undefined && event.cellId === undefined) {
          const defense = results.defenses.find((entry) => entry.name === event.defense);
          if (defense !== undefined && defense.status !== 'done') {
            defense.status = 'failed';
            defense.error = `${event.message} (${event.code})`;
          }
        }
        break;
      default:
        break;
    }
  }
}
