import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildBenchResnet, countTrainableParameters } from './bench-resnet.js';

/** `params` printed by shared/peer/torch_bench.py (PyTorch 1.13) for `--width 8` and `--width 16 --size 32 --channels 3`. */
const PEER_W8 = 19_714;
const PEER_W16 = 77_850;

const settings = [
  { width: 8, inputShape: [28, 28, 1] as [number, number, number] },
  { width: 16, inputShape: [32, 32, 3] as [number, number, number] },
  { width: 3, inputShape: [9, 7, 2] as [number, number, number] },
];

/** The peer's count, computed from its definition: convs without bias, BN gamma+beta, a dense with bias. */
function torchCount(width: number, channels: number, classes: number): number {
  const conv = (cin: number, cout: number, k: number) => cin * cout * k * k;
  const bn = (c: number) => 2 * c;
  let total = conv(channels, width, 3) + bn(width);
  const blocks: Array<[number, number, number]> = [[width, width, 1], [width, 2 * width, 2], [2 * width, 4 * width, 2]];
  for (const [cin, cout, stride] of blocks) {
    total += conv(cin, cout, 3) + bn(cout) + conv(cout, cout, 3) + bn(cout) + (stride !== 1 ? conv(cin, cout, 1) : 0);
  }
  return total + 4 * width * classes + classes;
}

describe('buildBenchResnet', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(settings)('has the PyTorch peer parameter count (width $width, $inputShape)', ({ width, inputShape }) => {
    const model = buildBenchResnet({ width, inputShape, classes: 10 });
    expect(countTrainableParameters(model)).toBe(torchCount(width, inputShape[2], 10));
    model.dispose();
  });

  it('matches the counts the peer printed (19,714 for w8 28x28x1; 77,850 for w16 32x32x3)', () => {
    const small = buildBenchResnet({ width: 8, inputShape: [28, 28, 1], classes: 10 });
    const large = buildBenchResnet({ width: 16, inputShape: [32, 32, 3], classes: 10 });
    expect(countTrainableParameters(small)).toBe(PEER_W8);
    expect(countTrainableParameters(large)).toBe(PEER_W16);
    small.dispose();
    large.dispose();
  });

  it('has the peer output sizes, stable layer names and logits out, odd sizes included', () => {
    const model = buildBenchResnet({ width: 4, inputShape: [7, 9, 2], classes: 3, seed: 1 });
    expect(model.getLayer('block2_conv1').outputShape).toEqual([null, 4, 5, 8]);
    expect(model.getLayer('block2_shortcut').outputShape).toEqual([null, 4, 5, 8]);
    expect(model.getLayer('block3_conv1').outputShape).toEqual([null, 2, 3, 16]);
    expect(model.getLayer('logits').outputShape).toEqual([null, 3]);
    expect(model.layers.map((layer) => layer.name)).toContain('stem_bn');
    const bn = model.getLayer('stem_bn').getConfig();
    expect(bn.momentum).toBeCloseTo(0.9);
    expect(bn.epsilon).toBeCloseTo(1e-5);
    model.dispose();
  });

  it('is reproducible from its seed and differs across seeds', () => {
    const first = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 3 });
    const again = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 3 });
    const other = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 4 });
    const values = (model: typeof first) => Array.from(model.getLayer('stem_conv').getWeights()[0].dataSync());
    expect(values(again)).toEqual(values(first));
    expect(values(other)).not.toEqual(values(first));
    for (const model of [first, again, other]) model.dispose();
  });

  it('rejects bad options with input errors', () => {
    expect(() => buildBenchResnet({ width: 0, inputShape: [8, 8, 1], classes: 10 })).toThrow(/width/);
    expect(() => buildBenchResnet({ width: 2, inputShape: [2, 8, 1], classes: 10 })).toThrow(/input shape/);
    expect(() => buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 1 })).toThrow(/classes/);
  });
});
