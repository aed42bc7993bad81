import type { SelectedBackend } from '../compute/select-backend.js';
import type { RunSpec } from '../config/run-spec.js';
import { declareInjectable } from '../di/declare-injectable.js';
import { Tokens } from '../di/tokens.js';
import type { EventBus } from '../events/event-bus.js';
import type { AdvbenchError, Logger, RandomSource } from '../plugin-api/index.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import type { ResultStore } from '../store/result-store.js';
import type { CellResult, RunResults } from '../store/result-types.js';
import { describeMemoryUsage, formatBytes } from './memory/memory-usage.js';
import { MemoryWatermark } from './memory/memory-watermark.js';
import { isOutOfMemory, outOfMemoryError } from './memory/out-of-memory.js';
import { RunRecorder } from './run-recorder.js';
import type { RunServices } from './run-services.js';
import { computeCell } from './stages/compute-cell.js';
import { createDefenses } from './stages/create-defenses.js';
import { mergeCellShards } from './stages/merge-cell-shards.js';
import { planRun, type RunIdentity } from './stages/plan-run.js';
import { attackedSurfaces, replanPreparedDefense } from './stages/replan-prepared-defense.js';
import { prepareDefense } from './stages/prepare-defense.js';
import { probeDefense } from './stages/probe-defense.js';
import { releaseDefense } from './stages/release-defense.js';
import { messageOf, openRunScope, releaseRunScope, type DefenseEntry, type RunScope } from './stages/run-scope.js';

export type { RunIdentity } from './stages/plan-run.js';

/**
 * Runs one sweep locally, in one process, by calling the run's stages in order (core/src/run/stages/): opens the
 * run scope (data, plugins), creates the defenses, plans the cells (merging the cells an earlier process finished
 * into this out folder), prepares each defense that still has cells to compute, computes each cell whole and
 * merges it, and exports; a {@link RunRecorder} does the store writes and the events around the stages. Each
 * finished cell is written in one transaction and exported to results.json. A failing plugin or cell is recorded as failed
 * and the sweep goes on; an aborted signal stops it after the current batch (the unfinished cell stays pending).
 * Once a defense's cells are done its models are released (`releaseDefense`), so peak memory is that of the largest
 * defense, not the sum; a `memory` event after each stage records it in the run log. A backend running out of
 * memory stops the run with an error naming the defense, what was resident, the limit and what to try.
 */
export class SweepRunner {
  private recorder?: RunRecorder;
  private scope?: RunScope;
  private memory?: MemoryWatermark;

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
    let status: RunResults['status'] = 'failed';
    try {
      this.scope = await openRunScope({ spec: this.spec, registry: this.registry, events: this.events, services: this.services, backend: this.backend, logger: this.logger, signal: this.signal, random: this.random });
      this.memory = new MemoryWatermark(this.scope.tf, this.events);
      const failures = await createDefenses(this.scope);
      const onStale = (cellId: string, reason: string) => this.logger.warn(`${cellId}: computed again: ${reason}`, { cellId });
      const stored = identity.resumed ? { finishedCells: this.store.finishedCells(), results: this.store.results(), onStale } : { finishedCells: new Map<string, CellResult>() };
      this.recorder = new RunRecorder(planRun(this.scope, identity, stored), this.store, this.events, this.logger);
      await this.recorder.begin(identity.resumed);
      for (const failure of failures) this.recorder.reportError(failure.error, failure.message, { defense: failure.defense });
      const interrupted = await this.sweep(this.scope, this.recorder);
      const failed = this.recorder.results.cells.some((cell) => cell.status === 'failed');
      status = interrupted ? 'interrupted' : failed ? 'failed' : 'completed';
    } finally {
      if (this.recorder) await this.recorder.end(status, (Date.now() - started) / 1000, this.spec.out);
      this.memory?.close();
      if (this.scope) await releaseRunScope(this.scope);
    }
    return this.recorder!.results;
  }

  /** Prepares each defense that has cells left and computes them; returns true when interrupted. */
  private async sweep(scope: RunScope, recorder: RunRecorder): Promise<boolean> {
    const todo = recorder.results.cells.filter((cell) => cell.status !== 'done');
    let index = 0;
    for (const entry of scope.defenses) {
      if (!todo.some((cell) => cell.defense === entry.name)) continue;
      if (this.signal.aborted) return true;
      this.memory!.endStage();
      if (!entry.failure) {
        recorder.defense(entry.name).status = 'running';
        let outcome = await prepareDefense(scope, entry.name);
        const outOfMemory = outcome.status === 'failed' && isOutOfMemory(outcome.error) ? this.outOfMemory(scope, entry.name, 'prepare', outcome.error) : undefined;
        if (outOfMemory) outcome = { status: 'failed', error: outOfMemory, message: outOfMemory.message };
        recorder.recordPrepared(entry.name, outcome, scope.baseParams);
        if (outOfMemory) throw outOfMemory;
        if (outcome.status === 'interrupted') return true;
        if (outcome.status === 'ready') {
          this.recordMemory('prepare', entry.name);
          // A randomized defense, once known, also gets its adaptive (EOT) cells, and its checks their doubled-EOT ones.
          const { checkCells } = replanPreparedDefense(scope, recorder, entry, outcome, this.logger);
          await this.probe(scope, recorder, entry, checkCells);
        }
      }
      // Preparing may add cells: the adaptive (EOT) ones and the checks' doubled-EOT ones (randomness is known only then).
      const cells = recorder.results.cells.filter((cell) => cell.defense === entry.name && cell.status !== 'done');
      const planned = new Set(todo.map((cell) => cell.id));
      todo.push(...cells.filter((cell) => !planned.has(cell.id)));
      // ... and drop some (adaptive-only attacks' cells on its other surfaces).
      const present = new Set(recorder.results.cells.map((cell) => cell.id));
      for (let position = todo.length - 1; position >= 0; position -= 1) if (!present.has(todo[position].id)) todo.splice(position, 1);
      for (const cell of cells) {
        if (this.signal.aborted) return true;
        index += 1;
        if (entry.failure) await recorder.failCell(cell, entry.failure);
        else if ((await this.runCell(scope, recorder, cell, { index, total: todo.length })) === 'interrupted') return true;
      }
      this.recordMemory('cells', entry.name);
      await releaseDefense(scope, entry.name);
      this.recordMemory('release', entry.name);
    }
    return this.signal.aborted;
  }

  /**
   * Runs the evaluation checks' probes on the freshly prepared defense and plans the checks' extra cells that need
   * its surfaces' randomness (doubled EOT); the recorder stores both and re-decides the defense's checks.
   */
  private async probe(scope: RunScope, recorder: RunRecorder, entry: DefenseEntry, checkCells: CellResult[]): Promise<void> {
    const sweep = recorder.results.cells.filter((cell) => cell.defense === entry.name && cell.extra === undefined);
    const probes = await probeDefense(scope, entry.name, attackedSurfaces(scope, entry, sweep));
    recorder.recordProbes(entry.name, probes, checkCells);
  }

  private async runCell(scope: RunScope, recorder: RunRecorder, planned: CellResult, position: { index: number; total: number }): Promise<'done' | 'failed' | 'interrupted'> {
    const started = Date.now();
    let cell: CellResult = planned;
    try {
      const shard = await computeCell(scope, planned, { onStart: (attackSettings) => (cell = recorder.startCell(planned, attackSettings, position)) });
      if (shard === 'interrupted') {
        recorder.interruptCell(planned);
        return 'interrupted';
      }
      const merged = mergeCellShards(cell, [shard], planned.examples?.length ?? scope.dataset.info.testCount);
      merged.seconds = (Date.now() - started) / 1000;
      warnOfProjections(this.logger, merged);
      await recorder.finishCell(merged);
      return 'done';
    } catch (error) {
      if (this.signal.aborted) {
        recorder.interruptCell(planned);
        return 'interrupted';
      }
      const outOfMemory = isOutOfMemory(error) ? this.outOfMemory(scope, planned.defense, planned.id, error) : undefined;
      const message = `${planned.id}: ${messageOf(outOfMemory ?? error)}`;
      recorder.reportError(outOfMemory ?? error, message, { defense: planned.defense, cellId: planned.id });
      await recorder.failCell({ ...cell, seconds: (Date.now() - started) / 1000 }, message);
      if (outOfMemory) throw outOfMemory;
      return 'failed';
    }
  }

  /** Ends a memory stage: emits and stores a `memory` event (the run log) and logs it. */
  private recordMemory(stage: 'prepare' | 'cells' | 'release', defense: string): void {
    const { after, peakTensorBytes } = this.memory!.endStage();
    this.store.recordEvent(this.events.emit({ type: 'memory', stage, defense, usage: after, peakTensorBytes }));
    this.logger.info(`memory after ${defense} ${stage}: peak ${formatBytes(peakTensorBytes)} of tensors during it; now ${describeMemoryUsage(after)}`, { defense, stage, ...after, peakTensorBytes });
  }

  /** The error that stops the run when the backend ran out of memory in `stage` (`prepare` or a cell id) of `defense`. */
  private outOfMemory(scope: RunScope, defense: string, stage: string, cause: unknown): AdvbenchError {
    const resident = [
      ...(scope.basePromise ? ['base model'] : []),
      ...scope.defenses.filter((entry) => entry.prepared || entry.name === defense).map((entry) => entry.name),
    ];
    const { before, after } = this.memory!.endStage();
    return outOfMemoryError({ defense, stage, backend: this.backend.info.name, before, after, resident: [...new Set(resident)] }, cause);
  }
}

/** Warns when the harness had to project a cell's adversarial examples back into the ball or [0, 1]. */
export function warnOfProjections(logger: Logger, cell: CellResult): void {
  if (cell.projectionCorrections > 0) {
    logger.warn(`${cell.id}: the attack returned ${cell.projectionCorrections} example(s) outside the epsilon-ball or [0, 1]; the harness projected them back`, { cellId: cell.id, corrections: cell.projectionCorrections });
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
