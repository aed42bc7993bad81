import { costFromMetadata, inputError, learningRateSchedule } from '@advbench/core/plugin-api';
import type { BaseModel, LayersModel, PluginContext } from '@advbench/core/plugin-api';
import type { NoneOptions } from './none-options.js';

/**
 * Trains the run's undefended base model (the `none` recipe): a fresh model of the run's architecture, standard SGD
 * training on the run's data, saved to the model cache keyed by these options (plus the dataset, architecture, seed
 * and code version the cache adds). On a cache hit the model is loaded instead and the cost is the original
 * training's with `cached: true`. The runner calls this to implement `context.base()`; the caller owns the model.
 */
export async function trainBaseModel(context: PluginContext, options: NoneOptions): Promise<BaseModel> {
  if (options.pretrained) {
    throw inputError(
      'ADVBENCH_ERR_NONE_PRETRAINED',
      `${context.entryName}: options.pretrained is true but the run names no pretrained weights; set model.weights to a tfjs layers folder, or drop pretrained to train the base model`,
      { details: { path: `${context.entryName}.options.pretrained` } },
    );
  }
  const { pretrained: _pretrained, ...training } = options;
  let trained: LayersModel | undefined;
  const entry = await context.cache.getOrCreate({ defense: 'none', options: training }, async (directory) => {
    const model = context.models.create({ classes: context.dataset.info.classes, rng: context.rng.fork('init') });
    try {
      const result = await context.training.train({
        model,
        epochs: training.epochs,
        batchSize: training.batchSize,
        learningRate: learningRateSchedule(training.schedule, training.learningRate, training.epochs),
        momentum: training.momentum,
        weightDecay: training.weightDecay,
        rng: context.rng.fork('shuffle'),
        phase: 'base',
      });
      await context.models.save(model, directory);
      trained = model;
      context.logger.info('base model trained', { seconds: result.cost.seconds, epochLosses: result.epochLosses });
      return { cost: result.cost, epochLosses: result.epochLosses };
    } catch (error) {
      model.dispose();
      throw error;
    }
  });
  const cost = costFromMetadata(entry.metadata, context.entryName);
  const model = trained ?? (await context.models.load(entry.directory));
  const key = typeof entry.metadata.key === 'string' ? entry.metadata.key : entry.directory;
  return { model, key: `none:${key}`, cost: { ...cost, cached: trained === undefined } };
}
