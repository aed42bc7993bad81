import { FileModelCache } from '../../cache/model-cache.js';
import type { SelectedBackend } from '../../compute/select-backend.js';
import type { PluginEntrySpec, RunSpec } from '../../config/run-spec.js';
import type { Dataset } from '../../data/dataset-types.js';
import type { EventBus } from '../../events/event-bus.js';
import type {
  AttackInstance,
  AttackPlugin,
  BaseModel,
  DatasetAccess,
  DefenseInstance,
  DefensePlugin,
  Logger,
  ModelAccess,
  RandomSource,
  TensorFlow,
} from '../../plugin-api/index.js';
import { parsePluginOptions } from '../../plugins/plugin-options.js';
import type { LoadedPlugin, PluginRegistry } from '../../plugins/plugin-registry.js';
import { ADVBENCH_VERSION } from '../advbench-version.js';
import { stampPlugin } from '../plugin-stamp.js';
import type { RunServices } from '../run-services.js';
import type { PluginStamp } from '../../store/result-types.js';

/** One defense entry of the spec, resolved; its instance exists once {@link createDefenses} ran. */
export interface DefenseEntry {
  /** Position in `spec.defenses`. */
  index: number;
  /** Entry name. */
  name: string;
  /** The resolved plugin. */
  loaded: LoadedPlugin<DefensePlugin>;
  /** Parsed options. */
  options: unknown;
  /** The created instance (absent until created, or when create failed). */
  instance?: DefenseInstance;
  /** Why the defense cannot run (create or prepare failed). */
  failure?: string;
  /** True once `prepare()` succeeded in this process (false again once released). */
  prepared: boolean;
  /** Version, code hash and options hash of the plugin: what its cells and cached models depend on. */
  stamp: PluginStamp;
  /** True when its cells were done and its instance was released (`releaseDefense`); preparing it again re-creates it. */
  released?: boolean;
}

/** One attack entry of the spec, resolved; its instance is created on first use. */
export interface AttackEntry {
  /** Entry name. */
  name: string;
  /** The resolved plugin. */
  loaded: LoadedPlugin<AttackPlugin>;
  /** Parsed options. */
  options: unknown;
  /** The created instance, memoised. */
  instance?: Promise<AttackInstance>;
  /** Version, code hash and options hash of the plugin: what its cells depend on. */
  stamp: PluginStamp;
  /**
   * For an adaptive variant (`<attack>+eot`): the entry it derives from. It runs with the same options plus
   * `eotSamples: spec.eotSamples` and `spec.eotAttackOptions`, only on randomized defenses' `full` surface.
   */
  adaptiveOf?: string;
}

/** Suffix of the adaptive (EOT) variant of an attack entry. */
export const ADAPTIVE_SUFFIX = '+eot';

/**
 * The raw options of an attack entry's adaptive variant: its options, then `eotSamples: spec.eotSamples`, then the
 * run's `eotAttackOptions`, then the entry's own `adaptiveOptions`.
 */
export function adaptiveVariantOptions(spec: RunSpec, entry: PluginEntrySpec): Record<string, unknown> {
  return { ...entry.options, eotSamples: spec.eotSamples, ...spec.eotAttackOptions, ...(entry.adaptiveOptions ?? {}) };
}

/**
 * Everything the run's stages work with, rebuilt from the {@link RunSpec} alone by {@link openRunScope}: the
 * backend, the opened dataset and the plugins' views of it, the model cache, the registry with every entry
 * resolved, the logger and the event bus. The local sweep runner opens one per run; a queue worker opens one per
 * process and calls the same stage functions (plan, prepare a defense, compute a cell or a shard, export).
 */
export interface RunScope {
  /** The run spec. */
  readonly spec: RunSpec;
  /** The selected backend. */
  readonly backend: SelectedBackend;
  /** TensorFlow.js on that backend. */
  readonly tf: TensorFlow;
  /** Resolves plugin references. */
  readonly registry: PluginRegistry;
  /** The run's event bus. */
  readonly events: EventBus;
  /** The run's logger. */
  readonly logger: Logger;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /** The run's master random stream (seeded by `spec.seed`). */
  readonly random: RandomSource;
  /** Core services. */
  readonly services: RunServices;
  /** The opened dataset. */
  readonly dataset: Dataset;
  /** The plugins' view of the dataset. */
  readonly datasetAccess: DatasetAccess;
  /** The plugins' model access. */
  readonly models: ModelAccess;
  /** The trained-model cache. */
  readonly cache: FileModelCache;
  /** Defense entries in spec order. */
  readonly defenses: DefenseEntry[];
  /** Attack entries by name, in spec order, then their adaptive variants (see {@link AttackEntry.adaptiveOf}). */
  readonly attacks: Map<string, AttackEntry>;
  /** Attack instances created in this scope (disposed by {@link releaseRunScope}). */
  readonly ownedAttacks: AttackInstance[];
  /** The base model, once asked for (memoised). */
  basePromise?: Promise<BaseModel>;
  /** Parameters of the base model, once loaded. */
  baseParams?: number;
  /** Epochs of the base model's recipe (the `none` entry's options), once trained; undefined for pretrained weights. */
  baseEpochs?: number;
  /** Defense entries whose context asked for the base model (`context.base()`): they inherit its training cost. */
  baseUsers?: Set<string>;
}

/** What {@link openRunScope} builds a scope from. */
export interface OpenRunScopeInput {
  /** The run spec. */
  spec: RunSpec;
  /** Resolves plugin references. */
  registry: PluginRegistry;
  /** The event bus. */
  events: EventBus;
  /** Core services. */
  services: RunServices;
  /** The selected backend. */
  backend: SelectedBackend;
  /** The logger. */
  logger: Logger;
  /** Abort signal. */
  signal: AbortSignal;
  /** The run's master random stream. */
  random: RandomSource;
}

/** The spec's plugin entries, resolved and with parsed options. */
export interface RunEntries {
  /** Defense entries in spec order. */
  defenses: DefenseEntry[];
  /** Attack entries by name, then their adaptive variants. */
  attacks: Map<string, AttackEntry>;
}

/**
 * Resolves every defense and attack entry of the spec and parses its options (bad references and options are bad
 * input, exit 2, naming the entry), and adds the adaptive variant `<attack>+eot` of every attack that accepts
 * `eotSamples` (when `spec.eotSamples` > 0). Needs no backend and writes nothing: `executeRun` calls it before it
 * touches the out folder, {@link openRunScope} again (the registry loads each plugin once).
 */
export async function resolveRunEntries(spec: RunSpec, registry: PluginRegistry, logger: Logger): Promise<RunEntries> {
  const defenses: DefenseEntry[] = [];
  const attacks = new Map<string, AttackEntry>();
  for (const [index, entry] of spec.defenses.entries()) {
    const loaded = await registry.resolveDefense(entry.use, `defenses[${index}].use`);
    const options = parsePluginOptions(loaded.plugin, entry.options, `defenses[${index}].options`);
    defenses.push({ index, name: entry.name, loaded, options, prepared: false, stamp: await stampPlugin(loaded, options, registry.cwd) });
  }
  for (const [index, entry] of spec.attacks.entries()) {
    const loaded = await registry.resolveAttack(entry.use, `attacks[${index}].use`);
    const options = parsePluginOptions(loaded.plugin, entry.options, `attacks[${index}].options`);
    attacks.set(entry.name, { name: entry.name, loaded, options, stamp: await stampPlugin(loaded, options, registry.cwd) });
  }
  if (spec.eotSamples > 0) {
    for (const [index, entry] of spec.attacks.entries()) {
      const loaded = attacks.get(entry.name)!.loaded;
      // Attacks that take no `eotSamples` option (black-box ones, say) get no adaptive variant.
      try {
        parsePluginOptions(loaded.plugin, { ...entry.options, eotSamples: spec.eotSamples }, `attacks[${index}]: adaptive variant`);
      } catch {
        logger.debug(`attack ${entry.name} takes no eotSamples option: no adaptive variant`);
        continue;
      }
      // One that takes it but refuses the run's or the entry's adaptive options is a config error, not a silent skip.
      const options = parsePluginOptions(loaded.plugin, adaptiveVariantOptions(spec, entry), `attacks[${index}]: adaptive variant (options + eotSamples + eotAttackOptions + adaptiveOptions)`);
      const name = `${entry.name}${ADAPTIVE_SUFFIX}`;
      attacks.set(name, { name, loaded, options, adaptiveOf: entry.name, stamp: await stampPlugin(loaded, options, registry.cwd) });
    }
  }
  return { defenses, attacks };
}

/**
 * Opens a run scope: opens the dataset, builds the data and model access and the model cache, and resolves and
 * parses every defense and attack entry ({@link resolveRunEntries}).
 * Creates no plugin instance (see {@link createDefenses}). Release it with {@link releaseRunScope}.
 */
export async function openRunScope(input: OpenRunScopeInput): Promise<RunScope> {
  const { spec, backend, services } = input;
  const { tf } = backend;
  const dataset = await services.openDataset(spec.dataset, { seed: spec.seed });
  let entries: RunEntries;
  try {
    entries = await resolveRunEntries(spec, input.registry, input.logger);
  } catch (error) {
    await dataset.close?.();
    throw error;
  }
  const { defenses, attacks } = entries;
  return {
    spec,
    backend,
    tf,
    registry: input.registry,
    events: input.events,
    logger: input.logger,
    signal: input.signal,
    random: input.random,
    services,
    dataset,
    datasetAccess: services.createDatasetAccess(tf, dataset),
    models: services.createModelAccess({ tf, spec, info: dataset.info }),
    cache: new FileModelCache(spec.cacheDirectory, {
      datasetHash: dataset.info.contentHash,
      architecture: spec.model.name,
      seed: spec.seed,
      codeVersion: ADVBENCH_VERSION,
      backend: backend.info.name,
    }, { logger: input.logger }),
    defenses,
    attacks,
    ownedAttacks: [],
  };
}

/** The defense entry named `name` (throws for an unknown name). */
export function defenseEntry(scope: RunScope, name: string): DefenseEntry {
  const entry = scope.defenses.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`unknown defense entry ${name}`);
  return entry;
}

/** Disposes every defense and attack instance, the base model and the dataset. Never throws for a plugin. */
export async function releaseRunScope(scope: RunScope): Promise<void> {
  for (const entry of scope.defenses) {
    try {
      entry.instance?.dispose();
    } catch (error) {
      scope.logger.warn(`${entry.name}: dispose failed: ${messageOf(error)}`);
    }
  }
  for (const attack of scope.ownedAttacks) attack.dispose?.();
  if (scope.basePromise) {
    const base = await scope.basePromise.catch(() => undefined);
    try {
      base?.model.dispose();
    } catch (error) {
      // After a backend abort (out of memory) its heap may be unusable; the process is about to report and exit.
      scope.logger.warn(`base model: dispose failed: ${messageOf(error)}`);
    }
  }
  await scope.dataset.close?.();
}

/** The message of a thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
