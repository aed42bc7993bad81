import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelCache } from '../cache/model-cache.js';
import { selectBackend } from '../compute/select-backend.js';
import type { BackendChoice } from '../config/run-spec.js';
import { createDatasetAccess, tensorBatches } from '../data/dataset-access.js';
import type { Dataset } from '../data/dataset-types.js';
import { openDataset } from '../data/open-dataset.js';
import { createModelAccess } from '../models/model-access.js';
import type {
  AttackFactory,
  AttackInstance,
  BaseModel,
  DatasetAccess,
  LabelledBatch,
  ModelAccess,
  PluginContext,
  TensorFlow,
} from '../plugin-api/index.js';
import { parsePluginOptions } from '../plugins/plugin-options.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { createRandom } from '../random/seeded-random.js';
import { ADVBENCH_VERSION } from '../run/advbench-version.js';
import { createPluginContext, type PluginContextParts } from '../run/plugin-context.js';
import { loadRunServices } from '../run/run-services.js';
import type { BackendInfo } from '../store/result-types.js';
import { createTinyModelAccess } from '../training/testing/tiny-model-access.js';

/** Options of {@link createTestKit}. Every default is small enough for a unit test (seconds). */
export interface TestKitOptions {
  /** Master seed of the kit: data subset, model initialisation, every context's rng (default 0). */
  seed?: number;
  /** Training images taken from the shipped Fashion-MNIST, stratified by class (default 256). */
  trainSamples?: number;
  /** Test images, stratified by class (default 32). */
  testSamples?: number;
  /**
   * Architecture of `context.models`: `tiny-mlp` (default: flatten, dense 32, dense C; trains in a second) or any
   * zoo name (`advbench models list`), for example `bench-resnet`.
   */
  model?: string;
  /** Compute backend, as `advbench run --backend` (default `auto`: the one a run on this machine would use). */
  backend?: BackendChoice;
  /** Epochs of the base model (`context.base()`), trained with the `none` defense's recipe (default 3). */
  baseEpochs?: number;
  /** Folder that plugin references given to `context.attacks.create` resolve from (default: the process's cwd). */
  cwd?: string;
}

/**
 * A real plugin environment in miniature: the backend a run would select, a stratified slice of the shipped
 * Fashion-MNIST, the real trainer, a real model cache in a temporary folder, the `none` defense's base-model recipe,
 * an attack factory through the real plugin registry, and seeded randomness. Plugins tested with it run the same
 * code as in `advbench run`. Call {@link TestKit.dispose} at the end (it frees the base model and removes the cache).
 */
export interface TestKit {
  /** The TensorFlow.js API on the selected backend (the same instance plugins get as `context.tf`). */
  readonly tf: TensorFlow;
  /** The selected backend. */
  readonly backend: BackendInfo;
  /** The kit's seed. */
  readonly seed: number;
  /** The training slice, as plugins see it (`context.dataset`). */
  readonly dataset: DatasetAccess;
  /** The kit's model architecture (`context.models`). */
  readonly models: ModelAccess;
  /** The temporary model-cache folder (removed by `dispose`). */
  readonly cacheDirectory: string;
  /** Number of test images. */
  readonly testCount: number;
  /**
   * A real plugin context. `overrides` replace parts (for example `progress` to collect training events, or a
   * fresh `cache`); `entryName` also forks the rng as the runner does (`defense:<name>`).
   */
  context(overrides?: Partial<PluginContextParts> & { kind?: 'defense' | 'attack' }): PluginContext;
  /** The first `size` test images and labels as fresh tensors the caller disposes (size is capped at `testCount`). */
  testBatch(size?: number): Promise<LabelledBatch>;
  /** The base model (`context.base()`), trained once per kit through the kit's cache. Owned by the kit. */
  base(): Promise<BaseModel>;
  /** Frees the base model and attacks the kit created, and removes the cache folder. */
  dispose(): Promise<void>;
}

/** Builds a {@link TestKit}. */
export async function createTestKit(options: TestKitOptions = {}): Promise<TestKit> {
  const seed = options.seed ?? 0;
  const { tf, info: backend } = await selectBackend(options.backend ?? 'auto');
  const dataset: Dataset = await openDataset(
    { reference: 'fashion-mnist', trainSamples: options.trainSamples ?? 256, testSamples: options.testSamples ?? 32 },
    { seed },
  );
  const datasetAccess = createDatasetAccess(tf, dataset);
  const architecture = options.model ?? 'tiny-mlp';
  const models = architecture === 'tiny-mlp' ? createTinyModelAccess(dataset.info.inputShape) : createModelAccess({ architecture, inputShape: dataset.info.inputShape });
  const cacheDirectory = mkdtempSync(join(tmpdir(), 'advbench-testkit-'));
  const cache = new FileModelCache(cacheDirectory, { datasetHash: dataset.info.contentHash, architecture, seed, codeVersion: ADVBENCH_VERSION });
  const services = await loadRunServices();
  const random = createRandom(seed);
  const ownedAttacks: AttackInstance[] = [];
  let registry: Promise<PluginRegistry> | undefined;
  let basePromise: Promise<BaseModel> | undefined;

  const attackFactory = (owner: string): AttackFactory => ({
    create: async (reference, raw) => {
      registry ??= PluginRegistry.create({ cwd: options.cwd ?? process.cwd() });
      const loaded = await (await registry).resolveAttack(reference, `${owner}: attacks.create('${reference}')`);
      const parsed = parsePluginOptions(loaded.plugin, raw ?? {}, `${owner}: options of attack '${reference}'`);
      const instance = await loaded.plugin.create(context({ entryName: `${owner}/${loaded.plugin.id}`, kind: 'attack' }), parsed);
      ownedAttacks.push(instance);
      return instance;
    },
  });

  const base = (): Promise<BaseModel> => {
    basePromise ??= (async () => {
      const none = (await (registry ??= PluginRegistry.create({ cwd: options.cwd ?? process.cwd() }))).resolveDefense('none', 'test kit base model');
      const parsed = parsePluginOptions((await none).plugin, { epochs: options.baseEpochs ?? 3, batchSize: 32, learningRate: 0.05 }, 'test kit base model options');
      const baseContext = { ...context({ entryName: 'none' }), rng: random.fork('base') };
      return services.trainBaseModel(baseContext, parsed);
    })();
    return basePromise;
  };

  function context(overrides: Partial<PluginContextParts> & { kind?: 'defense' | 'attack' } = {}): PluginContext {
    const { kind = 'defense', ...parts } = overrides;
    const entryName = parts.entryName ?? 'test';
    return createPluginContext({
      tf,
      dataset: datasetAccess,
      models,
      rng: random.fork(`${kind}:${entryName}`),
      cache,
      attacks: attackFactory(entryName),
      base,
      ...parts,
      entryName,
    });
  }

  return {
    tf,
    backend,
    seed,
    dataset: datasetAccess,
    models,
    cacheDirectory,
    testCount: dataset.info.testCount,
    context,
    base,
    async testBatch(size = dataset.info.testCount): Promise<LabelledBatch> {
      const count = Math.max(1, Math.min(size, dataset.info.testCount));
      for await (const batch of tensorBatches(tf, dataset.test, { batchSize: count })) return batch;
      throw new Error('test kit: the test split is empty');
    },
    async dispose(): Promise<void> {
      for (const attack of ownedAttacks.splice(0)) attack.dispose?.();
      const trained = await basePromise?.catch(() => undefined);
      trained?.model.dispose();
      basePromise = undefined;
      await dataset.close?.();
      rmSync(cacheDirectory, { recursive: true, force: true });
    },
  };
}
