import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackInstance, AttackSurface, Classifier, Tensor4D } from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import { evaluateBatch } from './evaluate-batch.js';
import { projectToBall } from './projection.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Class 1 when the image's mean pixel is above 0.5, else class 0 (a real, deterministic decision rule). */
const meanClassifier: Classifier = {
  randomized: false,
  predict: (x) =>
    tf.tidy(() => {
      const mean = tf.reshape(tf.mean(x, [1, 2, 3]), [-1, 1]);
      return tf.softmax(tf.mul(tf.concat([tf.sub(0.5, mean), tf.sub(mean, 0.5)], 1), 100)) as tf.Tensor2D;
    }),
};
const surface: AttackSurface = { name: 'full', description: 'test', output: 'logits', randomized: false, forward: (x) => meanClassifier.predict(x, createRandom(0)) };

/** An attack that ignores the budget: it pushes every pixel up by `push` and writes NaN into the last image. */
function rogueAttack(push: number): AttackInstance {
  return {
    describe: () => ({ push }),
    run: async ({ x }) =>
      tf.tidy(() => {
        const moved = tf.add(x, push) as Tensor4D;
        const mask = tf.cast(tf.reshape(tf.oneHot(tf.tensor1d([x.shape[0] - 1], 'int32'), x.shape[0]), [x.shape[0], 1, 1, 1]), 'bool');
        return tf.where(tf.broadcastTo(mask, x.shape), tf.fill(x.shape, Number.NaN), moved) as Tensor4D;
      }),
  };
}

describe('projectToBall', () => {
  it('clips into the ball and [0, 1], counts corrected examples and replaces NaN with the clean pixel', async () => {
    const x = tf.tensor4d([0.2, 0.95, 0.5, 0.5, 0.1, 0.1], [3, 2, 1, 1]);
    // example 0: inside the ball; example 1: outside (0.5 + 0.3); example 2: NaN.
    const candidate = tf.tensor4d([0.25, 1.0, 0.8, 0.5, Number.NaN, 0.1], [3, 2, 1, 1]);
    const before = tf.memory().numTensors;
    const { projected, corrections } = await projectToBall(tf, candidate, x, 0.1);
    expect(corrections).toBe(2);
    const values = Array.from(projected.dataSync());
    const expected = [0.25, 1.0, 0.6, 0.5, 0.1, 0.1];
    values.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 6));
    projected.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, candidate]);
  });
});

describe('evaluateBatch', () => {
  it('judges the projected images with the real decision rule, not the attack output', async () => {
    // Four images at 0.45 (class 0) and their labels 0: a push of +0.2 would flip them all, but the ball of 0.03
    // keeps them at 0.48, still class 0. Only the harness's projection makes them survive.
    const x = tf.fill([4, 2, 2, 1], 0.45) as Tensor4D;
    const y = tf.tensor1d([0, 0, 0, 0], 'int32');
    const before = tf.memory().numTensors;
    const outcome = await evaluateBatch({ tf, x, y, epsilon: 0.03, attack: rogueAttack(0.2), surface, classifier: meanClassifier, classes: 2, rng: createRandom(1) });
    expect(Array.from(outcome.correct)).toEqual([1, 1, 1, 1]);
    expect(outcome.corrections).toBe(4);
    const wide = await evaluateBatch({ tf, x, y, epsilon: 0.1, attack: rogueAttack(0.2), surface, classifier: meanClassifier, classes: 2, rng: createRandom(1) });
    // Within a 0.1 ball the pushed images reach 0.55 (class 1); the NaN image falls back to the clean one.
    expect(Array.from(wide.correct)).toEqual([0, 0, 0, 1]);
    const clean = await evaluateBatch({ tf, x, y, epsilon: 0, classifier: meanClassifier, classes: 2, rng: createRandom(1) });
    expect(Array.from(clean.correct)).toEqual([1, 1, 1, 1]);
    expect(clean.corrections).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('refuses a classifier that scores the wrong number of classes', async () => {
    const x = tf.fill([2, 2, 2, 1], 0.45) as Tensor4D;
    const y = tf.tensor1d([0, 0], 'int32');
    const before = tf.memory().numTensors;
    await expect(evaluateBatch({ tf, x, y, epsilon: 0, classifier: meanClassifier, classes: 3, rng: createRandom(1) })).rejects.toMatchObject({ code: 'ADVBENCH_ERR_CLASSIFIER_OUTPUT' });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('refuses predict output that is not probabilities (logits, NaN, negative), naming the owner and the row', async () => {
    const x = tf.fill([2, 2, 2, 1], 0.45) as Tensor4D;
    const y = tf.tensor1d([0, 0], 'int32');
    const before = tf.memory().numTensors;
    const returning = (values: number[]): Classifier => ({ randomized: false, predict: () => tf.tensor2d(values, [2, 2]) });
    const owner = "defense 'squash' (plugin squash 1.0.0)";
    for (const [values, problem] of [
      [[3.2, -1.5, 0.2, 0.1], /defense 'squash' \(plugin squash 1\.0\.0\): predict must return probabilities, but row 0 holds -1\.5/],
      [[0.5, 0.5, 0.7, 0.7], /row 1 sums to 1\.40000, not 1/],
    ] as const) {
      await expect(evaluateBatch({ tf, x, y, epsilon: 0, classifier: returning([...values]), classes: 2, rng: createRandom(1), owner })).rejects.toMatchObject({ code: 'ADVBENCH_ERR_CLASSIFIER_OUTPUT', message: expect.stringMatching(problem) });
    }
    // Rows within 1e-3 of 1 pass.
    const fine = await evaluateBatch({ tf, x, y, epsilon: 0, classifier: returning([0.9995, 0, 0, 1.0004]), classes: 2, rng: createRandom(1) });
    expect(Array.from(fine.correct)).toEqual([1, 0]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('judges a randomized classifier over paired draws: per-example fractions, the same for the same judge stream', async () => {
    const x = tf.fill([3, 2, 2, 1], 0.45) as Tensor4D;
    const y = tf.tensor1d([0, 0, 0], 'int32');
    // Right with probability 1/2 per draw and example.
    const coin: Classifier = {
      randomized: true,
      predict: (images, rng) => tf.tidy(() => tf.cast(tf.oneHot(tf.cast(tf.less(tf.randomUniform([images.shape[0]], 0, 1, 'float32', rng.seed()), 0.5), 'int32'), 2), 'float32') as tf.Tensor2D),
    };
    const judge = (seed: number) => evaluateBatch({ tf, x, y, epsilon: 0, classifier: coin, classes: 2, rng: createRandom(seed), judgeRng: createRandom(99), judgeDraws: 16 });
    const first = Array.from((await judge(1)).correct);
    expect(first.every((value) => value * 16 === Math.round(value * 16))).toBe(true);
    expect(first.some((value) => value > 0 && value < 1)).toBe(true);
    // The attack stream differs, the judge stream is the same: the same outcomes.
    expect(Array.from((await judge(2)).correct)).toEqual(first);
    tf.dispose([x, y]);
  });

  it('refuses NaN scores (a NaN model), naming the defense, instead of counting argMax of NaN as class 0', async () => {
    const x = tf.fill([4, 2, 2, 1], 0.3) as Tensor4D;
    // Every label is 0: argMax of all-NaN scores is 0, so today's judge would score a NaN model 100% correct.
    const y = tf.zeros([4], 'int32') as tf.Tensor1D;
    const nanClassifier: Classifier = { randomized: false, predict: (input) => tf.tidy(() => tf.mul(meanClassifier.predict(input, createRandom(0)), Number.NaN) as tf.Tensor2D) };
    const before = tf.memory().numTensors;
    await expect(evaluateBatch({ tf, x, y, epsilon: 0, classifier: nanClassifier, classes: 2, rng: createRandom(1), defense: 'none' })).rejects.toMatchObject({
      code: 'ADVBENCH_ERR_CLASSIFIER_NONFINITE',
      message: expect.stringContaining("the defense 'none' returned NaN or infinite scores for 4 of 4 clean examples"),
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});

