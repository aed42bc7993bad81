import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackReport, Tensor4D } from '@advbench/core/plugin-api';
import { parseApgdOptions, createApgdAttack } from '@advbench/attack-apgd';
import { createPgdAttack, parsePgdOptions } from '@advbench/attack-pgd';
import { createSquareAttack, parseSquareOptions } from '@advbench/attack-square';
import { accuracyOf, correctness, createRandom, maxDistance, tf, trainFashionMnistSlice, undefended, type TrainedSlice } from './support/trained-fashion-mnist.js';

// Acceptance of the attack suite on a trained undefended model (Fashion-MNIST slice, tiny MLP trained once here).
let slice: TrainedSlice;

beforeAll(async () => {
  slice = await trainFashionMnistSlice({ trainSamples: 2000, testSamples: 200, epochs: 3, seed: 1 });
});

afterAll(() => slice.dispose());

describe('apgd and square on an undefended model', () => {
  it('APGD-CE finds at least what PGD-20 finds at the same eps, per example, and counts its passes', async () => {
    const { classifier, surface } = undefended(slice.model);
    const { x, y } = slice.test;
    const epsilon = 8 / 255;
    const before = tf.memory().numTensors;
    const timer = Date.now();
    const pgd = await createPgdAttack(tf, parsePgdOptions({ steps: 20 })).run({ surface, x, y, epsilon, rng: createRandom(1) });
    const reports: AttackReport[] = [];
    const steps: number[] = [];
    const apgd = createApgdAttack(tf, parseApgdOptions({ loss: 'ce', iterations: 100 }));
    const adversarial = await apgd.run({ surface, x, y, epsilon, rng: createRandom(1), report: (report) => reports.push(report), onStep: (progress) => steps.push(progress.step) });
    expect(maxDistance(adversarial, x)).toBeLessThanOrEqual(epsilon + 1e-6);
    console.info(`pgd+apgd ${Date.now() - timer} ms`);
    const clean = accuracyOf(correctness(classifier, x, y));
    const pgdOutcome = correctness(classifier, pgd, y);
    const apgdOutcome = correctness(classifier, adversarial, y);
    const pgdAccuracy = accuracyOf(pgdOutcome);
    const apgdAccuracy = accuracyOf(apgdOutcome);
    // Not degenerate: the eps is small enough that PGD-20 leaves some examples correct and large enough to matter.
    expect(clean.accuracy).toBeGreaterThan(0.7);
    console.info(`clean ${clean.accuracy} pgd ${pgdAccuracy.accuracy} apgd ${apgdAccuracy.accuracy}`);
    expect(pgdAccuracy.accuracy).toBeLessThan(clean.accuracy - 0.1);
    expect(apgdAccuracy.accuracy).toBeLessThanOrEqual(pgdAccuracy.high);
    // Per example: examples PGD broke and APGD did not are rare.
    const missed = pgdOutcome.filter((value, index) => value === 0 && apgdOutcome[index] === 1).length;
    expect(missed).toBeLessThanOrEqual(Math.ceil(0.03 * x.shape[0]));
    expect(reports).toHaveLength(1);
    expect(reports[0].cost.backwardPasses).toBeGreaterThan(0);
    expect(reports[0].cost.backwardPasses).toBeLessThanOrEqual(100 * x.shape[0]);
    expect(reports[0].cost.forwardPasses).toBeGreaterThanOrEqual(reports[0].cost.backwardPasses);
    expect(steps.length).toBeGreaterThan(0);
    expect((apgd.describe().totals as { calls: number }).calls).toBe(1);
    tf.dispose([pgd, adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    console.info(`undefended eps 8/255 n=${x.shape[0]}: clean ${clean.accuracy}, PGD-20 ${pgdAccuracy.accuracy}, APGD-CE-100 ${apgdAccuracy.accuracy}; APGD cost ${JSON.stringify(reports[0].cost)}`);
  });

  it('Square at 32/255 with its default budget drives accuracy below 20%, querying only the classifier', async () => {
    const { classifier } = undefended(slice.model);
    const x = tf.slice(slice.test.x, [0, 0, 0, 0], [40, -1, -1, -1]) as Tensor4D;
    const y = tf.slice(slice.test.y, [0], [40]);
    const epsilon = 32 / 255;
    const reports: AttackReport[] = [];
    const throwing = { name: 'full', description: 'must not be used', output: 'logits' as const, randomized: false, forward: () => { throw new Error('square used the surface'); } };
    const before = tf.memory().numTensors;
    const adversarial = await createSquareAttack(tf, parseSquareOptions({})).run({ surface: throwing, classifier, x, y, epsilon, rng: createRandom(2), report: (report) => reports.push(report) });
    expect(maxDistance(adversarial, x)).toBeLessThanOrEqual(epsilon + 1e-6);
    const accuracy = accuracyOf(correctness(classifier, adversarial, y));
    expect(accuracy.accuracy).toBeLessThan(0.2);
    expect(reports[0].cost.queries).toBeGreaterThan(40);
    expect(reports[0].cost.queries).toBeLessThanOrEqual(5000 * 40);
    expect(reports[0].cost.backwardPasses).toBe(0);
    adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    console.info(`undefended eps 32/255 n=40: Square-5000 ${accuracy.accuracy}; cost ${JSON.stringify(reports[0].cost)}`);
    tf.dispose([x, y]);
  });
});
