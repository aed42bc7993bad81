import { AdvbenchError, costFromMetadata, learningRateSchedule } from '@advbench/core/plugin-api';
import type { AttackSurface, BaseModel, Classifier, DefenseInstance, LabelledBatch, LayersModel, PluginContext, Tensor1D, Tensor2D, Tensor4D, TrainingCost } from '@advbench/core/plugin-api';
import type { IaatOptions } from './iaat-options.js';
import { perExamplePgd } from './per-example-pgd.js';
import { updateRadii, warmupRadii } from './radius-update.js';

/** Summary of the per-example radii at the end of training (recorded in the cache and the report). */
export interface RadiusSummary {
  /** Training examples. */
  examples: number;
  /** Mean radius on the [0, 1] scale. */
  mean: number;
  /** Median radius. */
  median: number;
  /** 90th percentile. */
  percentile90: number;
  /** Largest radius. */
  max: number;
  /** Fraction of examples at radius 0 (misclassified when clean, or not robust at any radius). */
  zeroFraction: number;
}

function summarize(radii: Float32Array): RadiusSummary {
  const sorted = Float32Array.from(radii).sort();
  const at = (fraction: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { examples: sorted.length, mean, median: at(0.5), percentile90: at(0.9), max: at(1), zeroFraction: sorted.length === 0 ? 0 : sorted.filter((value) => value === 0).length / sorted.length };
}

/**
 * Instance-adaptive adversarial training (IAAT; Balaji, Goldstein, Hoffman 2019, arXiv 1910.08051) as a defense.
 * Every training example keeps its own Linf radius. During `warmupEpochs` the radius is `epsilon` for examples the
 * model classifies correctly and 0 otherwise; afterwards, for each batch, PGD at each example's current radius
 * and at radius + gamma decide its new radius ({@link updateRadii}: + gamma where robust there, unchanged where
 * robust at the current one, - gamma otherwise, 0 when misclassified clean, averaged with weight beta). The model
 * is then trained on PGD examples at the new radii (per-example PGD, step `max(radius / (steps / 2), 2/255)`).
 * SGD with momentum and weight decay through the shared trainer, from a copy of the run's base model or from
 * scratch; cached by options and base key. The cost counts every pass: the clean prediction, the two search
 * attacks (after warm-up) and the training attack, `steps` forward and backward passes each.
 */
export function createIaatDefense(context: PluginContext, options: IaatOptions): DefenseInstance {
  const { tf } = context;
  let model: LayersModel | undefined;
  let cost: TrainingCost | undefined;
  let base: BaseModel | undefined;
  let radii: RadiusSummary | undefined;

  const ready = (): LayersModel => {
    if (!model) throw new AdvbenchError('ADVBENCH_ERR_NOT_PREPARED', `${context.entryName}: defense iaat used before prepare()`);
    return model;
  };
  const classifier: Classifier = {
    randomized: false,
    predict: (x) => tf.tidy(() => tf.softmax(ready().apply(x, { training: false }) as Tensor2D)),
  };
  const surface = (): AttackSurface => ({
    name: 'full',
    description: 'logits of the instance-adaptively adversarially trained model',
    output: 'logits',
    randomized: false,
    exact: true,
    forward: (x: Tensor4D) => ready().apply(x, { training: false }) as Tensor2D,
  });

  async function train(fresh: LayersModel): Promise<{ cost: TrainingCost; epochLosses: number[]; radii: RadiusSummary }> {
    const memory = new Float32Array(context.dataset.info.trainCount);
    const classes = context.dataset.info.classes;
    const startRng = context.rng.fork('random starts');
    const logits = (x: Tensor4D) => fresh.apply(x, { training: false }) as Tensor2D;
    const correctOf = async (x: Tensor4D, y: Tensor1D): Promise<Uint8Array> => {
      const correct = tf.tidy(() => tf.cast(tf.equal(tf.argMax(logits(x), 1), tf.cast(y, 'int32')), 'int32'));
      const values = (await correct.data()) as Int32Array;
      correct.dispose();
      return Uint8Array.from(values);
    };
    const attack = (batch: LabelledBatch, perExample: Float32Array, label: string) =>
      perExamplePgd({ tf, logits, x: batch.x, y: batch.y, classes, radii: perExample, steps: options.steps, minimumStepSize: options.minimumStepSize, seed: startRng.fork(label).seed() });
    const result = await context.training.train({
      model: fresh,
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: learningRateSchedule(options.schedule, options.learningRate, options.epochs),
      momentum: options.momentum,
      weightDecay: options.weightDecay,
      rng: context.rng.fork('shuffle'),
      phase: 'instance-adaptive adversarial',
      transformBatch: async (batch, where) => {
        if (!batch.indices) {
          throw new AdvbenchError('ADVBENCH_ERR_IAAT_INDICES', `${context.entryName}: the dataset's training batches carry no example positions; IAAT needs them to keep a radius per example`);
        }
        const size = batch.x.shape[0];
        const label = `epoch ${where.epoch} step ${where.step}`;
        const cleanCorrect = await correctOf(batch.x, batch.y);
        let next: Float32Array;
        let searched = false;
        if (where.epoch < options.warmupEpochs) {
          next = warmupRadii(cleanCorrect, options.epsilon);
        } else {
          const previous = Float32Array.from(batch.indices, (position) => memory[position]);
          const higher = Float32Array.from(previous, (value) => value + options.gamma);
          const atCurrent = attack(batch, previous, `${label} current`);
          const robustAtCurrent = await correctOf(atCurrent, batch.y);
          atCurrent.dispose();
          const atHigher = attack(batch, higher, `${label} higher`);
          const robustAtHigher = await correctOf(atHigher, batch.y);
          atHigher.dispose();
          next = updateRadii({ previous, cleanCorrect, robustAtCurrent, robustAtHigher }, options.gamma, options.beta);
          searched = true;
        }
        batch.indices.forEach((position, offset) => {
          memory[position] = next[offset];
        });
        const x = attack(batch, next, `${label} train`);
        // Passes per example: the clean prediction; each search attack (steps + its verdict); the training attack.
        const searchForward = searched ? 2 * (options.steps + 1) : 0;
        const searchBackward = searched ? 2 * options.steps : 0;
        return { x, y: batch.y.clone(), extraForwardPasses: size * (1 + searchForward + options.steps), extraBackwardPasses: size * (searchBackward + options.steps) };
      },
    });
    return { ...result, radii: summarize(memory) };
  }

  return {
    async prepare() {
      base = options.init === 'base' ? await context.base() : undefined;
      let trained: LayersModel | undefined;
      const entry = await context.cache.getOrCreate({ defense: 'iaat', options, base: base?.key ?? 'scratch' }, async (directory) => {
        const fresh = base ? context.models.clone(base.model) : context.models.create({ classes: context.dataset.info.classes, rng: context.rng.fork('init') });
        try {
          const result = await train(fresh);
          await context.models.save(fresh, directory);
          trained = fresh;
          context.logger.info('instance-adaptive adversarial training done', { seconds: result.cost.seconds, epochLosses: result.epochLosses, radii: result.radii });
          return { cost: result.cost, epochLosses: result.epochLosses, radii: result.radii };
        } catch (error) {
          fresh.dispose();
          throw error;
        }
      });
      cost = { ...costFromMetadata(entry.metadata, context.entryName), cached: trained === undefined };
      radii = entry.metadata.radii as RadiusSummary | undefined;
      model = trained ?? (await context.models.load(entry.directory));
    },
    classifier,
    surfaces: () => [surface()],
    defaultSurfaces: () => ['full'],
    cost: () => {
      if (!cost) throw new AdvbenchError('ADVBENCH_ERR_NOT_PREPARED', `${context.entryName}: defense iaat used before prepare()`);
      return { ...cost };
    },
    describe: () => ({ ...options, radii, baseKey: base?.key, baseCost: base?.cost }),
    dispose() {
      model?.dispose();
      model = undefined;
    },
  };
}
