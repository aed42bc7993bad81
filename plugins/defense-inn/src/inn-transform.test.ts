import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRandom } from '@advbench/core/testkit';
import type { Tensor4D } from '@advbench/core/plugin-api';
import {
  addBackgrounds,
  drawBackgroundIndices,
  innTransform,
  saltAndPepper,
  slotBackground,
  squashTanh,
  slotClass,
  slotLabel,
  slotLabels,
  whiteNoise,
} from './inn-transform.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Binomial tolerance: four standard deviations of a proportion p over n trials. */
function tolerance(p: number, n: number): number {
  return 4 * Math.sqrt((p * (1 - p)) / n);
}

describe('white noise', () => {
  it('computes (x + beta * n) / (1 + beta) with n ~ U(0, 1) drawn from the seed', () => {
    const x = tf.randomUniform([2, 5, 5, 3], 0, 1, 'float32', 7) as Tensor4D;
    const beta = 0.4;
    const noisy = whiteNoise(tf, x, beta, 1234);
    const noise = tf.randomUniform(x.shape, 0, 1, 'float32', 1234);
    const expected = tf.div(tf.add(x, tf.mul(noise, beta)), 1 + beta);
    expect(Math.max(...tf.abs(tf.sub(noisy, expected)).dataSync())).toBeLessThan(1e-6);
    // Noise really is there and within the formula's bounds.
    const lower = tf.div(x, 1 + beta).dataSync();
    const upper = tf.div(tf.add(x, beta), 1 + beta).dataSync();
    const values = noisy.dataSync();
    values.forEach((value, index) => {
      expect(value).toBeGreaterThanOrEqual(lower[index] - 1e-6);
      expect(value).toBeLessThanOrEqual(upper[index] + 1e-6);
    });
    tf.dispose([x, noisy, noise, expected]);
  });

  it('has mean beta/2/(1+beta) on a black image and is reproducible from the seed', () => {
    const x = tf.zeros([1, 50, 50, 4]) as Tensor4D;
    const first = whiteNoise(tf, x, 0.3, 99);
    const second = whiteNoise(tf, x, 0.3, 99);
    const other = whiteNoise(tf, x, 0.3, 100);
    const mean = tf.mean(first).dataSync()[0];
    expect(Math.abs(mean - 0.15 / 1.3)).toBeLessThan(0.01);
    expect(Array.from(first.dataSync())).toEqual(Array.from(second.dataSync()));
    expect(Array.from(first.dataSync())).not.toEqual(Array.from(other.dataSync()));
    tf.dispose([x, first, second, other]);
  });
});

describe('salt and pepper', () => {
  it('replaces each element with probability gamma, by 0 or 1 with equal chance (binomial tolerance)', () => {
    const gamma = 0.3;
    const x = tf.fill([4, 50, 50, 1], 0.5) as Tensor4D;
    const noisy = saltAndPepper(tf, x, gamma, 42);
    const values = noisy.dataSync();
    const n = values.length;
    const replaced = values.filter((value) => value !== 0.5);
    expect(replaced.every((value) => value === 0 || value === 1)).toBe(true);
    expect(Math.abs(replaced.length / n - gamma)).toBeLessThan(tolerance(gamma, n));
    const ones = replaced.filter((value) => value === 1).length;
    expect(Math.abs(ones / replaced.length - 0.5)).toBeLessThan(tolerance(0.5, replaced.length));
    tf.dispose([x, noisy]);
  });

  it('passes the gradient through kept elements only (a mask)', () => {
    const x = tf.fill([1, 20, 20, 2], 0.5) as Tensor4D;
    const output = saltAndPepper(tf, x, 0.4, 5);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(saltAndPepper(tf, input as Tensor4D, 0.4, 5)))(x);
    const kept = output.dataSync().map((value) => (value === 0.5 ? 1 : 0));
    expect(Array.from(gradient.dataSync())).toEqual(Array.from(kept));
    expect(kept.some((value) => value === 0)).toBe(true);
    tf.dispose([x, output, gradient]);
  });

  it('is the identity at gamma 0', () => {
    const x = tf.randomUniform([1, 4, 4, 1], 0, 1, 'float32', 3) as Tensor4D;
    const same = saltAndPepper(tf, x, 0, 1);
    expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, same]);
  });
});

describe('backgrounds and labels', () => {
  it('draws background indices uniformly and reproducibly', () => {
    const indices = drawBackgroundIndices(createRandom(11), 8000, 8);
    expect(indices).toEqual(drawBackgroundIndices(createRandom(11), 8000, 8));
    const counts = new Array(8).fill(0);
    for (const index of indices) counts[index] += 1;
    for (const count of counts) expect(Math.abs(count / 8000 - 1 / 8)).toBeLessThan(tolerance(1 / 8, 8000));
  });

  it('adds alpha times the chosen background to each image, without clipping', () => {
    const x = tf.fill([3, 2, 2, 1], 0.9) as Tensor4D;
    const backgrounds = tf.tensor4d([0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1], [3, 2, 2, 1]);
    const result = addBackgrounds(tf, x, backgrounds, [1, 2, 0], 0.5);
    const values = Array.from(result.dataSync());
    expect(values.slice(0, 4)).toEqual([1.4, 1.4, 1.4, 1.4].map((v) => Math.fround(v)));
    expect(values.slice(4, 8).map((v) => Number(v.toFixed(5)))).toEqual([0.9, 1.4, 0.9, 1.4]);
    expect(values.slice(8, 12).map((v) => Number(v.toFixed(5)))).toEqual([0.9, 0.9, 0.9, 0.9]);
    tf.dispose([x, backgrounds, result]);
  });

  it('maps class c on background k to slot k*C + c and back', () => {
    const classes = 10;
    expect(slotLabel(3, 0, classes)).toBe(3);
    expect(slotLabel(3, 2, classes)).toBe(23);
    for (let k = 0; k < 8; k += 1) {
      for (let c = 0; c < classes; c += 1) {
        const slot = slotLabel(c, k, classes);
        expect(slotClass(slot, classes)).toBe(c);
        expect(slotBackground(slot, classes)).toBe(k);
      }
    }
    const y = tf.tensor1d([0, 9, 4], 'int32');
    const labels = slotLabels(tf, y, [7, 0, 3], classes);
    expect(labels.dtype).toBe('int32');
    expect(Array.from(labels.dataSync())).toEqual([70, 9, 34]);
    tf.dispose([y, labels]);
  });
});

describe('the full transform', () => {
  it('is reproducible from the rng, and without noise is x + alpha * background', () => {
    const x = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 8) as Tensor4D;
    const backgrounds = tf.randomUniform([4, 4, 4, 1], 0, 1, 'float32', 9) as Tensor4D;
    const settings = { alpha: 0.5, beta: 0.4, gamma: 0.4, noise: true };
    const first = innTransform(tf, x, settings, backgrounds, createRandom(1));
    const second = innTransform(tf, x, settings, backgrounds, createRandom(1));
    expect(first.backgroundIndices).toEqual(second.backgroundIndices);
    expect(Array.from(first.x.dataSync())).toEqual(Array.from(second.x.dataSync()));
    const plain = innTransform(tf, x, { ...settings, noise: false }, backgrounds, createRandom(1));
    const expected = addBackgrounds(tf, x, backgrounds, plain.backgroundIndices, 0.5);
    expect(Array.from(plain.x.dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(Array.from(first.x.dataSync())).not.toEqual(Array.from(plain.x.dataSync()));
    tf.dispose([x, backgrounds, first.x, second.x, plain.x, expected]);
  });

  it('squashes with tanh(1.5 (x - 0.5) + 0.5) after the background when asked', () => {
    const x = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 8) as Tensor4D;
    const backgrounds = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 9) as Tensor4D;
    const settings = { alpha: -0.2, beta: 0.2, gamma: 0.2, noise: true };
    const plain = innTransform(tf, x, settings, backgrounds, createRandom(4));
    const squashed = innTransform(tf, x, { ...settings, squash: 'tanh' }, backgrounds, createRandom(4));
    const expected = plain.x.dataSync().map((value) => Math.tanh(1.5 * (value - 0.5) + 0.5));
    squashed.x.dataSync().forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
    const direct = squashTanh(tf, plain.x);
    expect(Array.from(direct.dataSync())).toEqual(Array.from(squashed.x.dataSync()));
    tf.dispose([x, backgrounds, plain.x, squashed.x, direct]);
  });

  it('leaves no tensors behind', () => {
    const x = tf.randomUniform([2, 4, 4, 1]) as Tensor4D;
    const backgrounds = tf.randomUniform([2, 4, 4, 1]) as Tensor4D;
    const rng = createRandom(3);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step += 1) innTransform(tf, x, { alpha: 0.5, beta: 0.4, gamma: 0.4, noise: true }, backgrounds, rng).x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, backgrounds]);
  });
});
