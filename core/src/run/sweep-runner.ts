import type { SelectedBackend } from '../compute/select-backend.js';
import type { RunSpec } from '../config/run-spec.js';
import { declareInjectable } from '../di/declare-injectable.js';
import { Tokens } from '../di/tokens.js';
import type { EventBus } from '../events/event-bus.js';
import type { RunEvent, RunEventInput } from '../events/event-types.js';
import { isAdvbenchError, type Logger, type RandomSource } from '../plugin-api/index.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import type { ResultStore } from '../store/result-store.js';
import type { CellResult, DefenseResult, RunResults } from '../store/result-types.js';
import { analyseDefense } from '../analysis/evaluate-checks.js';
import { CLEAN_ATTACK } from './cell-plan.js';
import type { RunServices } from './run-services.js';
import { computeCell } from './stages/compute-cell.js';
import { createDefenses } from './stages/create-defenses.js';
import { exportResults } from './stages/export-results.js';
import { mergeCellShards } from './stages/merge-cell-shards.js';
import { planCheckCells } from './stages/plan-check-cells.js';
import { planRun, type RunIdentity } from './stages/plan-run.js';
import { prepareDefense } from './stages/prepare-defense.js';
import { probeDefense } from './stages/probe-defense.js';
import { surfacesOf } from './stages/create-defenses.js';
import { defenseEntry, messageOf, openRunScope, releaseRunScope, type DefenseEntry, type RunScope } from './stages/run-scope.js';

export type { RunIdentity } from './stages/plan-run.js';

type CellEnd = 'done' | 'failed' | 'interrupted';

/**
 * Runs one sweep locally, in one process, by calling the run's stages in order (core/src/run/stages/): opens the
 * run scope (data, plugins), creates the defenses, plans the cells (merging the cells an earlier process finished
 * into this out folder), prepares each defense that still has cells to compute, computes each cell whole and
 * merges it, and exports. This class owns only the store writes and the events around the stages. Each finished
 * cell is written in one transaction and exported to results.json. A failing plugin or cell is recorded as failed
 * and the sweep goes on; an aborted signal stops it after the current batch (the unfinished cell stays pending).
 */
export class SweepRunner {
  private results!: RunResults;
  private scope?: RunScope;

  constructor(
    private readonly spec: RunSpec,
    private readonly registry: PluginRegistry,
    private readonly events: EventBus,
    private readonly store: ResultStore,
    private readonly services: RunServices,
    private readonly backend: SelectedBackend,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
    private readonly random: RandomSource,
  ) {}

  /** Runs the sweep; returns the final results (also in the store and results.json). */
  async run(identity: RunIdentity): Promise<RunResults> {
    const started = Date.now();
    try {
      this.scope = await openRunScope({ spec: this.spec, registry: this.registry, events: this.events, services: this.services, backend: this.backend, logger: this.logger, signal: this.signal, random: this.random });
      for (const failure of await createDefenses(this.scope)) this.reportError(failure.error, failure.message, { defense: failure.defense });
      const stored = identity.resumed ? { finishedCells: this.store.finishedCells(), results: this.store.results() } : { finishedCells: new Map<string, CellResult>() };
      this.results = planRun(this.scope, identity, stored);
      for (const defense of this.results.defenses) Object.assign(defense, analyseDefense(this.results, defense));
      this.store.begin(this.results);
      this.store.recordEvent(this.emit({ type: 'run-start', results: structuredClone(this.results), resumed: identity.resumed }));
      await this.export();
      const interrupted = await this.sweep(this.scope);
      const failed = this.results.cells.some((cell) => cell.status === 'failed');
      this.results.status = interrupted ? 'interrupted' : failed ? 'failed' : 'completed';
    } catch (error) {
      if (this.results) this.results.status = 'failed';
      throw error;
    } finally {
      if (this.results) {
        this.results.updatedAt = new Date().toISOString();
        this.store.updateRun(this.results);
        await this.export();
        this.store.recordEvent(this.emit({ type: 'run-end', status: this.results.status, seconds: (Date.now() - started) / 1000, out: this.spec.out }));
      }
      if (this.scope) await releaseRunScope(this.scope);
    }
    return this.results;
  }

  /** Prepares each defense that has cells left and computes them; returns true when interrupted. */
  private async sweep(scope: RunScope): Promise<boolean> {
    const todo = this.results.cells.filter((cell) => cell.status !== 'done');
    let index = 0;
    for (const entry of scope.defenses) {
      if (!todo.some((cell) => cell.defense === entry.name)) continue;
      if (this.signal.aborted) return true;
      if (!entry.failure) {
        const prepared = await this.prepare(scope, entry);
        if (prepared === 'interrupted') return true;
      }
      // Preparing may add the checks' doubled-EOT cells (randomized surfaces are known only then).
      const cells = this.results.cells.filter((cell) => cell.defense === entry.name && cell.status !== 'done');
      for (const cell of cells) {
        if (this.signal.aborted) return true;
        index += 1;
        const end = entry.failure ? await this.failCell(cell, entry.failure) : await this.runCell(scope, cell, index, todo.length);
        if (end === 'interrupted') return true;
      }
    }
    return this.signal.aborted;
  }

  private async prepare(scope: RunScope, entry: DefenseEntry): Promise<'ready' | 'failed' | 'interrupted'> {
    const defense = this.defenseResult(entry.name);
    defense.status = 'running';
    const outcome = await prepareDefense(scope, entry.name);
    if (scope.baseParams !== undefined) this.results.model.params = scope.baseParams;
    if (outcome.status === 'interrupted') {
      defense.status = 'pending';
      return 'interrupted';
    }
    if (outcome.status === 'failed') {
      Object.assign(defense, { status: 'failed', error: outcome.message });
      this.store.saveDefense(defense, entry.index);
      this.reportError(outcome.error, outcome.message, { defense: entry.name });
      return 'failed';
    }
    Object.assign(defense, { status: 'done', cost: outcome.cost, description: outcome.description, surfaces: outcome.surfaces });
    this.store.saveDefense(defense, entry.index);
    await this.probe(scope, entry);
    return 'ready';
  }

  /**
   * Runs the evaluation checks' probes on the freshly prepared defense, adds the checks' extra cells that need
   * its surfaces' randomness (doubled EOT), and decides the checks that can be decided so far.
   */
  private async probe(scope: RunScope, entry: DefenseEntry): Promise<void> {
    const defense = this.defenseResult(entry.name);
    const attacked = surfacesOf(scope, entry);
    defense.probes = await probeDefense(scope, entry.name, attacked);
    const randomized = entry.instance!.surfaces().filter((surface) => surface.randomized && attacked.includes(surface.name)).map((surface) => surface.name);
    const known = new Set(this.results.cells.map((cell) => cell.id));
    const added = planCheckCells(scope, entry, randomized).filter((cell) => !known.has(cell.id));
    if (added.length > 0) {
      // After the defense's last cell, so positions stay grouped by defense.
      const last = this.results.cells.map((cell) => cell.defense).lastIndexOf(entry.name);
      this.results.cells.splice(last + 1, 0, ...added);
      this.store.addCells(this.results.cells.map((cell, position) => ({ cell, position })).slice(last + 1));
    }
    this.refreshAnalysis(entry.name);
  }

  /** Re-decides one defense's checks and best-known accuracy from its cells and probes; stores and announces them. */
  private refreshAnalysis(name: string): void {
    const defense = this.defenseResult(name);
    const { checks, bestKnown } = analyseDefense(this.results, defense);
    if (JSON.stringify(checks) === JSON.stringify(defense.checks) && JSON.stringify(bestKnown) === JSON.stringify(defense.bestKnown)) return;
    Object.assign(defense, { checks, bestKnown });
    this.store.saveDefense(defense, defenseEntry(this.scope!, name).index);
    this.emit({ type: 'defense-checks', defense: name, checks, bestKnown });
  }

  private async runCell(scope: RunScope, planned: CellResult, index: number, total: number): Promise<CellEnd> {
    const started = Date.now();
    let cell: CellResult = { ...planned, status: 'running', error: undefined, result: undefined, outcomes: undefined };
    try {
      const shard = await computeCell(scope, planned, {
        onStart: (attackSettings) => {
          cell = { ...cell, attackSettings };
          this.store.saveCell(cell);
          this.emit({ type: 'cell-start', cell, index, total });
        },
      });
      if (shard === 'interrupted') return this.interruptCell(planned);
      cell = mergeCellShards(cell, [shard], planned.examples?.length ?? scope.dataset.info.testCount);
      cell.seconds = (Date.now() - started) / 1000;
      if (cell.projectionCorrections > 0) {
        this.logger.warn(`${cell.id}: the attack returned ${cell.projectionCorrections} example(s) outside the epsilon-ball or [0, 1]; the harness projected them back`, { cellId: cell.id, corrections: cell.projectionCorrections });
      }
      await this.finishCell(cell);
      return 'done';
    } catch (error) {
      if (this.signal.aborted) return this.interruptCell(planned);
      const message = `${cell.id}: ${messageOf(error)}`;
      this.reportError(error, message, { defense: cell.defense, cellId: cell.id });
      return this.failCell({ ...cell, seconds: (Date.now() - started) / 1000 }, message);
    }
  }

  private async failCell(planned: CellResult, message: string): Promise<CellEnd> {
    await this.finishCell({ ...planned, status: 'failed', error: message, result: undefined, outcomes: undefined });
    return 'failed';
  }

  private interruptCell(planned: CellResult): CellEnd {
    this.store.saveCell({ ...planned, status: 'pending' });
    return 'interrupted';
  }

  /** Writes a finished cell with its outcomes and its cell-end event in one transaction, then tells reporters. */
  private async finishCell(cell: CellResult): Promise<void> {
    const input: RunEventInput = { type: 'cell-end', cell };
    const event = { ...input, sequence: 0, time: new Date().toISOString(), runId: this.results.runId } as RunEvent;
    this.store.saveCell(cell, event);
    const position = this.results.cells.findIndex((candidate) => candidate.id === cell.id);
    this.results.cells[position] = cell;
    this.refreshCleanAccuracy(cell.defense);
    this.refreshAnalysis(cell.defense);
    this.results.updatedAt = event.time;
    this.store.updateRun(this.results);
    this.emit(input);
    await this.export();
  }

  /** A defense's clean accuracy is that of its first finished clean cell (its first surface, in plan order). */
  private refreshCleanAccuracy(name: string): void {
    const defense = this.defenseResult(name);
    const clean = this.results.cells.find((cell) => cell.defense === name && cell.attack === CLEAN_ATTACK && cell.status === 'done');
    if (!clean?.result || defense.cleanAccuracy === clean.result) return;
    defense.cleanAccuracy = clean.result;
    this.store.saveDefense(defense, defenseEntry(this.scope!, name).index);
  }

  private defenseResult(name: string): DefenseResult {
    return this.results.defenses.find((defense) => defense.name === name)!;
  }

  private emit(input: RunEventInput): RunEvent {
    return this.events.emit(input);
  }

  private reportError(error: unknown, message: string, where: { defense?: string; cellId?: string }): void {
    const code = isAdvbenchError(error) ? error.code : 'ADVBENCH_ERR_PLUGIN_FAILED';
    this.logger.warn(message, { code, ...where });
    const event = this.emit({ type: 'error', message, code, ...where });
    if (this.results) this.store.recordEvent(event);
  }

  private async export(): Promise<void> {
    await exportResults(this.spec.out, this.results);
  }
}

declareInjectable(SweepRunner, [
  Tokens.RunSpec,
  Tokens.PluginRegistry,
  Tokens.EventBus,
  Tokens.ResultStore,
  Tokens.RunServices,
  Tokens.Backend,
  Tokens.Logger,
  Tokens.Signal,
  Tokens.RunRandom,
]);
