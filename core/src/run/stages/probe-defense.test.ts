import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackSurface, Classifier, Tensor2D, Tensor4D } from '../../plugin-api/index.js';
import { createRandom } from '../../random/seeded-random.js';
import { createTinyModel } from '../../training/testing/tiny-model.js';
import { newProbeTally, probeBatch, probesOf } from './probe-defense.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const classes = 4;

/** Probes one batch of 12 random images against a classifier and one surface built from `logits`. */
async function probe(options: { logits: (x: Tensor4D) => Tensor2D; predict?: Classifier['predict']; randomized?: boolean; surfaceRandom?: boolean }) {
  const x = tf.randomUniform([12, 6, 6, 1], 0, 1, 'float32', 3) as Tensor4D;
  const y = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32');
  const classifier: Classifier = { randomized: options.randomized ?? false, predict: options.predict ?? ((images) => tf.tidy(() => tf.softmax(options.logits(images)))) };
  const surface: AttackSurface = {
    name: 'full',
    description: 'test',
    output: 'logits',
    randomized: false,
    forward: options.surfaceRandom ? (images, rng) => tf.tidy(() => tf.add(options.logits(images), tf.randomUniform([images.shape[0], classes], 0, 1, 'float32', rng.seed()))) : options.logits,
  };
  const tally = newProbeTally();
  const before = tf.memory().numTensors;
  await probeBatch(tf, { classifier, surfaces: [surface], x, y, classes, rng: createRandom(5) }, tally);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([x, y]);
  return { probes: probesOf(tally, 12, classifier.randomized, [surface]), leaked };
}

describe('probeBatch', () => {
  const model = createTinyModel({ inputShape: [6, 6, 1], classes, rng: createRandom(1) });
  const logits = (x: Tensor4D) => model.apply(x) as Tensor2D;

  it('finds a deterministic, differentiable classifier clean, and leaves no tensor behind', async () => {
    const { probes, leaked } = await probe({ logits });
    expect(leaked).toBe(0);
    expect(probes.randomness).toMatchObject({ declared: false, differing: 0, classChanges: 0, undeclaredSurfaces: [] });
    expect(probes.zeroGradient).toEqual([{ surface: 'full', examples: 12, zero: 0 }]);
    expect(probes.probabilityOutput).toEqual({ rows: 12, bad: 0 });
  });

  it('counts exactly zero gradients of a shattered (rounded) and of a saturated surface', async () => {
    const rounded = await probe({ logits: (x) => tf.tidy(() => model.apply(tf.round(tf.mul(x, 3))) as Tensor2D) });
    expect(rounded.probes.zeroGradient![0].zero).toBe(12);
    const saturated = await probe({ logits: (x) => tf.tidy(() => tf.mul(logits(x), 1e4)) });
    const predicted = tf.tidy(() => tf.argMax(logits(tf.randomUniform([12, 6, 6, 1], 0, 1, 'float32', 3) as Tensor4D), 1).dataSync());
    const labels = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3];
    // The examples the model gets right have a one-hot softmax, so a zero cross-entropy gradient.
    const right = labels.filter((label, index) => predicted[index] === label).length;
    expect(right).toBeGreaterThan(0);
    expect(right).toBeLessThan(12);
    expect(saturated.probes.zeroGradient![0].zero).toBe(right);
  });

  it('sees undeclared randomness in predict and in a surface, and rows that are not probabilities', async () => {
    const noisy = await probe({ logits, predict: (x, rng) => tf.tidy(() => tf.softmax(tf.add(logits(x), tf.randomNormal([x.shape[0], classes], 0, 1, 'float32', rng.seed())))) });
    expect(noisy.probes.randomness!.differing).toBe(12);
    expect(noisy.leaked).toBe(0);
    expect((await probe({ logits, surfaceRandom: true })).probes.randomness!.undeclaredSurfaces).toEqual(['full']);
    const raw = await probe({ logits, predict: (x) => logits(x) });
    expect(raw.probes.probabilityOutput!.bad).toBeGreaterThan(0);
    expect(raw.probes.probabilityOutput!.problem).toMatch(/row 0: (a negative entry|sums to)/);
  });
});
