import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel, Tensor1D, Tensor4D } from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import { buildBenchResnet } from '../models/zoo/bench-resnet.js';
import { selectBackend } from './select-backend.js';
import { createTrainStep } from './train-step.js';
import { createInputGradient } from './input-gradient.js';

/** A fixed batch: images uniform in [0, 1] and labels, from a seed. */
function batchOf(seed: number, batch: number, size: number, channels: number, classes: number): { x: Tensor4D; y: Tensor1D } {
  const rng = createRandom(seed);
  const x = tf.tensor4d(Float32Array.from({ length: batch * size * size * channels }, () => rng.next()), [batch, size, size, channels]) as Tensor4D;
  const y = tf.tensor1d(Int32Array.from({ length: batch }, () => rng.int(classes)), 'int32') as Tensor1D;
  return { x, y };
}

/** Runs `steps` SGD steps of a tiny bench-resnet from `weights` and returns the losses. */
async function lossCurve(weights: Float32Array[] | undefined, steps: number): Promise<{ losses: number[]; weights: Float32Array[] }> {
  const model = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 5 });
  if (weights !== undefined) {
    model.setWeights(model.getWeights().map((weight, index) => tf.tensor(weights[index], weight.shape)));
  }
  const initial = model.getWeights().map((weight) => weight.dataSync() as Float32Array);
  const step = createTrainStep(tf, model, { learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4 });
  const losses: number[] = [];
  for (let index = 0; index < steps; index += 1) {
    const { x, y } = batchOf(100 + (index % 4), 8, 8, 1, 10);
    losses.push(await step.run(x, y));
    x.dispose();
    y.dispose();
  }
  step.dispose();
  model.dispose();
  return { losses, weights: initial };
}

describe('createTrainStep', () => {
  it('follows PyTorch SGD (weight decay, momentum buffer v = m v + g, w -= lr v) on a dense model', async () => {
    await selectBackend('cpu');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3], name: 'dense' })] });
    const w0 = [[0.1, -0.2], [0.3, 0.05], [-0.4, 0.2]];
    const b0 = [0.01, -0.02];
    model.setWeights([tf.tensor2d(w0), tf.tensor1d(b0)]);
    const x = [[1, 2, -1], [0.5, -1, 2]];
    const y = [1, 0];
    const options = { learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 };
    const step = createTrainStep(tf, model as unknown as LayersModel, options);
    const xs = tf.tensor2d(x);
    const ys = tf.tensor1d(y, 'int32');
    // Reference in float64, by hand.
    const w = w0.map((row) => [...row]);
    const b = [...b0];
    const vw = w.map((row) => row.map(() => 0));
    const vb = [0, 0];
    for (let iteration = 0; iteration < 3; iteration += 1) {
      const gw = w.map((row) => row.map(() => 0));
      const gb = [0, 0];
      let loss = 0;
      for (let n = 0; n < 2; n += 1) {
        const logits = [0, 1].map((j) => b[j] + x[n].reduce((sum, value, i) => sum + value * w[i][j], 0));
        const max = Math.max(...logits);
        const exps = logits.map((value) => Math.exp(value - max));
        const total = exps[0] + exps[1];
        loss -= Math.log(exps[y[n]] / total) / 2;
        for (let j = 0; j < 2; j += 1) {
          const d = (exps[j] / total - (j === y[n] ? 1 : 0)) / 2;
          gb[j] += d;
          for (let i = 0; i < 3; i += 1) gw[i][j] += d * x[n][i];
        }
      }
      const actualLoss = await step.run(xs as unknown as Tensor4D, ys);
      expect(actualLoss).toBeCloseTo(loss, 5);
      for (let i = 0; i < 3; i += 1) {
        for (let j = 0; j < 2; j += 1) {
          vw[i][j] = options.momentum * vw[i][j] + gw[i][j] + options.weightDecay * w[i][j];
          w[i][j] -= options.learningRate * vw[i][j];
        }
      }
      for (let j = 0; j < 2; j += 1) {
        vb[j] = options.momentum * vb[j] + gb[j] + options.weightDecay * b[j];
        b[j] -= options.learningRate * vb[j];
      }
      const [actualW, actualB] = model.getWeights().map((weight) => Array.from(weight.dataSync()));
      actualW.forEach((value, index) => expect(value).toBeCloseTo(w[Math.floor(index / 2)][index % 2], 5));
      actualB.forEach((value, index) => expect(value).toBeCloseTo(b[index], 5));
    }
    step.setLearningRate(0);
    const before = Array.from(model.getWeights()[0].dataSync());
    step.dispose();
    const fresh = createTrainStep(tf, model as unknown as LayersModel, { learningRate: 0, momentum: 0.9, weightDecay: 0 });
    await fresh.run(xs as unknown as Tensor4D, ys);
    expect(Array.from(model.getWeights()[0].dataSync())).toEqual(before);
    fresh.dispose();
    xs.dispose();
    ys.dispose();
    model.dispose();
  });

  it('updates batch-norm moving statistics with batch statistics (momentum 0.1 in PyTorch terms)', async () => {
    await selectBackend('wasm');
    const model = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 1 });
    const step = createTrainStep(tf, model, { learningRate: 0, momentum: 0, weightDecay: 0 });
    const { x, y } = batchOf(3, 4, 8, 1, 10);
    const stem = tf.tidy(() => tf.moments(model.getLayer('stem_conv').apply(x) as tf.Tensor, [0, 1, 2]).mean.dataSync());
    await step.run(x, y);
    const movingMean = model.getLayer('stem_bn').getWeights()[2].dataSync();
    Array.from(stem).forEach((mean, channel) => expect(movingMean[channel]).toBeCloseTo(0.1 * mean, 5));
    step.dispose();
    x.dispose();
    y.dispose();
    model.dispose();
  });

  it('gives the same loss curve on wasm as on cpu for 20 steps from the same weights (within 1e-3)', async () => {
    await selectBackend('cpu');
    const reference = await lossCurve(undefined, 20);
    await selectBackend('wasm');
    const wasm = await lossCurve(reference.weights, 20);
    expect(reference.losses[19]).toBeLessThan(reference.losses[0]);
    wasm.losses.forEach((loss, index) => expect(Math.abs(loss - reference.losses[index])).toBeLessThan(1e-3));
  });

  it('keeps the tensor count flat over 200 train steps and 1000 input-gradient steps on wasm (slow-ish: ~10 s)', async () => {
    await selectBackend('wasm');
    const model = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 2 });
    const { x, y } = batchOf(9, 4, 8, 1, 10);
    const step = createTrainStep(tf, model, { learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4 });
    await step.run(x, y);
    const gradientOf = createInputGradient(tf, model);
    gradientOf(x, y).dispose();
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (let index = 0; index < 200; index += 1) {
      await step.run(x, y);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    let adversarial = x.clone();
    for (let index = 0; index < 1000; index += 1) {
      const next = tf.tidy(() => {
        const gradient = gradientOf(adversarial, y);
        return tf.clipByValue(tf.add(adversarial, tf.mul(tf.sign(gradient), 0.001)), 0, 1) as Tensor4D;
      });
      adversarial.dispose();
      adversarial = next;
    }
    adversarial.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    step.dispose();
    x.dispose();
    y.dispose();
    model.dispose();
  }, 120_000);
});
