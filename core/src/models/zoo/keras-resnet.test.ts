import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { isAdvbenchError } from '../../plugin-api/index.js';
import { countParameters } from '../count-parameters.js';
import { CAFFE_BGR_MEANS, caffePreprocessing } from './caffe-preprocessing-layer.js';
import { buildKerasResnet } from './keras-resnet.js';

describe('Keras-layout ResNets', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('have exactly the Keras applications parameter counts with a 1000-class head', () => {
    const expected = { 50: 25_636_712, 101: 44_707_176, 152: 60_419_944 } as const;
    for (const depth of [50, 101, 152] as const) {
      const model = buildKerasResnet(depth, { inputShape: [224, 224, 3], classes: 1000, seed: 0, initialization: 'zeros' });
      expect(countParameters(model), `resnet${depth}`).toBe(expected[depth]);
      expect(model.name).toBe(`resnet${depth}`);
      model.dispose();
    }
  });

  it('use the Keras layer names, order and batch-norm epsilon, with caffe preprocessing after the input', () => {
    const model = buildKerasResnet(50, { inputShape: [64, 64, 3], classes: 5, seed: 0, initialization: 'zeros' });
    const names = model.layers.map((layer) => layer.name);
    expect(names.slice(0, 14)).toEqual([
      'input', 'caffe_preprocessing', 'conv1_pad', 'conv1_conv', 'conv1_bn', 'conv1_relu', 'pool1_pad', 'pool1_pool',
      'conv2_block1_1_conv', 'conv2_block1_1_bn', 'conv2_block1_1_relu', 'conv2_block1_2_conv', 'conv2_block1_2_bn', 'conv2_block1_2_relu',
    ]);
    expect(names).toContain('conv2_block1_0_conv');
    expect(names).toContain('conv5_block3_out');
    expect(names).not.toContain('conv5_block4_out');
    expect(names.slice(-2)).toEqual(['avg_pool', 'predictions']);
    // Keras ResNet50 has 177 layers; ours adds the preprocessing layer.
    expect(names.length).toBe(178);
    expect((model.getLayer('conv3_block1_0_bn').getConfig() as { epsilon: number }).epsilon).toBe(1.001e-5);
    expect(model.getLayer('conv1_conv').getWeights().map((weight) => weight.shape)).toEqual([[7, 7, 3, 64], [64]]);
    expect((model.getLayer('predictions').getConfig() as { activation: string }).activation).toBe('linear');
    model.dispose();
  });

  it('refuses non-RGB and too small inputs with exit-2 errors', () => {
    for (const inputShape of [[224, 224, 1], [16, 16, 3]] as Array<[number, number, number]>) {
      try {
        buildKerasResnet(101, { inputShape, classes: 10, seed: 0 });
        expect.unreachable('should refuse');
      } catch (error) {
        expect(isAdvbenchError(error) && error.exitCode).toBe(2);
        expect((error as Error).message).toContain('resnet101');
      }
    }
  });

  it('caffe preprocessing maps [0, 1] RGB to BGR x 255 minus the ImageNet means', () => {
    const layer = caffePreprocessing();
    const before = tf.memory().numTensors;
    const output = tf.tidy(() => layer.apply(tf.tensor4d([0.5, 0.25, 1], [1, 1, 1, 3])) as tf.Tensor);
    const values = Array.from(output.dataSync());
    output.dispose();
    expect(values[0]).toBeCloseTo(255 - CAFFE_BGR_MEANS[0], 4);
    expect(values[1]).toBeCloseTo(0.25 * 255 - CAFFE_BGR_MEANS[1], 4);
    expect(values[2]).toBeCloseTo(0.5 * 255 - CAFFE_BGR_MEANS[2], 4);
    expect(tf.memory().numTensors).toBe(before);
  });
});
