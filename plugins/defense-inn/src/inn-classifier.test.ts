import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { LayersModel, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import { createRandom, createTinyModel } from '@advbench/core/testkit';
import { slotLogProbabilities } from './decision-rule.js';
import { createInnClassifier, createInnSurfaces } from './inn-classifier.js';
import type { InnEnsemble } from './inn-classifier.js';
import { parseInnOptions } from './inn-options.js';

const CLASSES = 3;
const K = 2;

function values(tensor: tf.Tensor): number[] {
  const result = Array.from(tensor.dataSync());
  tensor.dispose();
  return result;
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
}

describe('INN classifier and surfaces (untrained tiny checkpoints)', () => {
  let checkpoints: LayersModel[];
  let backgrounds: Tensor4D;
  let x: Tensor4D;
  const ensemble = (models: LayersModel[], raw: Record<string, unknown> = {}): InnEnsemble => ({
    tf,
    checkpoints: models,
    backgrounds,
    classes: CLASSES,
    options: parseInnOptions({ backgrounds: K, epochs: models.length, ...raw }),
  });

  beforeAll(async () => {
    await tf.setBackend('wasm');
    const rng = createRandom(3);
    checkpoints = [0, 1, 2].map((index) => createTinyModel({ inputShape: [4, 4, 1], classes: CLASSES * K, rng: rng.fork(`model-${index}`) }));
    backgrounds = tf.randomUniform([K, 4, 4, 1], 0, 1, 'float32', 5) as Tensor4D;
    x = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 6) as Tensor4D;
  });
  afterAll(() => {
    checkpoints.forEach((model) => model.dispose());
    tf.dispose([backgrounds, x]);
  });

  it('soft vote is the mean of the checkpoints on one shared draw', () => {
    const all = values(createInnClassifier(ensemble(checkpoints)).predict(x, createRandom(7)));
    const singles = checkpoints.map((model) => values(createInnClassifier(ensemble([model])).predict(x, createRandom(7))));
    expectClose(all, all.map((_, index) => (singles[0][index] + singles[1][index] + singles[2][index]) / 3));
  });

  it('R draws average R successive single draws', () => {
    const two = values(createInnClassifier(ensemble(checkpoints, { draws: 2 })).predict(x, createRandom(8)));
    const single = createInnClassifier(ensemble(checkpoints));
    const rng = createRandom(8);
    const first = values(single.predict(x, rng));
    const second = values(single.predict(x, rng));
    expectClose(two, first.map((value, index) => (value + second[index]) / 2));
    expect(first).not.toEqual(second);
  });

  it('only the last votingCheckpoints vote', () => {
    const lastOnly = values(createInnClassifier(ensemble(checkpoints, { votingCheckpoints: 1 })).predict(x, createRandom(9)));
    const alone = values(createInnClassifier(ensemble([checkpoints[2]])).predict(x, createRandom(9)));
    expectClose(lastOnly, alone);
    const lastTwo = values(createInnClassifier(ensemble(checkpoints, { votingCheckpoints: 2 })).predict(x, createRandom(9)));
    const pair = values(createInnClassifier(ensemble(checkpoints.slice(1))).predict(x, createRandom(9)));
    expectClose(lastTwo, pair);
  });

  it('surfaces: inn1 is the attack checkpoint through the draw, inn2 the plain image, full the soft vote', () => {
    const surfaces = createInnSurfaces(ensemble(checkpoints, { attackCheckpoint: 2 }));
    const byName = Object.fromEntries(surfaces.map((surface) => [surface.name, surface]));
    const inn1 = values(byName.inn1.forward(x, createRandom(10)));
    const throughDraw = values(tf.log(createInnClassifier(ensemble([checkpoints[1]])).predict(x, createRandom(10))));
    expectClose(inn1, throughDraw);
    const inn2 = values(byName.inn2.forward(x, createRandom(10)));
    const plain = values(tf.tidy(() => slotLogProbabilities(tf, checkpoints[1].apply(x, { training: false }) as Tensor2D, CLASSES)));
    expectClose(inn2, plain);
    const full = values(byName.full.forward(x, createRandom(11)));
    const soft = values(tf.log(createInnClassifier(ensemble(checkpoints)).predict(x, createRandom(11))));
    expectClose(full, soft);
  });

  it('squash tanh changes what the checkpoints see, in predict and surfaces alike', () => {
    const plain = values(createInnClassifier(ensemble(checkpoints)).predict(x, createRandom(12)));
    const squashed = values(createInnClassifier(ensemble(checkpoints, { squash: 'tanh' })).predict(x, createRandom(12)));
    expect(squashed).not.toEqual(plain);
    const full = values(createInnSurfaces(ensemble(checkpoints, { squash: 'tanh' }))[2].forward(x, createRandom(12)));
    expectClose(full, squashed.map(Math.log));
  });

  it('creates no tensors beyond its result', () => {
    const classifier = createInnClassifier(ensemble(checkpoints, { vote: 'hard', mapping: 'argmax-mod', draws: 3 }));
    const surfaces = createInnSurfaces(ensemble(checkpoints));
    classifier.predict(x, createRandom(1)).dispose();
    const before = tf.memory().numTensors;
    classifier.predict(x, createRandom(1)).dispose();
    for (const surface of surfaces) surface.forward(x, createRandom(1)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
