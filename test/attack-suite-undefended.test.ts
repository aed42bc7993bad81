import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackReport, Tensor4D } from '@advbench/core/plugin-api';
import { parseApgdOptions, createApgdAttack } from '@advbench/attack-apgd';
import { createPgdAttack, parsePgdOptions } from '@advbench/attack-pgd';
import { createSquareAttack, parseSquareOptions } from '@advbench/attack-square';
import { accuracyOf, correctness, createRandom, judgeWith, maxDistance, tf, trainFashionMnistSlice, undefended, type TrainedSlice } from './support/trained-fashion-mnist.js';

// Acceptance of the attack suite on a trained undefended model (Fashion-MNIST slice, tiny MLP trained once here).
let slice: TrainedSlice;

beforeAll(async () => {
  slice = await trainFashionMnistSlice({ trainSamples: 2000, testSamples: 200, epochs: 3, seed: 1 });
});

afterAll(() => slice.dispose());

describe('apgd and square on an undefended model', () => {
  it('APGD-CE finds at least what PGD-20 finds at the same eps, per example, and counts its passes', async () => {
    const { classifier, surface } = undefended(slice.model);
    const x = tf.slice(slice.test.x, [0, 0, 0, 0], [120, -1, -1, -1]) as Tensor4D;
    const y = tf.slice(slice.test.y, [0], [120]);
    const epsilon = 8 / 255;
    const before = tf.memory().numTensors;
    const pgd = await createPgdAttack(tf, parsePgdOptions({ steps: 20 })).run({ surface, x, y, epsilon, rng: createRandom(1) });
    const reports: AttackReport[] = [];
    const steps: number[] = [];
    const apgd = createApgdAttack(tf, parseApgdOptions({ loss: 'ce', iterations: 100 }));
    const adversarial = await apgd.run({ surface, x, y, epsilon, rng: createRandom(1), report: (report) => reports.push(report), onStep: (progress) => steps.push(progress.step) });
    expect(maxDistance(adversarial, x)).toBeLessThanOrEqual(epsilon + 1e-6);
    const clean = accuracyOf(correctness(classifier, x, y));
    const pgdOutcome = correctness(classifier, pgd, y);
    const apgdOutcome = correctness(classifier, adversarial, y);
    const pgdAccuracy = accuracyOf(pgdOutcome);
    const apgdAccuracy = accuracyOf(apgdOutcome);
    // Not degenerate: the eps is small enough that PGD-20 leaves some examples correct and large enough to matter.
    expect(clean.accuracy).toBeGreaterThan(0.7);
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
    expect(apgd.describe()).toMatchObject({ loss: 'ce', iterations: 100, checkpoints: [0, 22, 41, 57, 70, 80, 87, 93, 99] });
    tf.dispose([pgd, adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
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

describe('autoattack and transfer on an undefended model', () => {
  const members = [
    { name: 'apgd-ce', use: 'apgd', options: { loss: 'ce', iterations: 10 } },
    { name: 'apgd-t', use: 'apgd', options: { loss: 'dlr-targeted', iterations: 10, targets: 3 } },
    { name: 'square', use: 'square', options: { queries: 100 } },
  ];

  it('gives per example the worst case of the clean image and its members, each member run on its own', async () => {
    const { classifier, surface } = undefended(slice.model);
    const x = tf.slice(slice.test.x, [0, 0, 0, 0], [60, -1, -1, -1]) as Tensor4D;
    const y = tf.slice(slice.test.y, [0], [60]);
    const epsilon = 8 / 255;
    const context = slice.context('autoattack');
    const rng = createRandom(9);
    const judge = judgeWith(classifier, y);
    // Every member on every example: the ensemble must equal the per-example minimum of the members' own cells.
    const ensemble = await context.attacks.create('autoattack', { members, survivorsOnly: false });
    const reports: AttackReport[] = [];
    const adversarial = await ensemble.run({ surface, classifier, judge, x, y, epsilon, rng, report: (report) => reports.push(report) });
    const ensembleOutcome = await judge(adversarial);
    const worst = await judge(x);
    for (const [index, member] of members.entries()) {
      const alone = await context.attacks.create(member.use, member.options);
      const candidate = await alone.run({ surface, classifier, judge, x, y, epsilon, rng: rng.fork(`member ${index} ${member.name}`) });
      const outcome = await judge(candidate);
      outcome.forEach((value, position) => (worst[position] = Math.min(worst[position], value)));
      expect(Array.from(reports[0].members![index].correct)).toEqual(Array.from(outcome));
      candidate.dispose();
    }
    expect(Array.from(ensembleOutcome)).toEqual(Array.from(worst));
    expect(reports[0].members!.map((member) => member.name)).toEqual(['apgd-ce', 'apgd-t', 'square']);
    expect(reports[0].cost.queries).toBe(reports[0].members![2].cost.queries);
    adversarial.dispose();

    // As AutoAttack: later members only on survivors; the result is still the worst case of what ran.
    const survivors = await context.attacks.create('autoattack', { members });
    const survivorReports: AttackReport[] = [];
    const survivorAdversarial = await survivors.run({ surface, classifier, judge, x, y, epsilon, rng, report: (report) => survivorReports.push(report) });
    const survivorOutcome = await judge(survivorAdversarial);
    const [first, second, third] = survivorReports[0].members!;
    const ran = (outcome: { correct: Float32Array }) => outcome.correct.filter((value) => !Number.isNaN(value)).length;
    expect(ran(first)).toBeLessThanOrEqual(60);
    expect(ran(second)).toBe(first.correct.filter((value) => value === 1).length);
    expect(ran(third)).toBeLessThanOrEqual(ran(second));
    survivorOutcome.forEach((value, position) => {
      const minimum = Math.min(...[first, second, third].map((member) => member.correct[position]).filter((entry) => !Number.isNaN(entry)), 1);
      expect(value).toBe(Math.min(minimum, worstClean(position)));
    });
    function worstClean(position: number): number {
      return correctness(classifier, x, y)[position];
    }
    console.info(`undefended eps 8/255 n=60: autoattack (all members) ${accuracyOf(ensembleOutcome).accuracy}, survivors-only ${accuracyOf(survivorOutcome).accuracy}; costs ${JSON.stringify(survivorReports[0].members!.map((member) => [member.name, member.cost]))}`);
    tf.dispose([survivorAdversarial, x, y]);
  });

  it('transfer crafts once per epsilon and batch and reuses it for every target', async () => {
    const { classifier, surface } = undefended(slice.model);
    const x = tf.slice(slice.test.x, [0, 0, 0, 0], [20, -1, -1, -1]) as Tensor4D;
    const y = tf.slice(slice.test.y, [0], [20]);
    const transfer = await slice.context('transfer').attacks.create('transfer', { attack: 'apgd', attackOptions: { loss: 'ce', iterations: 5 } });
    const costs: AttackReport[] = [];
    const run = (epsilon: number) => transfer.run({ surface, classifier, x, y, epsilon, rng: createRandom(3), report: (report) => costs.push(report) });
    const first = await run(16 / 255);
    const second = await run(16 / 255);
    const other = await run(8 / 255);
    expect(Array.from(second.dataSync())).toEqual(Array.from(first.dataSync()));
    expect(costs.map((report) => report.cost.backwardPasses > 0)).toEqual([true, false, true]);
    expect(maxDistance(other, x)).toBeLessThanOrEqual(8 / 255 + 1e-6);
    const before = tf.memory().numTensors;
    tf.dispose([first, second, other]);
    // The crafted batches are kept in CPU memory, not as tensors.
    expect(tf.memory().numTensors).toBe(before - 3);
    tf.dispose([x, y]);
    transfer.dispose?.();
  });

  it('crafts the same examples whichever cell asks first: the randomness comes from the run and the batch, not the caller', async () => {
    const { classifier, surface } = undefended(slice.model);
    const x = tf.slice(slice.test.x, [0, 0, 0, 0], [20, -1, -1, -1]) as Tensor4D;
    const y = tf.slice(slice.test.y, [0], [20]);
    // Two instances, as on two workers of a queue, asked by cells with different attack streams.
    const crafted: Float32Array[] = [];
    for (const seed of [3, 4]) {
      const transfer = await slice.context('transfer').attacks.create('transfer', { attack: 'pgd', attackOptions: { steps: 3, randomStart: true } });
      const adversarial = await transfer.run({ surface, classifier, x, y, epsilon: 16 / 255, rng: createRandom(seed) });
      crafted.push(Float32Array.from(adversarial.dataSync()));
      adversarial.dispose();
      transfer.dispose?.();
    }
    expect(Array.from(crafted[1])).toEqual(Array.from(crafted[0]));
    tf.dispose([x, y]);
  });
});
