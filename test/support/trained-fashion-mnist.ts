import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type {
  AttackInput,
  AttackPlugin,
  AttackSurface,
  BaseModel,
  Classifier,
  DefenseInstance,
  DefensePlugin,
  LayersModel,
  PluginContext,
  Tensor1D,
  Tensor2D,
  Tensor4D,
} from '@advbench/core/plugin-api';
import { applyPreset } from '@advbench/core/plugin-api';
import { estimateAccuracy } from '@advbench/core/accuracy';
import apgdAttack from '@advbench/attack-apgd';
import autoAttack from '@advbench/attack-autoattack';
import pgdAttack from '@advbench/attack-pgd';
import squareAttack from '@advbench/attack-square';
import transferAttack from '@advbench/attack-transfer';
import { openDataset } from '../../core/src/data/open-dataset.js';
import { createDatasetAccess, tensorBatches } from '../../core/src/data/dataset-access.js';
import { createPluginContext } from '../../core/src/run/plugin-context.js';
import { createRandom } from '../../core/src/random/seeded-random.js';
import { createTrainer } from '../../core/src/training/trainer.js';
import { createTinyModel } from '../../core/src/training/testing/tiny-model.js';
import { createTinyModelAccess } from '../../core/src/training/testing/tiny-model-access.js';

/** The built-in attack plugins by id, as the registry would resolve them. */
const ATTACKS: Record<string, AttackPlugin<any>> = { apgd: apgdAttack, pgd: pgdAttack, square: squareAttack, transfer: transferAttack, autoattack: autoAttack };

/** A small undefended model trained on a slice of the shipped Fashion-MNIST, and the test images it is judged on. */
export interface TrainedSlice {
  /** The trained model (logits). */
  model: LayersModel;
  /** Test images [n, 28, 28, 1] and labels. */
  test: { x: Tensor4D; y: Tensor1D };
  /** A real plugin context whose `base()` is the trained model and whose `attacks` builds the built-in attacks. */
  context(entryName: string): PluginContext;
  /** Releases the model and tensors. */
  dispose(): void;
}

/**
 * Trains the tiny MLP (784-32-10) on `trainSamples` stratified Fashion-MNIST images with the real trainer and
 * loads `testSamples` test images: the shared undefended model of the attack acceptance tests (once per file).
 */
export async function trainFashionMnistSlice(options: { trainSamples: number; testSamples: number; epochs: number; seed: number }): Promise<TrainedSlice> {
  await tf.setBackend('wasm');
  const dataset = await openDataset({ reference: 'fashion-mnist', trainSamples: options.trainSamples, testSamples: options.testSamples }, { seed: options.seed });
  const access = createDatasetAccess(tf, dataset);
  const rng = createRandom(options.seed);
  const model = createTinyModel({ inputShape: [28, 28, 1], classes: 10, rng: rng.fork('model') });
  const trainer = createTrainer({ tf, dataset: access, progress: { train() {} }, signal: new AbortController().signal, logger: { debug() {}, info() {}, warn() {} } });
  const trained = await trainer.train({ model, epochs: options.epochs, batchSize: 32, learningRate: 0.05, rng: rng.fork('train'), phase: 'base' });
  const xs: Tensor4D[] = [];
  const ys: Tensor1D[] = [];
  for await (const batch of tensorBatches(tf, dataset.test, { batchSize: 512 })) {
    xs.push(batch.x);
    ys.push(batch.y);
  }
  const test = { x: tf.concat(xs, 0) as Tensor4D, y: tf.concat(ys, 0) as Tensor1D };
  tf.dispose([...xs, ...ys]);
  const base: BaseModel = { model, key: 'test-base', cost: trained.cost };
  const context = (entryName: string): PluginContext => {
    const made: PluginContext = createPluginContext({
      tf,
      dataset: access,
      models: createTinyModelAccess([28, 28, 1]),
      rng: createRandom(options.seed).fork(entryName),
      entryName,
      base: async () => base,
      attacks: {
        create: async (reference, raw) => {
          const plugin = ATTACKS[reference];
          if (!plugin) throw new Error(`test attack factory: unknown attack ${reference}`);
          return plugin.create(made, plugin.parseOptions(applyPreset(raw ?? {}, plugin.presets, `${reference} options`)));
        },
      },
    });
    return made;
  };
  return { model, test, context, dispose: () => (model.dispose(), tf.dispose([test.x, test.y])) };
}

/** The undefended model as a defense instance: softmax decision rule and its exact `full` logits surface. */
export function undefended(model: LayersModel): { classifier: Classifier; surface: AttackSurface } {
  const forward = (x: Tensor4D) => model.apply(x, { training: false }) as Tensor2D;
  return {
    classifier: { randomized: false, predict: (x) => tf.tidy(() => tf.softmax(forward(x))) },
    surface: { name: 'full', description: 'logits', output: 'logits', randomized: false, exact: true, forward },
  };
}

/** Creates and prepares a defense plugin (a fixture folder's default export) in `context`. */
export async function prepareDefense(plugin: DefensePlugin<any>, context: PluginContext, raw: unknown = {}): Promise<DefenseInstance> {
  const instance = await plugin.create(context, plugin.parseOptions(raw));
  await instance.prepare();
  return instance;
}

/**
 * The harness's judge for a deterministic classifier: per example 1 when it classifies the candidate correctly.
 * (The harness passes the same function, over its paired judge draws, once the trustworthy-numbers runner lands.)
 */
export function judgeWith(classifier: Classifier, y: Tensor1D): NonNullable<AttackInput['judge']> {
  const rng = createRandom(77);
  return async (candidates) => correctness(classifier, candidates, y, rng.fork('judge'));
}

/** Per example 1 where `classifier` classifies `x` correctly (projected to [0, 1] first). */
export function correctness(classifier: Classifier, x: Tensor4D, y: Tensor1D, rng = createRandom(5)): Float32Array {
  return tf.tidy(() => tf.cast(tf.equal(tf.argMax(classifier.predict(tf.clipByValue(x, 0, 1) as Tensor4D, rng), 1), y), 'float32').dataSync() as Float32Array);
}

/** Accuracy estimate (Wilson interval) of per-example outcomes. */
export function accuracyOf(outcomes: Float32Array): ReturnType<typeof estimateAccuracy> {
  return estimateAccuracy(outcomes.reduce((sum, value) => sum + value, 0), outcomes.length);
}

/** Checks the returned images lie in the eps-ball around `x` and in [0, 1]. */
export function maxDistance(adversarial: Tensor4D, x: Tensor4D): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(adversarial, x))).dataSync()[0]);
}

export { createRandom, tf };
