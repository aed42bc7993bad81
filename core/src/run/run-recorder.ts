import type { DefenseProbes } from '../analysis/analysis-types.js';
import { analyseDefense } from '../analysis/evaluate-checks.js';
import type { EventBus } from '../events/event-bus.js';
import type { RunEvent, RunEventInput } from '../events/event-types.js';
import { isAdvbenchError, type Logger } from '../plugin-api/index.js';
import type { ResultStore } from '../store/result-store.js';
import type { CellResult, DefenseResult, RunResults } from '../store/result-types.js';
import { cleanAccuracyOf } from './stages/clean-accuracy.js';
import { exportResults } from './stages/export-results.js';
import type { PrepareOutcome } from './stages/prepare-defense.js';

/** Where an error happened, for its event. */
export interface ErrorPlace {
  /** The defense entry. */
  defense?: string;
  /** The cell. */
  cellId?: string;
}

/**
 * The one writer of a run's results: keeps the run's {@link RunResults} in step with its SQLite store, its
 * results.json and its events, for whichever process drives the stages (the local sweep runner, or the queue
 * coordinator merging what workers computed). Each finished cell is written with its `cell-end` event in one
 * transaction, then exported.
 */
export class RunRecorder {
  /**
   * @param results - the planned run (from `planRun`), updated in place
   * @param store - the run's store
   * @param events - the run's event bus
   * @param logger - the run's logger
   */
  constructor(
    readonly results: RunResults,
    private readonly store: ResultStore,
    private readonly events: EventBus,
    private readonly logger: Logger,
  ) {}

  /** Stores the plan (keeping what an earlier process finished), announces `run-start` and exports. */
  async begin(resumed: boolean): Promise<void> {
    // Verdicts are a pure function of the stored cells and probes: deciding them again changes nothing finished.
    for (const defense of this.results.defenses) Object.assign(defense, analyseDefense(this.results, defense));
    this.store.begin(this.results);
    this.store.recordEvent(this.emit({ type: 'run-start', results: structuredClone(this.results), resumed }));
    await this.export();
  }

  /** The defense's entry in the results. */
  defense(name: string): DefenseResult {
    const defense = this.results.defenses.find((candidate) => candidate.name === name);
    if (!defense) throw new Error(`unknown defense entry ${name}`);
    return defense;
  }

  /** Records what preparing a defense gave (ready or failed; interrupted puts it back to pending). */
  recordPrepared(name: string, outcome: PrepareOutcome, modelParams?: number): void {
    const defense = this.defense(name);
    if (modelParams !== undefined) this.results.model.params = modelParams;
    if (outcome.status === 'interrupted') {
      defense.status = 'pending';
      return;
    }
    if (outcome.status === 'failed') {
      Object.assign(defense, { status: 'failed', error: outcome.message });
      this.saveDefense(defense);
      this.reportError(outcome.error, outcome.message, { defense: name });
      return;
    }
    const { cost, description, surfaces, randomized, surfaceDetails, evaluation, budget } = outcome;
    Object.assign(defense, { status: 'done', cost, description, surfaces, randomized, surfaceDetails, evaluation, ...(budget ? { budget } : {}) });
    this.saveDefense(defense);
  }

  /**
   * Records the evaluation checks' probes of a freshly prepared defense, adds the planned extra cells the run does
   * not have yet (after the defense's last cell, so cells stay grouped by defense), and re-decides its checks.
   */
  recordProbes(name: string, probes: DefenseProbes, checkCells: CellResult[]): void {
    const defense = this.defense(name);
    defense.probes = probes;
    this.addCells(name, checkCells);
    this.saveDefense(defense);
    this.refreshAnalysis(name);
  }

  /**
   * Adds to the plan (after the defense's other cells) and to the store the cells of `planned` not planned yet (a
   * randomized defense's adaptive cells, known once it is prepared); returns them, in plan order.
   */
  addCells(defense: string, planned: CellResult[]): CellResult[] {
    const known = new Set(this.results.cells.map((cell) => cell.id));
    const added = planned.filter((cell) => cell.defense === defense && !known.has(cell.id));
    if (added.length === 0) return [];
    const last = this.results.cells.map((cell) => cell.defense).lastIndexOf(defense);
    this.results.cells.splice(last + 1, 0, ...added);
    this.store.begin(this.results);
    return added;
  }

  /**
   * Re-plans a defense once it is known to be randomized: adds the cells of `planned` not planned yet (its adaptive
   * cells, {@link addCells}) and drops its sweep cells that are not done and no longer in `planned` (attacks marked
   * `adaptiveOnly` leave its other surfaces). Returns both, in plan order.
   */
  replanCells(defense: string, planned: CellResult[]): { added: CellResult[]; dropped: CellResult[] } {
    const wanted = new Set(planned.map((cell) => cell.id));
    const dropped = this.results.cells.filter((cell) => cell.defense === defense && cell.extra === undefined && cell.status !== 'done' && !wanted.has(cell.id));
    if (dropped.length > 0) {
      const gone = new Set(dropped.map((cell) => cell.id));
      // In place: others hold this array.
      const cells = this.results.cells;
      for (let position = cells.length - 1; position >= 0; position -= 1) if (gone.has(cells[position].id)) cells.splice(position, 1);
      this.store.dropCells([...gone]);
      const reason = `adaptive-only attacks (${[...new Set(dropped.map((cell) => cell.attack))].join(', ')}) run on the adaptive surface instead`;
      this.store.recordEvent(this.emit({ type: 'cells-dropped', defense, cellIds: [...gone], reason }));
    }
    return { added: this.addCells(defense, planned), dropped };
  }

  /** Marks a cell running with its attack's settings and announces `cell-start`; returns the running cell. */
  startCell(planned: CellResult, attackSettings: Record<string, unknown>, position: { index: number; total: number }, worker?: string): CellResult {
    const cell: CellResult = { ...planned, status: 'running', error: undefined, result: undefined, outcomes: undefined, attackSettings };
    this.replace(cell);
    this.store.saveCell(cell);
    this.emit({ type: 'cell-start', cell, ...position, ...(worker ? { worker } : {}) });
    return cell;
  }

  /** Writes a finished cell with its outcomes and its `cell-end` event in one transaction, then exports. */
  async finishCell(cell: CellResult, worker?: string): Promise<void> {
    const input: RunEventInput = { type: 'cell-end', cell, ...(worker ? { worker } : {}) };
    const event = { ...input, sequence: 0, time: new Date().toISOString(), runId: this.results.runId } as RunEvent;
    this.store.saveCell(cell, event);
    this.replace(cell);
    this.refreshCleanAccuracy(cell.defense);
    this.refreshAnalysis(cell.defense);
    this.results.updatedAt = event.time;
    this.store.updateRun(this.results);
    this.emit(input);
    await this.export();
  }

  /** Records a cell as failed with `message`. */
  async failCell(planned: CellResult, message: string, worker?: string): Promise<void> {
    await this.finishCell({ ...planned, status: 'failed', error: message, result: undefined, outcomes: undefined }, worker);
  }

  /** Puts a cell stopped part-way back to pending (a resume computes it). */
  interruptCell(planned: CellResult): void {
    const cell: CellResult = { ...planned, status: 'pending' };
    this.replace(cell);
    this.store.saveCell(cell);
  }

  /** Logs a failure, announces it as an `error` event and stores that event. */
  reportError(error: unknown, message: string, where: ErrorPlace): void {
    const code = isAdvbenchError(error) ? error.code : 'ADVBENCH_ERR_PLUGIN_FAILED';
    this.logger.warn(message, { code, ...where });
    this.store.recordEvent(this.emit({ type: 'error', message, code, ...where }));
  }

  /** Ends the run: stores its final status, exports and announces `run-end`. */
  async end(status: RunResults['status'], seconds: number, out: string): Promise<void> {
    this.results.status = status;
    this.results.updatedAt = new Date().toISOString();
    this.store.updateRun(this.results);
    await this.export();
    this.store.recordEvent(this.emit({ type: 'run-end', status, seconds, out }));
  }

  /** Emits an event on the run's bus. */
  emit(input: RunEventInput): RunEvent {
    return this.events.emit(input);
  }

  /** Writes results.json. */
  async export(): Promise<void> {
    await exportResults(this.results.config.out as string, this.results);
  }

  private saveDefense(defense: DefenseResult): void {
    this.store.saveDefense(defense, this.results.defenses.indexOf(defense));
  }

  private replace(cell: CellResult): void {
    const position = this.results.cells.findIndex((candidate) => candidate.id === cell.id);
    if (position < 0) throw new Error(`cell ${cell.id} is not in the plan`);
    this.results.cells[position] = cell;
  }

  /** Re-decides one defense's checks and best-known accuracy from its cells and probes; stores and announces changes. */
  private refreshAnalysis(name: string): void {
    const defense = this.defense(name);
    const { checks, bestKnown } = analyseDefense(this.results, defense);
    if (JSON.stringify(checks) === JSON.stringify(defense.checks) && JSON.stringify(bestKnown) === JSON.stringify(defense.bestKnown)) return;
    Object.assign(defense, { checks, bestKnown });
    this.saveDefense(defense);
    this.emit({ type: 'defense-checks', defense: name, checks, bestKnown });
  }

  /** A defense's clean accuracy is that of its one clean cell. */
  private refreshCleanAccuracy(name: string): void {
    const defense = this.defense(name);
    const clean = cleanAccuracyOf(this.results.cells, name);
    if (!clean || defense.cleanAccuracy === clean) return;
    defense.cleanAccuracy = clean;
    this.saveDefense(defense);
  }
}
