import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../compute/select-backend.js';
import { cloneModel } from './clone-model.js';
import { caffePreprocessing } from './zoo/caffe-preprocessing-layer.js';
import { predictFixed, randomizeWeights, tinyResnet, weightBytes } from './testing/tiny-models.js';

describe('cloneModel', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('copies every weight into independent variables', () => {
    const model = tinyResnet();
    randomizeWeights(model, 4);
    const before = tf.memory().numTensors;
    const copy = cloneModel(model);
    expect(copy.name).toBe(model.name);
    expect(copy.layers.map((layer) => layer.name)).toEqual(model.layers.map((layer) => layer.name));
    const original = weightBytes(model);
    for (const [name, bytes] of weightBytes(copy)) expect(Buffer.from(bytes).equals(Buffer.from(original.get(name)!)), name).toBe(true);
    expect(Array.from(predictFixed(copy))).toEqual(Array.from(predictFixed(model)));
    tf.tidy(() => {
      copy.getLayer('predictions').weights[0].write(tf.ones([16, 3]));
    });
    expect(Buffer.from(weightBytes(model).get('predictions/kernel')!).equals(Buffer.from(original.get('predictions/kernel')!))).toBe(true);
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('clones a model with the caffe preprocessing layer', () => {
    const input = tfl.input({ shape: [2, 2, 3] });
    const features = tfl.layers.flatten().apply(caffePreprocessing().apply(input)) as tfl.SymbolicTensor;
    const output = tfl.layers.dense({ units: 4, name: 'predictions', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(features) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    const copy = cloneModel(model);
    expect(copy.getLayer('caffe_preprocessing').getClassName()).toBe('CaffePreprocessing');
    expect(Array.from(predictFixed(copy))).toEqual(Array.from(predictFixed(model)));
    copy.dispose();
    model.dispose();
  });
});
