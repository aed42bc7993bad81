import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { AttackCost, Classifier, RandomSource, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import { isAdvbenchError } from '@advbench/core/plugin-api';
import { createRandom } from '@advbench/core/testkit';
import squareAttack, { createSquareAttack, parseSquareOptions, squareFraction, squareSide } from './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Two classes; class 1 wins when the top-left 3x3 corner is bright on average (a local feature to find). */
function cornerClassifier(seeds?: number[]): Classifier {
  return {
    randomized: seeds !== undefined,
    predict: (x: Tensor4D, rng: RandomSource) => {
      seeds?.push(rng.seed());
      return tf.tidy(() => {
        const corner = tf.mean(tf.slice(x, [0, 0, 0, 0], [-1, 3, 3, -1]), [1, 2, 3]);
        const logit = tf.mul(tf.sub(corner, 0.6), 20);
        return tf.softmax(tf.stack([tf.zerosLike(logit), logit], 1)) as Tensor2D;
      });
    },
  };
}

describe('square attack', () => {
  it('follows the paper schedule, rescaled to the budget', () => {
    expect(squareFraction(0.8, 0, 10000)).toBe(0.8);
    expect(squareFraction(0.8, 11, 10000)).toBe(0.4);
    expect(squareFraction(0.8, 300, 10000)).toBe(0.1);
    expect(squareFraction(0.8, 30, 1000)).toBe(0.1);
    expect(squareFraction(0.8, 9999, 10000)).toBeCloseTo(0.8 / 512, 12);
    expect(squareSide(0.8, 28, 28)).toBe(25);
    expect(squareSide(0.8 / 512, 28, 28)).toBe(1);
    expect(squareSide(1, 28, 28)).toBe(27);
  });

  it('fools a classifier through queries alone, within the ball, and counts them', async () => {
    const x = tf.fill([4, 8, 8, 1], 0.5) as Tensor4D;
    const y = tf.tensor1d([0, 0, 0, 0], 'int32');
    const before = tf.memory().numTensors;
    let cost: AttackCost | undefined;
    const steps: number[] = [];
    const surface = { name: 'full', description: 'unused', output: 'logits' as const, randomized: false, forward: (): Tensor2D => { throw new Error('used a surface'); } };
    const adversarial = await createSquareAttack(tf, parseSquareOptions({ queries: 300, progressEvery: 50 })).run({
      surface, classifier: cornerClassifier(), x, y, epsilon: 0.2, rng: createRandom(3), report: (report) => (cost = report.cost), onStep: (progress) => steps.push(progress.step),
    });
    const [distance, wrong] = tf.tidy(() => [tf.max(tf.abs(tf.sub(adversarial, x))), tf.sum(tf.argMax(cornerClassifier().predict(adversarial, createRandom(0)), 1))].map((tensor) => tensor.dataSync()[0]));
    expect(distance).toBeLessThanOrEqual(0.2 + 1e-6);
    expect(wrong).toBe(4);
    // Each fooled example stops querying: far fewer than the budget.
    expect(cost!.queries).toBeGreaterThanOrEqual(4);
    expect(cost!.queries).toBeLessThan(300 * 4);
    expect(cost!.backwardPasses).toBe(0);
    adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('queries a randomized classifier with a fresh draw each time, refuses to run without one, and stops when aborted', async () => {
    const x = tf.fill([2, 8, 8, 1], 0.1) as Tensor4D;
    const y = tf.tensor1d([0, 0], 'int32');
    const seeds: number[] = [];
    const surface = { name: 'full', description: 'unused', output: 'logits' as const, randomized: true, forward: (): Tensor2D => { throw new Error('used a surface'); } };
    const instance = createSquareAttack(tf, parseSquareOptions({ queries: 20 }));
    const kept = await instance.run({ surface, classifier: cornerClassifier(seeds), x, y, epsilon: 0.05, rng: createRandom(1) });
    expect(seeds.length).toBe(20);
    expect(new Set(seeds).size).toBe(20);
    kept.dispose();
    const missing = await instance.run({ surface, x, y, epsilon: 0.05, rng: createRandom(1) }).catch((error: unknown) => error);
    expect(isAdvbenchError(missing) && missing.message).toMatch(/no classifier to query/);
    const controller = new AbortController();
    controller.abort();
    const aborted = await instance.run({ surface, classifier: cornerClassifier(), x, y, epsilon: 0.05, rng: createRandom(1), signal: controller.signal }).catch((error: unknown) => error);
    expect(isAdvbenchError(aborted) && aborted.code).toBe('ADVBENCH_ERR_ABORTED');
    expect(() => parseSquareOptions({ queries: 0 })).toThrow(/square options\.queries must be >= 1/);
    expect(squareAttack).toMatchObject({ kind: 'attack', id: 'square' });
    tf.dispose([x, y]);
  });
});
