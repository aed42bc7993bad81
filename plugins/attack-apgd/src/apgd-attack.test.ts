import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import type { AttackCost, AttackSurface, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import { applyPreset, isAdvbenchError } from '@advbench/core/plugin-api';
import { createRandom } from '@advbench/core/testkit';
import apgdAttack, { APGD_PRESETS, apgdCheckpoints, apgdLoss, createApgdAttack, parseApgdOptions } from './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Two classes; the wrong class's logit rises with the mean pixel: `scale * (mean - threshold)`. */
function rising(options: { exact?: boolean; randomized?: boolean; scale?: number; threshold?: number; calls?: { count: number; rows: number } } = {}): AttackSurface {
  const { scale = 10, threshold = 0.5 } = options;
  return {
    name: 'rising',
    description: 'misclassified above the threshold',
    output: 'logits',
    randomized: options.randomized ?? false,
    exact: options.exact,
    forward: (x) => {
      if (options.calls) {
        options.calls.count += 1;
        options.calls.rows += x.shape[0];
      }
      return tf.tidy(() => {
        const logit = tf.mul(tf.sub(tf.mean(x, [1, 2, 3]), threshold), scale);
        return tf.stack([tf.zerosLike(logit), logit], 1) as Tensor2D;
      });
    },
  };
}

async function attack(raw: Record<string, unknown>, surface: AttackSurface, extra: { judge?: (x: Tensor4D) => Promise<Float32Array>; epsilon?: number } = {}) {
  const x = tf.fill([3, 4, 4, 1], 0.3) as Tensor4D;
  const y = tf.tensor1d([0, 0, 0], 'int32');
  let cost: AttackCost | undefined;
  const adversarial = await createApgdAttack(tf, parseApgdOptions(raw)).run({
    surface,
    x,
    y,
    epsilon: extra.epsilon ?? 0.25,
    rng: createRandom(2),
    judge: extra.judge,
    report: (report) => (cost = report.cost),
  });
  const values = tf.tidy(() => Array.from(tf.mean(adversarial, [1, 2, 3]).dataSync()));
  tf.dispose([x, y, adversarial]);
  return { means: values, cost: cost! };
}

describe('apgd schedule, losses and options', () => {
  it('checks progress at the paper checkpoints', () => {
    expect(apgdCheckpoints(100)).toEqual([0, 22, 41, 57, 70, 80, 87, 93, 99]);
    expect(apgdCheckpoints(10)).toEqual([0, 3, 5, 6, 7, 8, 9, 10]);
  });

  it('DLR is invariant to scaling and to log-softmax, where cross-entropy saturates', () => {
    const logits = tf.tensor2d([[2, 1, 0.5, -1], [0.1, 0.3, 2, 0]]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const dlr = (output: Tensor2D, kind: AttackSurface['output'] = 'logits') => Array.from(apgdLoss(tf, output, labels, kind, 'dlr').dataSync());
    const plain = dlr(logits);
    // Example 0: -(2 - 1) / (2 - 0.5); example 1: -(0.3 - 2) / (2 - 0.1).
    expect(plain[0]).toBeCloseTo(-1 / 1.5, 5);
    expect(plain[1]).toBeCloseTo(1.7 / 1.9, 5);
    dlr(tf.mul(logits, 1e4) as Tensor2D).forEach((value, index) => expect(value).toBeCloseTo(plain[index], 4));
    dlr(tf.logSoftmax(logits) as Tensor2D, 'log-probabilities').forEach((value, index) => expect(value).toBeCloseTo(plain[index], 5));
    const targeted = Array.from(apgdLoss(tf, logits, labels, 'logits', 'dlr-targeted', tf.tensor1d([3, 2], 'int32')).dataSync());
    // Example 0: -(2 - (-1)) / (2 - (0.5 + -1) / 2).
    expect(targeted[0]).toBeCloseTo(-3 / 2.25, 5);
    // Both examples correctly classified: the saturated softmax makes the cross-entropy gradient exactly 0.
    const correct = tf.tensor1d([0, 2], 'int32');
    const gradientNorm = (loss: 'ce' | 'dlr') =>
      tf.tidy(() => tf.sum(tf.abs(tf.grad((z: tf.Tensor) => tf.sum(apgdLoss(tf, tf.mul(z, 1e4) as Tensor2D, correct, 'logits', loss)))(logits))).dataSync()[0]);
    expect(gradientNorm('ce')).toBe(0);
    expect(gradientNorm('dlr')).toBeGreaterThan(0);
  });

  it('fills defaults, expands presets and refuses bad options naming the key', () => {
    expect(parseApgdOptions({})).toMatchObject({ loss: 'ce', iterations: 100, restarts: 1, targets: 9, eotSamples: 1, momentum: 0.75, rho: 0.75 });
    expect(parseApgdOptions(applyPreset({ preset: 't' }, APGD_PRESETS, 'apgd'))).toMatchObject({ loss: 'dlr-targeted', targets: 9 });
    expect(parseApgdOptions(applyPreset({ preset: 'rand' }, APGD_PRESETS, 'apgd'))).toMatchObject({ eotSamples: 20 });
    expect(() => parseApgdOptions({ loss: 'cw' })).toThrow(/apgd options\.loss must be one of/);
    expect(() => parseApgdOptions({ iterations: 0 })).toThrow(/iterations must be >= 1/);
    expect(() => parseApgdOptions({ steps: 3 })).toThrow(/steps is not a known option/);
    expect(apgdAttack).toMatchObject({ kind: 'attack', id: 'apgd', apiVersion: 'v1' });
  });
});

describe('apgd best point and cost', () => {
  it('on an exact surface stops once every example is misclassified and returns a misclassified point', async () => {
    const calls = { count: 0, rows: 0 };
    const { means, cost } = await attack({ iterations: 50 }, rising({ exact: true, calls }));
    means.forEach((mean) => expect(mean).toBeGreaterThan(0.5));
    expect(cost.backwardPasses).toBeLessThan(50 * 3);
    expect(cost.forwardPasses).toBe(calls.rows);
  });

  it('on a surrogate surface without a judge returns the highest-loss point, never stopping at its verdict', async () => {
    const { means, cost } = await attack({ iterations: 20 }, rising({}));
    // The loss rises with brightness: the highest-loss point is the top of the ball (0.3 + 0.25).
    means.forEach((mean) => expect(mean).toBeCloseTo(0.55, 2));
    expect(cost.backwardPasses).toBe(20 * 3);
  });

  it('on a surrogate surface asks the judge: nothing to do where the decision rule is already wrong', async () => {
    const alwaysWrong = async () => new Float32Array(3);
    const skipped = await attack({ iterations: 20 }, rising({}), { judge: alwaysWrong });
    expect(skipped.cost.forwardPasses).toBe(0);
    expect(skipped.cost.judgeCalls).toBe(1);
    skipped.means.forEach((mean) => expect(mean).toBeCloseTo(0.3, 5));
    // A judge that is never fooled below 0.5 and always above: the judged best is taken, whatever the surrogate says.
    const surrogateBackwards = rising({ scale: -10 });
    const byBrightness = async (candidates: Tensor4D) => Float32Array.from(tf.tidy(() => Array.from(tf.mean(candidates, [1, 2, 3]).dataSync())), (mean) => (mean > 0.5 ? 0 : 1));
    const judgedRun = await attack({ iterations: 10 }, surrogateBackwards, { judge: byBrightness });
    // The surrogate pushes every example darker, so no candidate fools the judge: the attacked point is kept anyway.
    judgedRun.means.forEach((mean) => expect(mean).toBeLessThan(0.3));
    expect(judgedRun.cost.judgeCalls).toBe(3);
  });

  it('averages EOT draws, stacked in one pass or looped, at the same cost in example passes', async () => {
    const stacked = { count: 0, rows: 0 };
    const looped = { count: 0, rows: 0 };
    const a = await attack({ iterations: 4, eotSamples: 5, eotBatch: true }, rising({ randomized: true, calls: stacked }));
    const b = await attack({ iterations: 4, eotSamples: 5, eotBatch: false }, rising({ randomized: true, calls: looped }));
    expect(stacked.rows).toBe(looped.rows);
    expect(stacked.rows).toBe(5 * 5 * 3);
    expect(stacked.count).toBe(5);
    expect(looped.count).toBe(25);
    expect(a.cost.forwardPasses).toBe(5 * 5 * 3);
    expect(a.cost.backwardPasses).toBe(4 * 5 * 3);
    a.means.forEach((mean, index) => expect(mean).toBeCloseTo(b.means[index], 5));
    // Over eotStackLimit (two draws of the [3, 4, 4, 1] batch) the 5 draws go in passes of 2, 2 and 1.
    const split = { count: 0, rows: 0 };
    const c = await attack({ iterations: 4, eotSamples: 5, eotBatch: true, eotStackLimit: 2 * 3 * 16 }, rising({ randomized: true, calls: split }));
    expect(split.count).toBe(5 * 3);
    expect(split.rows).toBe(5 * 5 * 3);
    c.means.forEach((mean, index) => expect(mean).toBeCloseTo(b.means[index], 5));
  });

  it('runs dlr-targeted once per target (at most C - 1), leaks no tensors and stops when aborted', async () => {
    const four: AttackSurface = {
      name: 'four',
      description: 'four classes',
      output: 'logits',
      randomized: false,
      forward: (x) => tf.tidy(() => {
        const mean = tf.mean(x, [1, 2, 3]);
        return tf.stack([tf.neg(mean), mean, tf.mul(mean, 0.5), tf.mul(mean, 0.2)], 1) as Tensor2D;
      }),
    };
    const steps: number[] = [];
    const x = tf.fill([2, 4, 4, 1], 0.4) as Tensor4D;
    const y = tf.tensor1d([0, 0], 'int32');
    const before = tf.memory().numTensors;
    const instance = createApgdAttack(tf, parseApgdOptions({ loss: 'dlr-targeted', iterations: 5, targets: 9, progressEvery: 5 }));
    const adversarial = await instance.run({ surface: four, x, y, epsilon: 0.1, rng: createRandom(1), onStep: (progress) => steps.push(progress.restart * 10 + progress.restarts) });
    expect(steps).toEqual([13, 23, 33]);
    adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    const aborted = await instance
      .run({ surface: four, x, y, epsilon: 0.1, rng: createRandom(1), signal: controller.signal, onStep: () => controller.abort() })
      .catch((error: unknown) => error);
    expect(isAdvbenchError(aborted) && aborted.code).toBe('ADVBENCH_ERR_ABORTED');
    expect(tf.memory().numTensors).toBe(before);
    const same = await instance.run({ surface: four, x, y, epsilon: 0, rng: createRandom(1) });
    expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([same, x, y]);
  });
});
