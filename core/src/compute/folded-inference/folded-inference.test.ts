import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel, Tensor1D, Tensor4D } from '../../plugin-api/index.js';
import { buildBenchResnet } from '../../models/zoo/bench-resnet.js';
import { buildModel } from '../../models/zoo/model-zoo.js';
import { createRandom } from '../../random/seeded-random.js';
import { selectBackend } from '../select-backend.js';
import { createInputGradient } from '../input-gradient.js';
import { relativeError } from '../wasm-kernels/testing/compare-backends.js';
import { planInference } from './inference-plan.js';
import { MAXIMUM_FOLDED_WEIGHTS, setFoldedInference } from './use-folded-inference.js';

/** Batch-norm statistics and affine weights away from their initial 0/1, so that folding has something to fold. */
function perturbBatchNorms(model: LayersModel, seed: number): void {
  const rng = createRandom(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') {
      continue;
    }
    const weights = layer.getWeights().map((weight, index) => {
      const values = Float32Array.from({ length: weight.size }, () => (index === 3 ? 0.5 + rng.next() : 2 * rng.next() - 1));
      return tf.tensor(values, weight.shape);
    });
    layer.setWeights(weights);
    tf.dispose(weights);
  }
}

function batch(shape: [number, number, number], seed: number): { x: Tensor4D; y: Tensor1D } {
  const rng = createRandom(seed);
  const x = tf.tensor4d(Float32Array.from({ length: 4 * shape[0] * shape[1] * shape[2] }, () => rng.next()), [4, ...shape]);
  return { x, y: tf.tensor1d([0, 3, 5, 9], 'int32') as Tensor1D };
}

/** Logits and input gradient of `build()` on the active backend. */
function outputsOf(build: () => LayersModel, shape: [number, number, number]): { logits: Float32Array; gradient: Float32Array } {
  const model = build();
  perturbBatchNorms(model, 7);
  const { x, y } = batch(shape, 5);
  const logits = tf.tidy(() => (model.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array);
  const gradient = createInputGradient(tf, model)(x, y);
  const gradientValues = gradient.dataSync() as Float32Array;
  tf.dispose([gradient, x, y]);
  model.dispose();
  return { logits, gradient: gradientValues };
}

const models: Array<{ name: string; shape: [number, number, number]; build: () => LayersModel }> = [
  { name: 'bench-resnet (stride-2 blocks with explicit zero padding)', shape: [10, 10, 2], build: () => buildBenchResnet({ width: 3, inputShape: [10, 10, 2], classes: 10, seed: 2 }) },
  { name: 'resnet8 (same-padded strided convolutions)', shape: [12, 12, 3], build: () => buildModel('resnet8', { inputShape: [12, 12, 3], classes: 10, seed: 3 }) },
];

describe('folded inference (wasm)', () => {
  it.each(models)('gives the logits and input gradient of the cpu backend: $name', async ({ shape, build }) => {
    await selectBackend('cpu');
    const expected = outputsOf(build, shape);
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = outputsOf(build, shape);
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(actual.logits, expected.logits)).toBeLessThan(1e-4);
    expect(relativeError(actual.gradient, expected.gradient)).toBeLessThan(1e-4);
  });

  it('runs one kernel per convolution with its batch norm, ReLU and padding, and no filter or batch-norm gradient', async () => {
    await selectBackend('wasm');
    const model = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 1 });
    const { x, y } = batch([8, 8, 1], 1);
    const gradientOf = createInputGradient(tf, model);
    const kernelsOf = async (): Promise<string[]> => (await tf.profile(() => gradientOf(x, y).dispose())).kernels.map((kernel) => kernel.name);
    const folded = await kernelsOf();
    setFoldedInference(false);
    const unfolded = await kernelsOf();
    setFoldedInference(true);
    for (const name of ['FusedBatchNorm', 'AdvbenchBatchNormInputGrad', 'PadV2', 'AdvbenchCropImages', 'Conv2DBackpropFilter', 'Conv2D']) {
      expect(folded).not.toContain(name);
    }
    expect(folded.filter((name) => name === 'FusedConv2D')).toHaveLength(9);
    expect(unfolded).toContain('FusedBatchNorm');
    expect(folded.length).toBeLessThan(0.7 * unfolded.length);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('follows weight updates and leaves no tensor behind over repeated calls', async () => {
    await selectBackend('wasm');
    const model = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 4 });
    const { x } = batch([8, 8, 1], 2);
    const logitsOf = (folded: boolean): Float32Array => {
      setFoldedInference(folded);
      const values = tf.tidy(() => (model.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array);
      setFoldedInference(true);
      return values;
    };
    const first = logitsOf(true);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) {
      logitsOf(true);
    }
    expect(tf.memory().numTensors).toBe(before);
    perturbBatchNorms(model, 11);
    const updated = logitsOf(true);
    expect(relativeError(updated, first)).toBeGreaterThan(1e-2);
    expect(relativeError(updated, logitsOf(false))).toBeLessThan(1e-5);
    tf.dispose(x);
    model.dispose();
  });

  it('keeps tfjs-layers execution where folding does not apply', async () => {
    await selectBackend('wasm');
    // Two inputs: no plan.
    const left = tfl.input({ shape: [4, 4, 1] });
    const right = tfl.input({ shape: [4, 4, 1] });
    const sum = tfl.layers.add().apply([left, right]) as tfl.SymbolicTensor;
    expect(planInference(tfl.model({ inputs: [left, right], outputs: sum }))).toBeUndefined();
    // A convolution read by both a batch norm and the sum: the batch norm is not folded into it.
    const input = tfl.input({ shape: [6, 6, 2] });
    const convolution = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tfl.SymbolicTensor;
    const normalized = tfl.layers.batchNormalization().apply(convolution) as tfl.SymbolicTensor;
    const output = tfl.layers.add().apply([normalized, convolution]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    perturbBatchNorms(model, 3);
    const plan = planInference(model)!;
    expect(plan.steps.map((step) => step.kind)).toEqual(['convolution', 'layer', 'add']);
    const x = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 9);
    const folded = tf.tidy(() => (model.apply(x) as tf.Tensor).dataSync() as Float32Array);
    setFoldedInference(false);
    const unfolded = tf.tidy(() => (model.apply(x) as tf.Tensor).dataSync() as Float32Array);
    setFoldedInference(true);
    expect(relativeError(folded, unfolded)).toBeLessThan(1e-5);
    // Training mode is tfjs-layers' own (batch statistics), not the folded moving averages.
    const training = tf.tidy(() => (model.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array);
    expect(relativeError(training, folded)).toBeGreaterThan(1e-3);
    tf.dispose(x);
    model.dispose();
  });
});

describe('folded inference limits', () => {
  it('leaves models with more convolution weights than MAXIMUM_FOLDED_WEIGHTS to tfjs-layers', async () => {
    await selectBackend('wasm');
    const input = tfl.input({ shape: [1, 1, 6000] });
    // 1 x 1 x 6000 x 5001 = 30.006 M weights, just over the limit (zeros: quick to build).
    expect(6000 * 5001).toBeGreaterThan(MAXIMUM_FOLDED_WEIGHTS);
    const convolution = tfl.layers.conv2d({ filters: 5001, kernelSize: 1, useBias: false, kernelInitializer: 'zeros' }).apply(input) as tfl.SymbolicTensor;
    const output = tfl.layers.batchNormalization().apply(convolution) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    const x = tf.zeros([1, 1, 1, 6000]);
    const profile = await tf.profile(() => tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor).dispose());
    // Not folded: the batch norm runs as its own kernel.
    expect(profile.kernels.map((kernel) => kernel.name)).toContain('FusedBatchNorm');
    tf.dispose(x);
    model.dispose();
  });
});
