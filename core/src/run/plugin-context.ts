import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelCache } from '../cache/model-cache.js';
import {
  AdvbenchError,
  optionsTools,
  type AttackFactory,
  type BaseModel,
  type DatasetAccess,
  type Logger,
  type ModelAccess,
  type ModelCache,
  type PluginContext,
  type ProgressSink,
  type RandomSource,
  type TensorFlow,
  type TrainingAccess,
} from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import { createTrainer } from '../training/trainer.js';
import { silentLogger } from './scoped-logger.js';

/** What {@link createPluginContext} builds a context from. Only tf, dataset and models are required. */
export interface PluginContextParts {
  /** The TensorFlow.js API on the selected backend. */
  tf: TensorFlow;
  /** The run's training data. */
  dataset: DatasetAccess;
  /** The run's model architecture. */
  models: ModelAccess;
  /** The training loop (default: the real shared trainer over `dataset`). */
  training?: TrainingAccess;
  /** Randomness for the plugin (default: seed 0). */
  rng?: RandomSource;
  /** Logger (default: silent). */
  logger?: Logger;
  /** Progress sink (default: discards). */
  progress?: ProgressSink;
  /** Attack factory (default: refuses, naming the entry). */
  attacks?: AttackFactory;
  /** Model cache (default: a fresh cache in a new temporary folder, so nothing is shared between tests). */
  cache?: ModelCache;
  /** Abort signal (default: never aborted). */
  signal?: AbortSignal;
  /** Entry name (default `test`). */
  entryName?: string;
  /** Supplies the base model (default: refuses); called at most once, the result is memoised. */
  base?: () => Promise<BaseModel>;
}

/**
 * Builds the plain {@link PluginContext} a plugin's `create` receives. The runner uses it for every defense and
 * attack entry; plugin tests use it with the real trainer and data access and a few parts of their own.
 */
export function createPluginContext(parts: PluginContextParts): PluginContext {
  const entryName = parts.entryName ?? 'test';
  const logger = parts.logger ?? silentLogger;
  const progress = parts.progress ?? { train: () => {} };
  const signal = parts.signal ?? new AbortController().signal;
  const training = parts.training ?? createTrainer({ tf: parts.tf, dataset: parts.dataset, progress, signal, logger });
  let cache = parts.cache;
  const attacks: AttackFactory = parts.attacks ?? {
    create: async (reference) => {
      throw new AdvbenchError('ADVBENCH_ERR_NO_ATTACK_FACTORY', `${entryName}: this context cannot create attacks (asked for ${reference})`);
    },
  };
  let basePromise: Promise<BaseModel> | undefined;
  return {
    tf: parts.tf,
    rng: parts.rng ?? createRandom(0),
    logger,
    progress,
    dataset: parts.dataset,
    models: parts.models,
    training,
    attacks,
    get cache(): ModelCache {
      cache ??= new FileModelCache(mkdtempSync(join(tmpdir(), 'advbench-context-cache-')), {
        datasetHash: parts.dataset.info.contentHash,
        architecture: parts.models.architecture,
        seed: 0,
        codeVersion: 'test',
      });
      return cache;
    },
    signal,
    entryName,
    base: () => {
      if (!parts.base) return Promise.reject(new AdvbenchError('ADVBENCH_ERR_NO_BASE_MODEL', `${entryName}: this context has no base model`));
      basePromise ??= parts.base();
      return basePromise;
    },
    readOptions: optionsTools.readOptions,
  };
}
