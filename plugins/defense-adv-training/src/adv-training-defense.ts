import { AdvbenchError, costFromMetadata } from '@advbench/core/plugin-api';
import type {
  AttackSurface,
  BaseModel,
  Classifier,
  DefenseInstance,
  LayersModel,
  PluginContext,
  Tensor2D,
  Tensor4D,
  TrainingCost,
} from '@advbench/core/plugin-api';
import { attackOptionsFor, type AdvTrainingOptions } from './adv-training-options.js';
import { learningRateSchedule } from '@advbench/core/plugin-api';

/**
 * A differentiable logits surface over `model` in inference mode (batch norm uses its moving statistics); exact:
 * its arg-max is the decision rule (softmax of the same logits).
 */
function logitsSurface(model: LayersModel, description: string): AttackSurface {
  return { name: 'full', description, output: 'logits', randomized: false, exact: true, forward: (x: Tensor4D) => model.apply(x, { training: false }) as Tensor2D };
}

/**
 * Adversarial training as a defense. Every training batch is replaced by adversarial examples at `epsilon`, made
 * by the `pgd` attack plugin (through `context.attacks`, not a private copy) on the model being trained, used in
 * inference mode while attacking. `fast` mode is FGSM from a uniform random start with step 1.25 * eps
 * (Wong, Rice, Kolter 2020, "Fast is better than free"); `pgd` mode is PGD-k with step 2.5 * eps / k and a random
 * start (Madry et al. 2018). SGD with momentum and weight decay through the shared trainer, from a copy of the
 * run's base model or from scratch. The result is cached by options and base key. The cost counts the attack's
 * passes (`steps` forward and backward per example) on top of the training step's.
 */
export function createAdvTrainingDefense(context: PluginContext, options: AdvTrainingOptions): DefenseInstance {
  const { tf } = context;
  let model: LayersModel | undefined;
  let cost: TrainingCost | undefined;
  let base: BaseModel | undefined;
  let attackSettings: Record<string, unknown> | undefined;

  const ready = (): LayersModel => {
    if (!model) throw new AdvbenchError('ADVBENCH_ERR_NOT_PREPARED', `${context.entryName}: defense adv-training used before prepare()`);
    return model;
  };
  const classifier: Classifier = {
    randomized: false,
    predict: (x) => tf.tidy(() => tf.softmax(ready().apply(x, { training: false }) as Tensor2D)),
  };

  async function train(fresh: LayersModel): Promise<{ cost: TrainingCost; epochLosses: number[] }> {
    const attack = await context.attacks.create('pgd', attackOptionsFor(options));
    try {
      attackSettings = attack.describe();
      const surface = logitsSurface(fresh, 'logits of the model being adversarially trained');
      const attackRng = context.rng.fork('adversarial examples');
      return await context.training.train({
        model: fresh,
        epochs: options.epochs,
        batchSize: options.batchSize,
        learningRate: learningRateSchedule(options.schedule, options.learningRate, options.epochs),
        momentum: options.momentum,
        weightDecay: options.weightDecay,
        rng: context.rng.fork('shuffle'),
        phase: `adversarial (${options.mode})`,
        transformBatch: async (batch, where) => {
          const size = batch.x.shape[0];
          const x = await attack.run({
            surface,
            x: batch.x,
            y: batch.y,
            epsilon: options.epsilon,
            rng: attackRng.fork(`epoch ${where.epoch} step ${where.step}`),
            signal: context.signal,
          });
          return { x, y: batch.y.clone(), extraForwardPasses: size * options.steps, extraBackwardPasses: size * options.steps };
        },
      });
    } finally {
      attack.dispose?.();
    }
  }

  return {
    async prepare() {
      base = options.init === 'base' ? await context.base() : undefined;
      let trained: LayersModel | undefined;
      const entry = await context.cache.getOrCreate({ defense: 'adv-training', options, base: base?.key ?? 'scratch' }, async (directory) => {
        const fresh = base ? context.models.clone(base.model) : context.models.create({ classes: context.dataset.info.classes, rng: context.rng.fork('init') });
        try {
          const result = await train(fresh);
          await context.models.save(fresh, directory);
          trained = fresh;
          context.logger.info('adversarial training done', { mode: options.mode, seconds: result.cost.seconds, epochLosses: result.epochLosses });
          return { cost: result.cost, epochLosses: result.epochLosses, attack: attackSettings };
        } catch (error) {
          fresh.dispose();
          throw error;
        }
      });
      cost = { ...costFromMetadata(entry.metadata, context.entryName), cached: trained === undefined };
      attackSettings ??= entry.metadata.attack as Record<string, unknown> | undefined;
      model = trained ?? (await context.models.load(entry.directory));
    },
    classifier,
    surfaces: () => [logitsSurface(ready(), `logits of the ${options.mode === 'fast' ? 'fast (FGSM)' : `PGD-${options.steps}`} adversarially trained model`)],
    defaultSurfaces: () => ['full'],
    cost: () => {
      if (!cost) throw new AdvbenchError('ADVBENCH_ERR_NOT_PREPARED', `${context.entryName}: defense adv-training used before prepare()`);
      return { ...cost };
    },
    describe: () => ({
      ...options,
      stepSize: options.epsilon * (options.stepSizeFactor / options.steps),
      attack: attackSettings,
      baseKey: base?.key,
      baseCost: base?.cost,
    }),
    dispose() {
      model?.dispose();
      model = undefined;
    },
  };
}
