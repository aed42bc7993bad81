import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createRandom } from '../random/seeded-random.js';
import type { LabelledBatch, Logger, TrainProgress } from '../plugin-api/index.js';
import { isAdvbenchError } from '../plugin-api/index.js';
import { ABORTED, createTrainer } from './trainer.js';
import { createInMemoryDataset } from './testing/in-memory-dataset.js';
import { brightDarkImages } from './testing/bright-dark-images.js';
import { createTinyModel } from './testing/tiny-model.js';

const silent: Logger = { debug() {}, info() {}, warn() {} };

function setup(count = 64) {
  const rng = createRandom(7);
  const data = brightDarkImages(tf, { count, rng: rng.fork('data') });
  const dataset = createInMemoryDataset(tf, { ...data, classes: 2 });
  const model = createTinyModel({ inputShape: [4, 4, 1], classes: 2, rng: rng.fork('model') });
  const events: TrainProgress[] = [];
  const controller = new AbortController();
  const trainer = createTrainer({ tf, dataset, progress: { train: (event) => events.push(event) }, signal: controller.signal, logger: silent });
  const accuracy = () =>
    tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(data.x) as tf.Tensor2D, 1), data.y), 'float32')).dataSync()[0]);
  const dispose = () => {
    model.dispose();
    tf.dispose([data.x, data.y]);
  };
  return { rng, data, dataset, model, events, controller, trainer, accuracy, dispose };
}

describe('createTrainer', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('learns a separable task, reports every step and counts the cost, without tensor growth', async () => {
    const { rng, model, events, trainer, accuracy, dispose } = setup();
    const before = tf.memory().numTensors;
    const result = await trainer.train({ model, epochs: 4, batchSize: 8, learningRate: 0.1, rng: rng.fork('train'), phase: 'base' });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.epochLosses).toHaveLength(4);
    expect(result.epochLosses[3]).toBeLessThan(result.epochLosses[0]);
    expect(accuracy()).toBeGreaterThan(0.9);
    expect(result.cost).toMatchObject({ examples: 256, forwardPasses: 256, backwardPasses: 256, cached: false });
    expect(result.cost.seconds).toBeGreaterThan(0);
    expect(events).toHaveLength(32);
    expect(events[9]).toMatchObject({ phase: 'base', epoch: 2, epochs: 4, step: 2, steps: 8 });
    expect(events.every((event) => Number.isFinite(event.loss) && event.examplesPerSecond > 0 && event.etaSeconds >= 0)).toBe(true);
    expect(events[31].etaSeconds).toBe(0);
    dispose();
  });

  it('trains on transformed batches, counts their extra passes and disposes both batches', async () => {
    const { rng, model, trainer, accuracy, dispose } = setup();
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const result = await trainer.train({
      model,
      epochs: 4,
      batchSize: 8,
      learningRate: (epoch) => (epoch < 2 ? 0.1 : 0.05),
      rng: rng.fork('train'),
      phase: 'flipped',
      // Flip the task: dark images labelled 1, bright 0. A model that learns this has near 0 accuracy on the original labels.
      transformBatch: (batch: LabelledBatch, where) => {
        seen.push(where.step);
        return { x: tf.tidy(() => batch.x.clone()), y: tf.tidy(() => tf.cast(tf.sub(1, batch.y), 'int32')) as tf.Tensor1D, extraForwardPasses: 3 * batch.x.shape[0], extraBackwardPasses: 2 * batch.x.shape[0] };
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(seen).toEqual([1, 2, 3, 4].flatMap(() => [1, 2, 3, 4, 5, 6, 7, 8]));
    expect(result.cost).toMatchObject({ examples: 256, forwardPasses: 256 + 3 * 256, backwardPasses: 256 + 2 * 256 });
    expect(accuracy()).toBeLessThan(0.1);
    dispose();
  });

  it('stops after the current batch when aborted and throws ADVBENCH_ERR_ABORTED', async () => {
    const { rng, model, events, controller, trainer, dispose } = setup();
    const before = tf.memory().numTensors;
    const epochsEnded: number[] = [];
    const training = trainer.train({
      model,
      epochs: 3,
      batchSize: 16,
      learningRate: 0.1,
      rng: rng.fork('train'),
      phase: 'base',
      transformBatch: (batch, where) => {
        if (where.epoch === 1 && where.step === 2) controller.abort();
        return batch;
      },
      onEpochEnd: (epoch) => {
        epochsEnded.push(epoch);
      },
    });
    const error = await training.catch((caught: unknown) => caught);
    expect(isAdvbenchError(error) && error.code).toBe(ABORTED);
    expect(events).toHaveLength(6);
    expect(epochsEnded).toEqual([0]);
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('refuses bad options with input errors naming the key', async () => {
    const { rng, model, trainer, dispose } = setup(8);
    const base = { model, epochs: 1, batchSize: 4, learningRate: 0.1, rng, phase: 'base' };
    await expect(trainer.train({ ...base, batchSize: 0 })).rejects.toMatchObject({ code: 'ADVBENCH_ERR_TRAIN_OPTIONS', exitCode: 2, details: { key: 'batchSize' } });
    await expect(trainer.train({ ...base, epochs: 1.5 })).rejects.toMatchObject({ details: { key: 'epochs' } });
    await expect(trainer.train({ ...base, learningRate: () => Number.NaN })).rejects.toMatchObject({ details: { key: 'learningRate' } });
    await expect(trainer.train({ ...base, momentum: -1 })).rejects.toMatchObject({ details: { key: 'momentum' } });
    dispose();
  });

  it('says what diverged and the likely causes: damaged starting weights, or a learning rate too high', async () => {
    const { trainer, model, rng, dispose } = setup();
    try {
      const weights = model.getWeights();
      const saved = weights.map((weight) => weight.clone());
      model.setWeights(weights.map((weight) => tf.fill(weight.shape, Number.NaN)));
      const nan = await trainer.train({ model, epochs: 1, batchSize: 16, learningRate: 0.05, rng: rng.fork('a'), phase: 'nan-start' }).catch((error: unknown) => error as Error);
      expect(nan.message).toMatch(/training \(nan-start\) diverged: the training loss became NaN at epoch 1, step 1/);
      expect(nan.message).toContain("the model's weights were already not finite before its first step");
      model.setWeights(saved);
      const before = tf.memory().numTensors;
      const fast = await trainer.train({ model, epochs: 3, batchSize: 16, learningRate: 1e30, rng: rng.fork('b'), phase: 'too-fast' }).catch((error: unknown) => error as Error);
      expect(fast.message).toContain('training (too-fast) diverged');
      expect(fast.message).toContain('the learning rate (1e+30) may be too high');
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(saved);
    } finally {
      dispose();
    }
  });
});
