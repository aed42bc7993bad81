import { FileModelCache } from '../cache/model-cache.js';
import type { SelectedBackend } from '../compute/select-backend.js';
import type { RunSpec } from '../config/run-spec.js';
import type { Dataset } from '../data/dataset-types.js';
import { declareInjectable } from '../di/declare-injectable.js';
import { Tokens } from '../di/tokens.js';
import type { EventBus } from '../events/event-bus.js';
import type { RunEvent, RunEventInput } from '../events/event-types.js';
import {
  isAdvbenchError,
  type AttackFactory,
  type AttackInstance,
  type AttackPlugin,
  type BaseModel,
  type DatasetAccess,
  type DefenseInstance,
  type DefensePlugin,
  type Logger,
  type ModelAccess,
  type PluginContext,
  type ProgressSink,
  type RandomSource,
} from '../plugin-api/index.js';
import { parsePluginOptions } from '../plugins/plugin-options.js';
import type { LoadedPlugin, PluginRegistry } from '../plugins/plugin-registry.js';
import { createRandom } from '../random/seeded-random.js';
import type { ResultStore } from '../store/result-store.js';
import { writeResultsJson } from '../store/results-json.js';
import { RESULTS_SCHEMA_VERSION, type CellResult, type DefenseResult, type RunResults } from '../store/result-types.js';
import { estimateAccuracy } from '../training/accuracy.js';
import { ADVBENCH_VERSION } from './advbench-version.js';
import { CLEAN_ATTACK, planCells } from './cell-plan.js';
import { evaluateBatch } from './evaluate-batch.js';
import { hashFolder } from './hash-folder.js';
import { createPluginContext } from './plugin-context.js';
import type { RunServices } from './run-services.js';
import { scopedLogger } from './scoped-logger.js';
import { createThrottle } from './throttle.js';

/** Identity of the run being executed (decided by {@link executeRun} before the scope exists). */
export interface RunIdentity {
  /** Run id (kept across resumes). */
  runId: string;
  /** Hash of the run spec. */
  configHash: string;
  /** ISO time the run was first started. */
  createdAt: string;
  /** True when the out folder already held this run. */
  resumed: boolean;
}

interface DefenseState {
  index: number;
  name: string;
  loaded: LoadedPlugin<DefensePlugin>;
  options: unknown;
  instance?: DefenseInstance;
  /** Why the defense cannot run (create or prepare failed). */
  failure?: string;
  prepared: boolean;
}

interface AttackState {
  name: string;
  loaded: LoadedPlugin<AttackPlugin>;
  options: unknown;
  instance?: Promise<AttackInstance>;
}

type CellEnd = 'done' | 'failed' | 'interrupted';

const ZERO_COST = { seconds: 0, examples: 0, forwardPasses: 0, backwardPasses: 0, cached: false };

/**
 * Runs one sweep inside a run scope: opens the data, resolves and creates the plugins, plans the cells (merging
 * the cells an earlier process finished into this out folder), prepares each defense that still has cells to
 * compute, and computes each cell batch by batch through the harness. Each finished cell is written in one
 * transaction and exported to results.json. A failing plugin or cell is recorded as failed and the sweep goes on;
 * an aborted signal stops it after the current batch (the unfinished cell stays pending for a resume).
 */
export class SweepRunner {
  private results!: RunResults;
  private readonly defenses: DefenseState[] = [];
  private readonly attacks = new Map<string, AttackState>();
  private readonly ownedAttacks: AttackInstance[] = [];
  private dataset?: Dataset;
  private datasetAccess!: DatasetAccess;
  private models!: ModelAccess;
  private cache!: FileModelCache;
  private basePromise?: Promise<BaseModel>;

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
      await this.setUp();
      await this.createDefenses();
      this.results = this.plan(identity);
      this.store.begin(this.results);
      this.store.recordEvent(this.emit({ type: 'run-start', results: structuredClone(this.results), resumed: identity.resumed }));
      await this.export();
      const interrupted = await this.sweep();
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
      await this.release();
    }
    return this.results;
  }

  private async setUp(): Promise<void> {
    const { tf } = this.backend;
    this.dataset = await this.services.openDataset(this.spec.dataset, { seed: this.spec.seed });
    this.datasetAccess = this.services.createDatasetAccess(tf, this.dataset);
    this.models = this.services.createModelAccess({ tf, spec: this.spec, info: this.dataset.info });
    this.cache = new FileModelCache(this.spec.cacheDirectory, {
      datasetHash: this.dataset.info.contentHash,
      architecture: this.spec.model.name,
      seed: this.spec.seed,
      codeVersion: ADVBENCH_VERSION,
    }, { logger: this.logger });
    // Bad references and options are bad input: refuse them before any work.
    for (const [index, entry] of this.spec.defenses.entries()) {
      const loaded = await this.registry.resolveDefense(entry.use, `defenses[${index}].use`);
      const options = parsePluginOptions(loaded.plugin, entry.options, `defenses[${index}].options`);
      this.defenses.push({ index, name: entry.name, loaded, options, prepared: false });
    }
    for (const [index, entry] of this.spec.attacks.entries()) {
      const loaded = await this.registry.resolveAttack(entry.use, `attacks[${index}].use`);
      const options = parsePluginOptions(loaded.plugin, entry.options, `attacks[${index}].options`);
      this.attacks.set(entry.name, { name: entry.name, loaded, options });
    }
  }

  private async createDefenses(): Promise<void> {
    for (const state of this.defenses) {
      try {
        state.instance = await state.loaded.plugin.create(this.context('defense', state.name), state.options);
      } catch (error) {
        state.failure = `${state.name}: create failed: ${messageOf(error)}`;
        this.reportError(error, state.failure, { defense: state.name });
      }
    }
  }

  private plan(identity: RunIdentity): RunResults {
    const planned = planCells({
      seed: this.spec.seed,
      epsilons: this.spec.epsilons,
      defenses: this.defenses.map((state) => ({ name: state.name, surfaces: this.surfacesOf(state) })),
      attacks: [...this.attacks.values()].map((attack) => ({ name: attack.name, plugin: attack.loaded.plugin.id })),
    });
    const finished = identity.resumed ? this.store.finishedCells() : new Map<string, CellResult>();
    const previous = identity.resumed ? new Map(this.store.results().defenses.map((defense) => [defense.name, defense])) : new Map<string, DefenseResult>();
    const now = new Date().toISOString();
    const plugins: Record<string, string> = {};
    for (const state of [...this.defenses, ...this.attacks.values()]) plugins[state.loaded.plugin.id] = state.loaded.plugin.version;
    return {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      runId: identity.runId,
      createdAt: identity.createdAt,
      updatedAt: now,
      status: 'running',
      seed: this.spec.seed,
      backend: this.backend.info,
      versions: { advbench: ADVBENCH_VERSION, tfjs: this.backend.tf.version_core, node: process.version, plugins },
      configHash: identity.configHash,
      config: JSON.parse(JSON.stringify(this.spec)) as Record<string, unknown>,
      dataset: this.dataset!.info,
      model: { name: this.spec.model.name, ...(this.spec.model.weights ? { pretrained: this.spec.model.weights } : {}) },
      defenses: this.defenses.map((state) => {
        const before = previous.get(state.name);
        const base: DefenseResult = {
          name: state.name,
          plugin: state.loaded.plugin.id,
          pluginVersion: state.loaded.plugin.version,
          options: (state.options ?? {}) as Record<string, unknown>,
          description: {},
          surfaces: this.surfacesOf(state),
          status: state.failure ? 'failed' : 'pending',
          ...(state.failure ? { error: state.failure } : {}),
        };
        return before?.status === 'done' ? { ...base, status: 'done', description: before.description, cost: before.cost, surfaces: before.surfaces } : base;
      }),
      cells: planned.map((cell) => finished.get(cell.id) ?? cell),
    };
  }

  /** Prepares each defense that has cells left and computes them; returns true when interrupted. */
  private async sweep(): Promise<boolean> {
    const todo = this.results.cells.filter((cell) => cell.status !== 'done');
    let index = 0;
    for (const state of this.defenses) {
      const cells = todo.filter((cell) => cell.defense === state.name);
      if (cells.length === 0) continue;
      if (this.signal.aborted) return true;
      if (!state.failure) {
        const prepared = await this.prepare(state);
        if (prepared === 'interrupted') return true;
      }
      for (const cell of cells) {
        if (this.signal.aborted) return true;
        index += 1;
        const end = state.failure ? await this.failCell(cell, state.failure) : await this.runCell(cell, state, index, todo.length);
        if (end === 'interrupted') return true;
      }
    }
    return this.signal.aborted;
  }

  private async prepare(state: DefenseState): Promise<'ready' | 'failed' | 'interrupted'> {
    const defense = this.defenseResult(state.name);
    defense.status = 'running';
    this.emit({ type: 'train-start', defense: state.name });
    try {
      await state.instance!.prepare();
      const cost = state.instance!.cost();
      Object.assign(defense, { status: 'done', cost, description: state.instance!.describe(), surfaces: state.instance!.surfaces().map((surface) => surface.name) });
      state.prepared = true;
      this.store.saveDefense(defense, state.index);
      this.emit({ type: 'train-end', defense: state.name, cost });
      return 'ready';
    } catch (error) {
      if (this.signal.aborted) {
        defense.status = 'pending';
        return 'interrupted';
      }
      state.failure = `${state.name}: prepare failed: ${messageOf(error)}`;
      Object.assign(defense, { status: 'failed', error: state.failure });
      this.store.saveDefense(defense, state.index);
      this.reportError(error, state.failure, { defense: state.name });
      return 'failed';
    }
  }

  private async runCell(planned: CellResult, state: DefenseState, index: number, total: number): Promise<CellEnd> {
    const { tf } = this.backend;
    const instance = state.instance!;
    const started = Date.now();
    let cell: CellResult = { ...planned, status: 'running', error: undefined, result: undefined, outcomes: undefined };
    try {
      const surface = instance.surfaces().find((candidate) => candidate.name === cell.surface);
      if (!surface) {
        const offered = instance.surfaces().map((candidate) => candidate.name).join(', ');
        return await this.failCell(planned, `${state.name} offers no surface '${cell.surface}' (it offers: ${offered})`);
      }
      const attack = cell.attack === CLEAN_ATTACK ? undefined : await this.attackInstance(cell.attack);
      cell.attackSettings = attack ? attack.describe() : {};
      this.store.saveCell(cell);
      this.emit({ type: 'cell-start', cell, index, total });
      const info = this.dataset!.info;
      const outcomes = new Array<number>(info.testCount).fill(0);
      const random = createRandom(cell.seed);
      const throttle = createThrottle();
      let examplesDone = 0;
      let corrections = 0;
      let batchIndex = 0;
      for await (const batch of this.dataset!.test.batches({ batchSize: this.spec.evalBatchSize })) {
        if (this.signal.aborted) return this.interruptCell(planned);
        const [height, width, channels] = batch.shape;
        const x = tf.tensor4d(batch.images, [batch.count, height, width, channels], 'float32');
        const y = tf.tensor1d(batch.labels, 'int32');
        const doneBefore = examplesDone;
        try {
          const outcome = await evaluateBatch({
            tf,
            x,
            y,
            epsilon: cell.epsilon,
            attack,
            surface,
            classifier: instance.classifier,
            classes: info.classes,
            rng: random.fork(`batch-${batchIndex}`),
            signal: this.signal,
            onStep: (progress) => {
              if (!throttle()) return;
              const fraction = (doneBefore + (batch.count * ((progress.restart - 1) * progress.steps + progress.step)) / (progress.restarts * progress.steps)) / info.testCount;
              const elapsed = (Date.now() - started) / 1000;
              this.emit({ type: 'cell-progress', cellId: cell.id, examplesDone: doneBefore, examples: info.testCount, ...progress, etaSeconds: fraction > 0 ? elapsed / fraction - elapsed : 0 });
            },
          });
          batch.indices.forEach((position, offset) => {
            outcomes[position] = outcome.correct[offset];
          });
          corrections += outcome.corrections;
        } finally {
          tf.dispose([x, y]);
        }
        // An attack stopped by Ctrl-C returns early: its batch must not count.
        if (this.signal.aborted) return this.interruptCell(planned);
        examplesDone += batch.count;
        batchIndex += 1;
        if (attack === undefined && throttle()) {
          this.emit({ type: 'cell-progress', cellId: cell.id, examplesDone, examples: info.testCount, step: 1, steps: 1, restart: 1, restarts: 1, successRate: 0, loss: 0, etaSeconds: 0 });
        }
      }
      const correct = outcomes.reduce((sum, value) => sum + value, 0);
      cell = { ...cell, status: 'done', result: estimateAccuracy(correct, examplesDone), outcomes, projectionCorrections: corrections, seconds: (Date.now() - started) / 1000 };
      if (corrections > 0) this.logger.warn(`${cell.id}: the attack returned ${corrections} example(s) outside the epsilon-ball or [0, 1]; the harness projected them back`, { cellId: cell.id, corrections });
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
    this.store.saveDefense(defense, this.defenses.findIndex((state) => state.name === name));
  }

  private attackInstance(name: string): Promise<AttackInstance> {
    const state = this.attacks.get(name);
    if (!state) return Promise.reject(new Error(`unknown attack entry ${name}`));
    state.instance ??= Promise.resolve(state.loaded.plugin.create(this.context('attack', name), state.options)).then((instance) => {
      this.ownedAttacks.push(instance);
      return instance;
    });
    return state.instance.catch((error: unknown) => {
      throw new Error(`attack ${name}: create failed: ${messageOf(error)}`, { cause: error });
    });
  }

  private surfacesOf(state: DefenseState): string[] {
    const configured = this.spec.defenses[state.index].surfaces;
    if (configured && configured.length > 0) return configured;
    if (state.instance) {
      try {
        return state.instance.defaultSurfaces();
      } catch (error) {
        state.failure ??= `${state.name}: defaultSurfaces failed: ${messageOf(error)}`;
      }
    }
    return ['full'];
  }

  private context(kind: 'defense' | 'attack', name: string): PluginContext {
    const { tf } = this.backend;
    const logger = scopedLogger(this.logger, { [kind]: name });
    const progress = this.progressSink(kind === 'defense' ? name : `attack:${name}`);
    return createPluginContext({
      tf,
      dataset: this.datasetAccess,
      models: this.models,
      training: this.services.createTrainer({ tf, dataset: this.datasetAccess, progress, signal: this.signal, logger }),
      rng: this.random.fork(`${kind}:${name}`),
      logger,
      progress,
      attacks: this.attackFactory(name),
      cache: this.cache,
      signal: this.signal,
      entryName: name,
      base: () => this.base(),
    });
  }

  private progressSink(defense: string): ProgressSink {
    const throttle = createThrottle();
    return {
      train: (progress) => {
        if (throttle() || progress.step === progress.steps) this.emit({ type: 'train-progress', defense, ...progress });
      },
    };
  }

  private attackFactory(owner: string): AttackFactory {
    return {
      create: async (reference, raw) => {
        const loaded = await this.registry.resolveAttack(reference, `${owner}: attacks.create('${reference}')`);
        const options = parsePluginOptions(loaded.plugin, raw ?? {}, `${owner}: options of attack '${reference}'`);
        const instance = await loaded.plugin.create(this.context('attack', `${owner}/${loaded.plugin.id}`), options);
        this.ownedAttacks.push(instance);
        return instance;
      },
    };
  }

  /** The run's base model: trained once by the `none` recipe (memoised), or the pretrained folder as is. */
  private base(): Promise<BaseModel> {
    this.basePromise ??= this.loadBase();
    return this.basePromise;
  }

  private async loadBase(): Promise<BaseModel> {
    let base: BaseModel;
    if (this.spec.model.weights) {
      const model = await this.models.load(this.spec.model.weights);
      base = { model, key: `pretrained:${await hashFolder(this.spec.model.weights)}`, cost: { ...ZERO_COST } };
    } else {
      const none = this.defenses.find((state) => state.loaded.plugin.id === 'none');
      const options = none
        ? none.options
        : parsePluginOptions((await this.registry.resolveDefense('none', 'base model (defense none)')).plugin, {}, 'base model (defaults of defense none)');
      const context = { ...this.context('defense', none?.name ?? 'none'), rng: this.random.fork('base') };
      base = await this.services.trainBaseModel(context, options);
    }
    this.results.model.params = base.model.countParams();
    return base;
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
    await writeResultsJson(this.spec.out, this.results);
  }

  private async release(): Promise<void> {
    for (const state of this.defenses) {
      try {
        state.instance?.dispose();
      } catch (error) {
        this.logger.warn(`${state.name}: dispose failed: ${messageOf(error)}`);
      }
    }
    for (const attack of this.ownedAttacks) attack.dispose?.();
    if (this.basePromise) {
      const base = await this.basePromise.catch(() => undefined);
      base?.model.dispose();
    }
    await this.dataset?.close?.();
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
