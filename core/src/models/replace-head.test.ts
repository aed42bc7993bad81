import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../compute/select-backend.js';
import { replaceHead } from './replace-head.js';
import { expectInputError } from './testing/expect-input-error.js';
import { predictFixed, randomizeWeights, tinyResnet, weightBytes } from './testing/tiny-models.js';

describe('replaceHead', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('copies the body into new variables and gives a seeded head of the new size', () => {
    const model = tinyResnet({ classes: 3 });
    randomizeWeights(model, 2);
    const original = weightBytes(model);
    const before = tf.memory().numTensors;
    const replaced = replaceHead(model, { classes: 30, seed: 8 });
    expect(replaced.name).toBe(model.name);
    expect(replaced.outputs[0].shape).toEqual([null, 30]);
    const copied = weightBytes(replaced);
    for (const [name, bytes] of original) {
      if (name.startsWith('predictions/')) continue;
      expect(Buffer.from(copied.get(name)!).equals(Buffer.from(bytes)), name).toBe(true);
    }
    const [kernel, bias] = replaced.getLayer('predictions').getWeights();
    expect(kernel.shape).toEqual([16, 30]);
    expect(Array.from(bias.dataSync()).every((value) => value === 0)).toBe(true);
    expect(Array.from(kernel.dataSync()).some((value) => value !== 0)).toBe(true);
    // Same seed, same head; the original model is untouched and independent.
    const again = replaceHead(model, { classes: 30, seed: 8 });
    expect(Buffer.from(weightBytes(again).get('predictions/kernel')!).equals(Buffer.from(copied.get('predictions/kernel')!))).toBe(true);
    tf.tidy(() => {
      replaced.getLayer('conv1_conv').weights[0].write(tf.zeros([3, 3, 1, 4]));
    });
    expect(Buffer.from(weightBytes(model).get('conv1_conv/kernel')!).equals(Buffer.from(original.get('conv1_conv/kernel')!))).toBe(true);
    expect(predictFixed(again).length).toBe(2 * 30);
    replaced.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a model whose output is not a dense layer, and bad class counts', async () => {
    const input = tfl.input({ shape: [4] });
    const output = tfl.layers.activation({ activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    const headless = tfl.model({ inputs: input, outputs: output });
    await expectInputError(() => replaceHead(headless, { classes: 3, seed: 1 }), 'no single dense output layer');
    headless.dispose();
    const model = tinyResnet();
    await expectInputError(() => replaceHead(model, { classes: 0, seed: 1 }), 'classes');
    model.dispose();
  });
});
