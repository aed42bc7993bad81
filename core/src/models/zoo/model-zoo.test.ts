import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { countParameters } from '../count-parameters.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { buildModel, listModels } from './model-zoo.js';

/** bench-resnet's scalar weights from its definition: bias-free convs, 4 numbers per BN channel, a dense head. */
function benchResnetParameters(width: number, channels: number, classes: number): number {
  const conv = (input: number, output: number, kernel: number) => input * output * kernel * kernel;
  let total = conv(channels, width, 3) + 4 * width;
  for (const [input, output, stride] of [[width, width, 1], [width, 2 * width, 2], [2 * width, 4 * width, 2]]) {
    total += conv(input, output, 3) + 4 * output + conv(output, output, 3) + 4 * output + (stride === 1 ? 0 : conv(input, output, 1));
  }
  return total + 4 * width * classes + classes;
}

describe('model zoo', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('lists the architectures', () => {
    expect(listModels().map((entry) => entry.name)).toEqual(['bench-resnet', 'resnet8', 'resnet20', 'resnet50', 'resnet101', 'resnet152',
      'tv-resnet18', 'tv-resnet34', 'tv-resnet50', 'tv-resnet101', 'tv-resnet152', 'tv-wide-resnet50-2']);
    for (const entry of listModels()) expect(entry.description.length).toBeGreaterThan(10);
  });

  it('builds bench-resnet (width 8) and resnet8 (width 16) with the parameter counts of their definition', () => {
    const bench = buildModel('bench-resnet', { inputShape: [28, 28, 1], classes: 10, seed: 1 });
    expect(countParameters(bench)).toBe(benchResnetParameters(8, 1, 10));
    const resnet8 = buildModel('resnet8', { inputShape: [32, 32, 3], classes: 10, seed: 1 });
    expect(countParameters(resnet8)).toBe(benchResnetParameters(16, 3, 10));
    expect(resnet8.name).toBe('resnet8');
    bench.dispose();
    resnet8.dispose();
  });

  it('builds every small model with logits out on its default input, leaking nothing', () => {
    for (const name of ['bench-resnet', 'resnet8', 'resnet20']) {
      const entry = listModels().find((candidate) => candidate.name === name)!;
      const model = buildModel(name, { inputShape: entry.defaultInputShape, classes: 10, seed: 2 });
      const before = tf.memory().numTensors;
      const shape = tf.tidy(() => (model.predict(tf.zeros([1, ...entry.defaultInputShape])) as tf.Tensor).shape);
      expect(shape).toEqual([1, 10]);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });

  it('refuses unknown names (listing the known ones) and bad options', async () => {
    await expectInputError(() => buildModel('resnet18', { inputShape: [32, 32, 3], classes: 10, seed: 0 }), 'unknown model "resnet18"', 'resnet20', 'resnet152');
    await expectInputError(() => buildModel('resnet20', { inputShape: [32, 32] as unknown as [number, number, number], classes: 10, seed: 0 }), 'input shape');
    await expectInputError(() => buildModel('resnet20', { inputShape: [32, 32, 3], classes: 2.5, seed: 0 }), 'classes');
    await expectInputError(() => buildModel('resnet50', { inputShape: [224, 224, 1], classes: 10, seed: 0 }), '3 channels');
  });
});
