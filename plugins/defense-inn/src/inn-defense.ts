import { join } from 'node:path';
import { AdvbenchError } from '@advbench/core/plugin-api';
import type {
  AttackSurface,
  Classifier,
  DefenseImage,
  DefenseInstance,
  LayersModel,
  PluginContext,
  Tensor4D,
  TrainingCost,
  TransformedBatch,
} from '@advbench/core/plugin-api';
import { loadBackgroundFolder } from './background-folder.js';
import { BUILT_IN_BACKGROUND_NAMES, generateBackgrounds, hashBackgrounds } from './backgrounds.js';
import { createInnClassifier, createInnSurfaces } from './inn-classifier.js';
import type { InnEnsemble } from './inn-classifier.js';
import { trainingOptions } from './inn-options.js';
import type { InnOptions } from './inn-options.js';
import { innTransform, slotLabels } from './inn-transform.js';

/** Version of the built-in background patterns, part of the cache key (bump when the patterns change). */
const BUILT_IN_BACKGROUNDS_VERSION = 'built-in-v1';

/** Folder name of the checkpoint saved after `epoch` (1-based) inside a cache entry. */
export function checkpointFolder(epoch: number): string {
  return `epoch-${epoch}`;
}

/** The K backgrounds and how they are named and keyed. */
interface LoadedBackgrounds {
  images: Float32Array[];
  names: string[];
  key: string;
}

/** Reads the user folder, or generates the built-in backgrounds. */
async function loadBackgrounds(context: PluginContext, options: InnOptions): Promise<LoadedBackgrounds> {
  const shape = context.dataset.info.inputShape;
  if (options.backgroundFolder !== undefined) {
    const folder = await loadBackgroundFolder(options.backgroundFolder, shape, options.backgrounds);
    return { images: folder.images, names: folder.names, key: `folder-${hashBackgrounds(folder.images)}` };
  }
  return { images: generateBackgrounds(shape, options.backgrounds), names: BUILT_IN_BACKGROUND_NAMES.slice(0, options.backgrounds), key: BUILT_IN_BACKGROUNDS_VERSION };
}

/** Reads the training cost stored with a cache entry, refusing a malformed one. */
function storedCost(metadata: Record<string, unknown>, directory: string): Omit<TrainingCost, 'cached'> {
  const cost = metadata.cost as Record<string, unknown> | undefined;
  const fields = ['seconds', 'examples', 'forwardPasses', 'backwardPasses'] as const;
  if (cost === undefined || fields.some((field) => typeof cost[field] !== 'number')) {
    throw new AdvbenchError('ADVBENCH_ERR_INN_CACHE_ENTRY', `INN cache entry ${directory} has no valid training cost; delete it to retrain`, { details: { directory } });
  }
  return { seconds: cost.seconds as number, examples: cost.examples as number, forwardPasses: cost.forwardPasses as number, backwardPasses: cost.backwardPasses as number };
}

/**
 * Builds the INN defense for one run entry. `prepare` trains C*K-way checkpoints (one per epoch) from the run's
 * base model with a new head, on inputs transformed by noise and backgrounds, or loads them from the cache.
 */
export function createInnDefense(context: PluginContext, options: InnOptions): DefenseInstance {
  const { tf, dataset, models, training, cache, logger } = context;
  const classes = dataset.info.classes;
  const slots = classes * options.backgrounds;
  let backgrounds: LoadedBackgrounds | undefined;
  let backgroundTensor: Tensor4D | undefined;
  let checkpoints: LayersModel[] = [];
  let classifier: Classifier | undefined;
  let surfaces: AttackSurface[] = [];
  let cost: TrainingCost | undefined;
  let baseKey: string | undefined;
  let epochLosses: number[] | undefined;
  let cacheDirectory: string | undefined;

  function notPrepared(what: string): AdvbenchError {
    return new AdvbenchError('ADVBENCH_ERR_INN_NOT_PREPARED', `INN defense "${context.entryName}": ${what} is only available after prepare()`);
  }

  async function train(directory: string, background: Tensor4D): Promise<Record<string, unknown>> {
    const trainRng = context.rng.fork('inn-train');
    let model: LayersModel;
    if (options.init === 'base') {
      const base = await context.base();
      model = models.withHead(base.model, { classes: slots, rng: trainRng.fork('head') });
    } else {
      model = models.create({ classes: slots, rng: trainRng.fork('init') });
    }
    const transformRng = trainRng.fork('transform');
    const settings = { alpha: options.alpha, beta: options.beta, gamma: options.gamma, noise: true, squash: options.squash };
    try {
      const result = await training.train({
        model,
        epochs: options.epochs,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
        momentum: options.momentum,
        weightDecay: options.weightDecay,
        rng: trainRng.fork('shuffle'),
        phase: 'inn',
        transformBatch: (batch): TransformedBatch => {
          const transformed = innTransform(tf, batch.x, settings, background, transformRng);
          return { x: transformed.x, y: slotLabels(tf, batch.y, transformed.backgroundIndices, classes) };
        },
        onEpochEnd: async (epoch) => {
          await models.save(model, join(directory, checkpointFolder(epoch + 1)));
        },
      });
      return { cost: { ...result.cost, cached: false }, epochLosses: result.epochLosses, checkpoints: Array.from({ length: options.epochs }, (_, index) => checkpointFolder(index + 1)) };
    } finally {
      model.dispose();
    }
  }

  return {
    async prepare(): Promise<void> {
      if (classifier !== undefined) return;
      backgrounds = await loadBackgrounds(context, options);
      const [height, width, channels] = dataset.info.inputShape;
      backgroundTensor?.dispose();
      const flat = new Float32Array(backgrounds.images.length * height * width * channels);
      backgrounds.images.forEach((image, index) => flat.set(image, index * image.length));
      backgroundTensor = tf.tensor4d(flat, [backgrounds.images.length, height, width, channels]);
      if (options.init === 'base') baseKey = (await context.base()).key;
      const parts = { defense: 'inn', options: trainingOptions(options), backgrounds: backgrounds.key, base: baseKey ?? 'scratch', classes, inputShape: dataset.info.inputShape };
      const tensor = backgroundTensor;
      const entry = await cache.getOrCreate(parts, (directory) => train(directory, tensor));
      cacheDirectory = entry.directory;
      cost = { ...storedCost(entry.metadata, entry.directory), cached: entry.hit };
      epochLosses = Array.isArray(entry.metadata.epochLosses) ? (entry.metadata.epochLosses as number[]) : undefined;
      logger.info(entry.hit ? 'INN checkpoints loaded from the cache' : 'INN checkpoints trained', { directory: entry.directory, epochs: options.epochs, slots });
      checkpoints = [];
      for (let epoch = 1; epoch <= options.epochs; epoch += 1) checkpoints.push(await models.load(join(entry.directory, checkpointFolder(epoch))));
      const ensemble: InnEnsemble = { tf, checkpoints, backgrounds: backgroundTensor, classes, options };
      classifier = createInnClassifier(ensemble);
      surfaces = createInnSurfaces(ensemble);
    },
    get classifier(): Classifier {
      if (classifier === undefined) throw notPrepared('the classifier');
      return classifier;
    },
    surfaces(): AttackSurface[] {
      if (classifier === undefined) throw notPrepared('the attack surfaces');
      return surfaces;
    },
    defaultSurfaces(): string[] {
      return ['inn1', 'inn2'];
    },
    cost(): TrainingCost {
      if (cost === undefined) throw notPrepared('the training cost');
      return cost;
    },
    describe(): Record<string, unknown> {
      return {
        options,
        classes,
        backgrounds: options.backgrounds,
        backgroundNames: backgrounds?.names ?? (options.backgroundFolder === undefined ? BUILT_IN_BACKGROUND_NAMES.slice(0, options.backgrounds) : []),
        slots,
        labelRule: 'k * C + c',
        checkpointEpochs: Array.from({ length: options.epochs }, (_, index) => index + 1),
        votingEpochs: Array.from({ length: options.votingCheckpoints }, (_, index) => options.epochs - options.votingCheckpoints + index + 1),
        attackCheckpoint: options.attackCheckpoint,
        base: options.init === 'base' ? (baseKey ?? null) : 'scratch',
        cacheDirectory: cacheDirectory ?? null,
        cached: cost?.cached ?? null,
        epochLosses: epochLosses ?? null,
      };
    },
    images(): DefenseImage[] {
      const shape = dataset.info.inputShape;
      const images = backgrounds?.images ?? (options.backgroundFolder === undefined ? generateBackgrounds(shape, options.backgrounds) : []);
      const names = backgrounds?.names ?? BUILT_IN_BACKGROUND_NAMES;
      return images.map((data, index) => ({ label: `background ${index + 1} of ${options.backgrounds}: ${names[index]}`, shape: [...shape] as [number, number, number], data }));
    },
    dispose(): void {
      for (const model of checkpoints) model.dispose();
      checkpoints = [];
      backgroundTensor?.dispose();
      backgroundTensor = undefined;
      classifier = undefined;
      surfaces = [];
    },
  };
}
