import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { countParameters } from '../count-parameters.js';
import { buildCifarResnet } from './cifar-resnet.js';

/** Parameters of a CIFAR ResNet from its shape, counted by hand (bias-free convolutions, 4 numbers per BN channel). */
function expectedParameters(width: number, blocks: number, channelsIn: number, classes: number): number {
  const batchNorm = (channels: number) => 4 * channels;
  let total = 9 * channelsIn * width + batchNorm(width);
  let channels = width;
  for (let stage = 0; stage < 3; stage += 1) {
    const filters = width * 2 ** stage;
    for (let block = 0; block < blocks; block += 1) {
      total += 9 * channels * filters + batchNorm(filters) + 9 * filters * filters + batchNorm(filters);
      if (channels !== filters) total += channels * filters + batchNorm(filters);
      channels = filters;
    }
  }
  return total + channels * classes + classes;
}

describe('CIFAR-style ResNets', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('ResNet-20 has the He et al. structure and ~0.27M parameters', () => {
    const model = buildCifarResnet({ name: 'resnet20', width: 16, blocksPerStage: 3 }, { inputShape: [32, 32, 3], classes: 10, seed: 1 });
    expect(countParameters(model)).toBe(expectedParameters(16, 3, 3, 10));
    expect(countParameters(model)).toBe(274_042);
    const convolutions = model.layers.filter((layer) => layer.getClassName() === 'Conv2D' && !layer.name.endsWith('_0_conv'));
    expect(convolutions.length + 1).toBe(20); // 19 weighted 3x3 convolutions + the dense head
    expect(model.getLayer('stage3_block3_2_conv').outputShape).toEqual([null, 8, 8, 64]);
    expect(model.outputs[0].shape).toEqual([null, 10]);
    model.dispose();
  });

  it('A one-block-a-stage variant runs on 28x28 grayscale and 32x32 RGB, outputs logits, leaks nothing', () => {
    for (const inputShape of [[28, 28, 1], [32, 32, 3]] as Array<[number, number, number]>) {
      const model = buildCifarResnet({ name: 'cifar-resnet8', width: 16, blocksPerStage: 1 }, { inputShape, classes: 7, seed: 3 });
      expect(countParameters(model)).toBe(expectedParameters(16, 1, inputShape[2], 7));
      const before = tf.memory().numTensors;
      const logits = tf.tidy(() => model.predict(tf.randomUniform([2, ...inputShape], 0, 1, 'float32', 5)) as tf.Tensor);
      expect(logits.shape).toEqual([2, 7]);
      const sums = tf.tidy(() => tf.sum(logits, 1).arraySync() as number[]);
      expect(sums.some((sum) => Math.abs(sum - 1) > 1e-3)).toBe(true); // not softmax probabilities
      logits.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });

  it('gives the same weights for the same seed (on wasm and cpu) and other weights for another seed', async () => {
    const build = (seed: number) => buildCifarResnet({ name: 'cifar-resnet8', width: 16, blocksPerStage: 1 }, { inputShape: [28, 28, 1], classes: 10, seed });
    const kernel = (model: tf.LayersModel, layer: string) => model.getLayer(layer).getWeights()[0].dataSync().slice();
    const first = build(42);
    const second = build(42);
    const other = build(43);
    expect(kernel(second, 'conv1_conv')).toEqual(kernel(first, 'conv1_conv'));
    expect(kernel(second, 'predictions')).toEqual(kernel(first, 'predictions'));
    expect(kernel(other, 'conv1_conv')).not.toEqual(kernel(first, 'conv1_conv'));
    // Two layers of one build get different draws.
    expect(kernel(first, 'stage1_block1_1_conv')).not.toEqual(kernel(first, 'stage1_block1_2_conv'));
    const onWasm = kernel(first, 'stage3_block1_2_conv');
    await selectBackend('cpu');
    const onCpu = build(42);
    expect(kernel(onCpu, 'stage3_block1_2_conv')).toEqual(onWasm);
    onCpu.dispose();
    await selectBackend('wasm');
    first.dispose();
    second.dispose();
    other.dispose();
  });

  it('zero initialization builds the same structure with zero weights', () => {
    const model = buildCifarResnet({ name: 'cifar-resnet8', width: 16, blocksPerStage: 1 }, { inputShape: [28, 28, 1], classes: 10, seed: 1, initialization: 'zeros' });
    const kernel = model.getLayer('conv1_conv').getWeights()[0];
    expect(Array.from(kernel.dataSync()).every((value) => value === 0)).toBe(true);
    model.dispose();
  });
});
