import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { AttackReport, AttackSurface, LayersModel, RandomSource, Tensor1D, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import { isAdvbenchError } from '@advbench/core/plugin-api';
import { createRandom, createTrainer, createInMemoryDataset, brightDarkImages, createTinyModel } from '@advbench/core/testkit';
import { createPgdAttack } from './pgd-attack.js';
import { parsePgdOptions } from './pgd-options.js';
import { perExampleLoss } from './per-example-loss.js';

let model: LayersModel;
let test: { x: Tensor4D; y: Tensor1D };
let surface: AttackSurface;

function logitsSurface(of: LayersModel): AttackSurface {
  return { name: 'full', description: 'logits', output: 'logits', randomized: false, exact: true, forward: (x) => of.apply(x, { training: false }) as Tensor2D };
}

function accuracyOn(x: Tensor4D): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(x) as Tensor2D, 1), test.y), 'float32')).dataSync()[0]);
}

async function attack(raw: Record<string, unknown>, epsilon: number, on: AttackSurface = surface, x: Tensor4D = test.x, seed = 1): Promise<Tensor4D> {
  return createPgdAttack(tf, parsePgdOptions(raw)).run({ surface: on, x, y: test.y, epsilon, rng: createRandom(seed) });
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  const rng = createRandom(3);
  const train = brightDarkImages(tf, { count: 64, rng: rng.fork('train data') });
  test = brightDarkImages(tf, { count: 32, rng: rng.fork('test data') });
  model = createTinyModel({ inputShape: [4, 4, 1], classes: 2, rng: rng.fork('model') });
  const trainer = createTrainer({
    tf,
    dataset: createInMemoryDataset(tf, { ...train, classes: 2 }),
    progress: { train() {} },
    signal: new AbortController().signal,
    logger: { debug() {}, info() {}, warn() {} },
  });
  await trainer.train({ model, epochs: 4, batchSize: 8, learningRate: 0.1, rng: rng.fork('train'), phase: 'base' });
  tf.dispose([train.x, train.y]);
  surface = logitsSurface(model);
});

afterAll(() => {
  model.dispose();
  tf.dispose([test.x, test.y]);
});

describe('pgd attack on an undefended model', () => {
  it('drives accuracy to near 0 at a large eps', async () => {
    expect(accuracyOn(test.x)).toBeGreaterThan(0.9);
    // At eps 0.4 every dark image (0.1..0.4) can be made brighter than every clean bright one is dark (0.6..0.9).
    const adversarial = await attack({ steps: 20 }, 0.4);
    expect(accuracyOn(adversarial)).toBeLessThanOrEqual(0.05);
    adversarial.dispose();
  });

  it('gives accuracy non-increasing in eps', async () => {
    const accuracies: number[] = [];
    for (const epsilon of [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]) {
      const adversarial = await attack({ steps: 20 }, epsilon);
      accuracies.push(accuracyOn(adversarial));
      adversarial.dispose();
    }
    for (let index = 1; index < accuracies.length; index += 1) expect(accuracies[index]).toBeLessThanOrEqual(accuracies[index - 1]);
    // Not degenerate: no image can cross the middle at eps 0.05, every one can at 0.4.
    expect(accuracies[2]).toBeGreaterThan(0.9);
    expect(accuracies[7]).toBeLessThanOrEqual(0.05);
  });

  it('projects exactly onto the eps-ball and [0, 1]', async () => {
    for (const epsilon of [0.05, 0.3]) {
      // A step far larger than eps and a random start: every iterate needs projecting.
      const adversarial = await attack({ steps: 5, stepSize: 0.7, randomStart: true }, epsilon);
      const [distance, low, high] = tf.tidy(() => {
        const difference = tf.abs(tf.sub(adversarial, test.x));
        return [tf.max(difference), tf.min(adversarial), tf.max(adversarial)].map((tensor) => tensor.dataSync()[0]);
      });
      expect(distance).toBeLessThanOrEqual(epsilon + 1e-6);
      expect(distance).toBeGreaterThan(epsilon - 1e-6);
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
      adversarial.dispose();
    }
    // At eps 0.3 dark pixels (0.1..0.4) must have been clipped at 0 somewhere.
    const clipped = await attack({ steps: 5, stepSize: 0.7, randomStart: false }, 0.3);
    expect(tf.tidy(() => tf.min(clipped).dataSync()[0])).toBe(0);
    clipped.dispose();
  });

  it('returns a copy of x at eps 0', async () => {
    const same = await attack({}, 0);
    expect(same).not.toBe(test.x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(same, test.x))).dataSync()[0])).toBe(0);
    same.dispose();
  });

  it('keeps the best iterate per example over restarts', async () => {
    // Same seed: restart 1 of both runs is identical, so more restarts can only raise each example's loss.
    const lossOf = (x: Tensor4D) => tf.tidy(() => Array.from(perExampleLoss(tf, surface.forward(x, createRandom(0)), test.y, 'logits').dataSync()));
    const one = await attack({ steps: 2, restarts: 1, randomStart: true }, 0.12);
    const five = await attack({ steps: 2, restarts: 5, randomStart: true }, 0.12);
    const single = lossOf(one);
    const multiple = lossOf(five);
    single.forEach((loss, index) => expect(multiple[index]).toBeGreaterThanOrEqual(loss - 1e-5));
    expect(multiple.reduce((a, b) => a + b)).toBeGreaterThan(single.reduce((a, b) => a + b) + 1e-3);
    tf.dispose([one, five]);
  });

  it('reports progress every few steps, leaks no tensors, and stops when aborted', async () => {
    const before = tf.memory().numTensors;
    const events: { step: number; successRate: number; loss: number }[] = [];
    const instance = createPgdAttack(tf, parsePgdOptions({ steps: 20, progressEvery: 5 }));
    const adversarial = await instance.run({ surface, x: test.x, y: test.y, epsilon: 0.03, rng: createRandom(1), onStep: (event) => events.push(event) });
    expect(events.map((event) => event.step)).toEqual([5, 10, 15, 20]);
    expect(events.every((event) => event.successRate === 0 && Number.isFinite(event.loss))).toBe(true);
    // The losses at later steps are no lower than at the first report (PGD ascends the loss).
    expect(events[3].loss).toBeGreaterThanOrEqual(events[0].loss - 1e-6);
    adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const controller = new AbortController();
    const aborted = await instance
      .run({ surface, x: test.x, y: test.y, epsilon: 0.03, rng: createRandom(1), signal: controller.signal, onStep: () => controller.abort() })
      .catch((error: unknown) => error);
    expect(isAdvbenchError(aborted) && aborted.code).toBe('ADVBENCH_ERR_ABORTED');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('pgd iterate selection and EOT on hand-made surfaces', () => {
  /** Loss rises with brightness; misclassified above a mean pixel of 0.5. */
  const rising = (exact: boolean, randomized = false): AttackSurface => ({
    name: 'rising',
    description: 'loss rises with brightness, misclassified above 0.5',
    output: 'logits',
    randomized,
    exact,
    forward: (x) =>
      tf.tidy(() => {
        const logit = tf.mul(tf.sub(tf.mean(x, [1, 2, 3]), 0.5), 10);
        return tf.stack([tf.zerosLike(logit), logit], 1) as Tensor2D;
      }),
  });

  const grey = () => tf.fill([2, 4, 4, 1], 0.5) as Tensor4D;
  const labels = () => tf.tensor1d([0, 0], 'int32');

  async function run(on: AttackSurface, raw: Record<string, unknown>, epsilon: number): Promise<number[]> {
    const x = grey();
    const y = labels();
    const adversarial = await createPgdAttack(tf, parsePgdOptions(raw)).run({ surface: on, x, y, epsilon, rng: createRandom(5) });
    const values = Array.from(adversarial.dataSync());
    tf.dispose([x, y, adversarial]);
    return values;
  }

  it('returns the most damaging iterate, not the last', async () => {
    // Loss peaks where the mean pixel is 0.55; steps of 0.2 from 0.5 oscillate 0.5 -> 0.7 -> 0.5 -> 0.7.
    const peaked: AttackSurface = {
      name: 'peaked',
      description: 'a loss with one peak',
      output: 'logits',
      randomized: false,
      exact: true,
      forward: (x) =>
        tf.tidy(() => {
          const mean = tf.mean(x, [1, 2, 3]);
          const logit = tf.sub(tf.mul(tf.square(tf.sub(mean, 0.55)), -20), 3);
          return tf.stack([tf.zerosLike(logit), logit], 1) as Tensor2D;
        }),
    };
    const values = await run(peaked, { steps: 3, stepSize: 0.2, randomStart: false }, 0.5);
    values.forEach((value) => expect(value).toBeCloseTo(0.5, 5));
  });

  it('freezes the first misclassified iterate on an exact surface; elsewhere only the judge chooses, else the last iterate', async () => {
    // From 0.5: 0.55 (first misclassified), 0.6, ..., 0.75.
    const frozen = await run(rising(true), { steps: 5, stepSize: 0.05, randomStart: false }, 0.25);
    frozen.forEach((value) => expect(value).toBeCloseTo(0.55, 5));
    // A surrogate's verdict is not the decision rule's: without a judge, the last iterate.
    for (const surrogate of [rising(false), rising(false, true)]) {
      const last = await run(surrogate, { steps: 5, stepSize: 0.05, randomStart: false }, 0.25);
      last.forEach((value) => expect(value).toBeCloseTo(0.75, 5));
    }
    // With a judge (here a decision rule fooled only between 0.6 and 0.7), the judged best among the checkpoints.
    const x = grey();
    const y = labels();
    const judged: number[] = [];
    const judge = async (candidates: Tensor4D) => {
      const means = tf.tidy(() => Array.from(tf.mean(candidates, [1, 2, 3]).dataSync()));
      judged.push(means[0]);
      return Float32Array.from(means, (mean) => (mean > 0.6 + 1e-4 && mean < 0.7 - 1e-4 ? 0 : 1));
    };
    const before = tf.memory().numTensors;
    const chosen = await createPgdAttack(tf, parsePgdOptions({ steps: 5, stepSize: 0.05, randomStart: false, judgeCheckpoints: 5 })).run({ surface: rising(false), x, y, epsilon: 0.25, rng: createRandom(5), judge });
    expect(judged.map((mean) => Number(mean.toFixed(4)))).toEqual([0.55, 0.6, 0.65, 0.7, 0.75]);
    Array.from(chosen.dataSync()).forEach((value) => expect(value).toBeCloseTo(0.65, 5));
    chosen.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('never calls the judge when one restart judged at one step leaves a single candidate, and returns the last iterate', async () => {
    const surrogate = rising(false, true);
    const x = grey();
    const y = labels();
    let calls = 0;
    const judge = async (candidates: Tensor4D) => {
      calls += 1;
      return new Float32Array(candidates.shape[0]).fill(1);
    };
    const reports: AttackReport[] = [];
    const report = (entry: AttackReport) => reports.push(entry);
    const single = await createPgdAttack(tf, parsePgdOptions({ steps: 5, stepSize: 0.05, randomStart: false, judgeCheckpoints: 1, eotSamples: 3 })).run({ surface: surrogate, x, y, epsilon: 0.25, rng: createRandom(5), judge, report });
    expect(calls).toBe(0);
    // Its cost: 5 steps of 3 EOT draws over the batch, forward and backward; no judge call.
    const rows = x.shape[0];
    expect(reports[0].cost).toMatchObject({ forwardPasses: 15 * rows, backwardPasses: 15 * rows, queries: 0, judgeCalls: 0 });
    Array.from(single.dataSync()).forEach((value) => expect(value).toBeCloseTo(0.75, 5));
    single.dispose();
    // Two checkpoints (or two restarts) are a choice: the judge scores each.
    const two = await createPgdAttack(tf, parsePgdOptions({ steps: 5, stepSize: 0.05, randomStart: false, judgeCheckpoints: 2 })).run({ surface: surrogate, x, y, epsilon: 0.25, rng: createRandom(5), judge, report });
    expect(calls).toBe(2);
    expect(reports[1].cost).toMatchObject({ forwardPasses: 5 * rows, backwardPasses: 5 * rows, judgeCalls: 2 });
    two.dispose();
    tf.dispose([x, y]);
  });

  it('returns the final iterate with keep "last", after exactly steps gradient passes', async () => {
    let calls = 0;
    const peaked: AttackSurface = {
      name: 'peaked',
      description: 'a loss with one peak',
      output: 'logits',
      randomized: false,
      forward: (x) => {
        calls += 1;
        return tf.tidy(() => {
          const logit = tf.sub(tf.mul(tf.square(tf.sub(tf.mean(x, [1, 2, 3]), 0.55)), -20), 3);
          return tf.stack([tf.zerosLike(logit), logit], 1) as Tensor2D;
        });
      },
    };
    const before = tf.memory().numTensors;
    const values = await run(peaked, { steps: 3, stepSize: 0.2, randomStart: false, keep: 'last' }, 0.5);
    values.forEach((value) => expect(value).toBeCloseTo(0.7, 5));
    expect(calls).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('averages gradients over eotSamples draws of a randomized surface', async () => {
    // Draws cycle +1, +1, -1: the expected gradient points up, a single draw points down every third step.
    let draws = 0;
    const cycling: AttackSurface = {
      name: 'cycling',
      description: 'sign flips every third draw',
      output: 'logits',
      randomized: true,
      forward: (x: Tensor4D, _rng: RandomSource) => {
        const sign = draws % 3 === 2 ? -1 : 1;
        draws += 1;
        return tf.tidy(() => {
          const logit = tf.sub(tf.mul(tf.sum(tf.sub(x, 0.5), [1, 2, 3]), 0.5 * sign), 4);
          return tf.stack([tf.zerosLike(logit), logit], 1) as Tensor2D;
        });
      },
    };
    const averaged = await run(cycling, { steps: 6, stepSize: 0.05, randomStart: false, eotSamples: 3, eotStacked: false }, 0.25);
    expect(draws).toBe(6 * 3);
    averaged.forEach((value) => expect(value).toBeCloseTo(0.75, 5));
    draws = 0;
    const single = await run(cycling, { steps: 6, stepSize: 0.05, randomStart: false, eotSamples: 1 }, 0.25);
    expect(draws).toBe(6);
    expect(Math.max(...single)).toBeLessThan(0.75 - 0.01);
    // A deterministic surface ignores eotSamples.
    draws = 0;
    await run({ ...cycling, randomized: false }, { steps: 6, stepSize: 0.05, eotSamples: 3 }, 0.25);
    expect(draws).toBe(6);
  });

  it('stacks the EOT draws into one pass with the same expectation as one pass per draw', async () => {
    // Per row, the sign of the loss's slope is +1 with probability 2/3 (drawn from the surface's rng).
    let calls = 0;
    const noisy: AttackSurface = {
      name: 'noisy',
      description: 'per-row random sign',
      output: 'logits',
      randomized: true,
      forward: (x: Tensor4D, rng: RandomSource) => {
        calls += 1;
        return tf.tidy(() => {
          const sign = tf.sub(tf.mul(tf.cast(tf.less(tf.randomUniform([x.shape[0]], 0, 1, 'float32', rng.seed()), 2 / 3), 'float32'), 2), 1);
          const logit = tf.sub(tf.mul(tf.mul(tf.sum(tf.sub(x, 0.5), [1, 2, 3]), 0.5), sign), 4);
          return tf.stack([tf.zerosLike(logit), logit], 1) as Tensor2D;
        });
      },
    };
    const before = tf.memory().numTensors;
    const stacked = await run(noisy, { steps: 6, stepSize: 0.05, randomStart: false, eotSamples: 64 }, 0.25);
    expect(calls).toBe(6);
    stacked.forEach((value) => expect(value).toBeCloseTo(0.75, 5));
    expect(tf.memory().numTensors).toBe(before);
    // Over eotStackLimit the draws go in several stacked passes (20 + 20 + 20 + 4 draws here), same expectation.
    calls = 0;
    const rows: number[] = [];
    const recorded: AttackSurface = { ...noisy, forward: (x: Tensor4D, rng: RandomSource) => (rows.push(x.shape[0]), noisy.forward(x, rng)) };
    const [batch, valuesPerDraw] = [2, 2 * 4 * 4]; // grey(): [2, 4, 4, 1]
    const split = await run(recorded, { steps: 6, stepSize: 0.05, randomStart: false, eotSamples: 64, eotStackLimit: 20 * valuesPerDraw + 1 }, 0.25);
    expect(calls).toBe(6 * 4);
    expect(rows.slice(0, 4)).toEqual([20 * batch, 20 * batch, 20 * batch, 4 * batch]);
    split.forEach((value) => expect(value).toBeCloseTo(0.75, 5));
    expect(tf.memory().numTensors).toBe(before);
  });
});
