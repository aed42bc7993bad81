import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { isAdvbenchError } from '../../plugin-api/index.js';
import { countTrainableParameters } from '../count-parameters.js';
import { IMAGENET_MEAN, IMAGENET_STD, imagenetNormalization } from './imagenet-normalization-layer.js';
import { buildTorchvisionResnet, TORCHVISION_RESNETS, type TorchvisionResnetName } from './torchvision-resnet.js';

describe('torchvision-layout ResNets', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it("have torchvision's parameter counts (sum of model.parameters(), batch-norm statistics aside) with a 1000-class head", () => {
    // From torchvision 0.14 (Debian's python3-torchvision): sum(p.numel() for p in model.parameters()).
    const expected: Record<TorchvisionResnetName, number> = {
      'tv-resnet18': 11_689_512,
      'tv-resnet34': 21_797_672,
      'tv-resnet50': 25_557_032,
      'tv-resnet101': 44_549_160,
      'tv-resnet152': 60_192_808,
      'tv-wide-resnet50-2': 68_883_240,
    };
    for (const name of Object.keys(TORCHVISION_RESNETS) as TorchvisionResnetName[]) {
      const model = buildTorchvisionResnet(name, { inputShape: [224, 224, 3], classes: 1000, seed: 0, initialization: 'zeros' });
      expect(countTrainableParameters(model), name).toBe(expected[name]);
      expect(model.name).toBe(name);
      model.dispose();
    }
  });

  it('put the stride on the 3x3 convolution (v1.5), pad symmetrically and name layers after the state_dict keys', () => {
    const model = buildTorchvisionResnet('tv-resnet50', { inputShape: [64, 64, 3], classes: 7, seed: 0, initialization: 'zeros' });
    const names = model.layers.map((layer) => layer.name);
    expect(names.slice(0, 8)).toEqual(['input', 'imagenet_normalization', 'conv1_pad', 'conv1', 'bn1', 'relu', 'maxpool_pad', 'maxpool']);
    const strides = (name: string) => (model.getLayer(name).getConfig() as { strides: number[] }).strides;
    expect(strides('layer2_0_conv1')).toEqual([1, 1]);
    expect(strides('layer2_0_conv2')).toEqual([2, 2]);
    expect(strides('layer2_0_downsample_0')).toEqual([2, 2]);
    expect(names).toContain('layer2_0_conv2_pad');
    expect(names).toContain('layer1_0_downsample_1');
    expect(names).not.toContain('layer2_1_downsample_0');
    expect(model.getLayer('layer1_0_conv1').getWeights().map((weight) => weight.shape)).toEqual([[1, 1, 64, 64]]);
    expect((model.getLayer('bn1').getConfig() as { epsilon: number }).epsilon).toBe(1e-5);
    expect(model.outputs[0].shape).toEqual([null, 7]);
    model.dispose();
  });

  it('give basic-block ResNets no projection in layer1 and one in later stages', () => {
    const model = buildTorchvisionResnet('tv-resnet18', { inputShape: [32, 32, 3], classes: 10, seed: 0, initialization: 'zeros' });
    const names = model.layers.map((layer) => layer.name);
    expect(names).not.toContain('layer1_0_downsample_0');
    expect(names).toContain('layer3_0_downsample_0');
    expect(names).not.toContain('layer1_0_conv3');
    model.dispose();
  });

  it('refuse non-RGB and too small inputs with exit-2 errors', () => {
    for (const inputShape of [[64, 64, 1], [16, 16, 3]] as Array<[number, number, number]>) {
      try {
        buildTorchvisionResnet('tv-resnet34', { inputShape, classes: 10, seed: 0 });
        expect.unreachable('should refuse');
      } catch (error) {
        expect(isAdvbenchError(error) && error.exitCode).toBe(2);
        expect((error as Error).message).toContain('tv-resnet34');
      }
    }
  });

  it('normalize [0, 1] RGB with the ImageNet mean and standard deviation', () => {
    const layer = imagenetNormalization();
    const before = tf.memory().numTensors;
    const output = tf.tidy(() => layer.apply(tf.tensor4d([0.5, 0.25, 1], [1, 1, 1, 3])) as tf.Tensor);
    const values = Array.from(output.dataSync());
    output.dispose();
    [0.5, 0.25, 1].forEach((pixel, channel) => expect(values[channel]).toBeCloseTo((pixel - IMAGENET_MEAN[channel]) / IMAGENET_STD[channel], 5));
    expect(tf.memory().numTensors).toBe(before);
  });
});
