import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { relativeError } from './testing/compare-backends.js';
import { randomValues, type ConvolutionCase, type ConvolutionPadding } from './testing/convolution-cases.js';
import { xnnpackFilterGradient } from './conv2d-backprop-filter.js';
import { subPixelInputGradient } from './sub-pixel-input-gradient.js';

type Case = ConvolutionCase;

const cases: Case[] = [];
for (const strides of [[1, 1], [2, 2], [2, 1]] as Array<[number, number]>) {
  for (const pad of ['same', 'valid', 1] as ConvolutionPadding[]) {
    cases.push({ name: `3x3 s${strides} ${pad}`, x: [3, 7, 9, 3], filter: [3, 3, 3, 5], strides, pad });
    cases.push({ name: `1x1 s${strides} ${pad}`, x: [2, 8, 5, 4], filter: [1, 1, 4, 6], strides, pad: pad === 1 ? 0 : pad });
    cases.push({ name: `2x4 s${strides} ${pad}`, x: [2, 9, 10, 1], filter: [2, 4, 1, 3], strides, pad });
  }
}
cases.push({ name: '3x3 s3 same 11x11', x: [1, 11, 11, 2], filter: [3, 3, 2, 2], strides: [3, 3], pad: 'same' });
cases.push({ name: '5x5 s2 same', x: [2, 13, 12, 3], filter: [5, 5, 3, 4], strides: [2, 2], pad: 'same' });
// Sub-pixel input gradient: bench-resnet's shapes (1-pixel pad then 'valid', 1x1 projections), odd and even sizes,
// phases without taps, phases of unequal sizes, explicit asymmetric padding, batch 1.
cases.push({ name: 'bench conv1 3x3 s2 valid 10x10', x: [2, 10, 10, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' });
cases.push({ name: 'bench conv1 3x3 s2 valid 9x9', x: [1, 9, 9, 2], filter: [3, 3, 2, 3], strides: [2, 2], pad: 'valid' });
cases.push({ name: 'bench shortcut 1x1 s2 valid 8x8', x: [2, 8, 8, 4], filter: [1, 1, 4, 6], strides: [2, 2], pad: 'valid' });
cases.push({ name: '1x1 s2 same 7x7 batch 1', x: [1, 7, 7, 2], filter: [1, 1, 2, 3], strides: [2, 2], pad: 'same' });
cases.push({ name: '1x1 s3 valid 8x7', x: [2, 8, 7, 3], filter: [1, 1, 3, 2], strides: [3, 3], pad: 'valid' });
cases.push({ name: '2x2 s2 valid 8x8', x: [2, 8, 8, 3], filter: [2, 2, 3, 5], strides: [2, 2], pad: 'valid' });
cases.push({ name: '3x3 s1x2 same 6x9', x: [2, 6, 9, 3], filter: [3, 3, 3, 2], strides: [1, 2], pad: 'same' });
cases.push({ name: '3x2 s2x3 explicit 11x10', x: [1, 11, 10, 2], filter: [3, 2, 2, 3], strides: [2, 3], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] });
cases.push({ name: '3x3 s2 explicit 1,0 8x8', x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: [[0, 0], [1, 0], [1, 0], [0, 0]] });
cases.push({ name: '1x1 s2 valid 10x6 batch 1', x: [1, 10, 6, 5], filter: [1, 1, 5, 3], strides: [2, 2], pad: 'valid' });
cases.push({ name: '1x1 s2x3 valid 8x9', x: [2, 8, 9, 3], filter: [1, 1, 3, 4], strides: [2, 3], pad: 'valid' });
cases.push({ name: '1x1 s2 explicit bottom 8x8', x: [2, 8, 8, 3], filter: [1, 1, 3, 2], strides: [2, 2], pad: [[0, 0], [0, 1], [0, 1], [0, 0]] });
cases.push({ name: '5x5 s4 same 9x10', x: [1, 9, 10, 2], filter: [5, 5, 2, 3], strides: [4, 4], pad: 'same' });
cases.push({ name: '3x3 s1 same, 11 -> 14 channels (every SIMD tile of the filter gradient)', x: [2, 6, 7, 11], filter: [3, 3, 11, 14], strides: [1, 1], pad: 'same' });
cases.push({ name: '3x3 s2 explicit 1, 8 -> 16 channels', x: [2, 9, 9, 8], filter: [3, 3, 8, 16], strides: [2, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] });


function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs both gradient kernels on the current backend and returns their values. */
function gradients(testCase: Case, seed: number): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(size(testCase.x), seed), testCase.x);
    const filter = tf.tensor4d(randomValues(size(testCase.filter), seed + 1), testCase.filter);
    // Shape only: the stock wasm forward Conv2D itself crashes for unequal strides with a numeric padding.
    const outShape = tf.backend_util.computeConv2DInfo(testCase.x, testCase.filter, testCase.strides, 1, testCase.pad).outShape;
    const dy = tf.tensor4d(randomValues(size(outShape), seed + 2), outShape);
    const dx = tf.conv2dTranspose(dy, filter, testCase.x, testCase.strides, testCase.pad);
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      strides: testCase.strides, pad: testCase.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: testCase.filter,
    }) as tf.Tensor;
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}


describe('advbench wasm convolution gradient kernels', () => {
  beforeAll(async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
  });

  it.each(cases)('match the cpu backend: $name', async (testCase) => {
    await tf.setBackend('cpu');
    const expected = gradients(testCase, 11);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = gradients(testCase, 11);
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(actual.dx, expected.dx)).toBeLessThan(1e-4);
    expect(relativeError(actual.dw, expected.dw)).toBeLessThan(1e-4);
  });

  it.each(cases)('the XNNPACK filter-gradient formulation (engines without SIMD) matches the cpu backend too: $name', async (testCase) => {
    await tf.setBackend('cpu');
    const expected = gradients(testCase, 13).dw;
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = tf.tidy(() => {
      const x = tf.tensor4d(randomValues(size(testCase.x), 13), testCase.x);
      const info = tf.backend_util.computeConv2DInfo(testCase.x, testCase.filter, testCase.strides, 1, testCase.pad);
      const dy = tf.tensor4d(randomValues(size(info.outShape), 15), info.outShape);
      const dw = xnnpackFilterGradient(tf.backend(), x, dy, info);
      return tf.engine().makeTensorFromTensorInfo(dw).dataSync() as Float32Array;
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(actual, expected)).toBeLessThan(1e-4);
  });

  it.each(cases.filter((testCase) => testCase.strides.some((stride) => stride > 1)))(
    'the sub-pixel input-gradient formulation (engines without SIMD) matches the cpu backend too: $name',
    async (testCase) => {
      const info = tf.backend_util.computeConv2DInfo(testCase.x, testCase.filter, testCase.strides, 1, testCase.pad);
      const dyValues = randomValues(size(info.outShape), 17);
      const filterValues = randomValues(size(testCase.filter), 18);
      await tf.setBackend('cpu');
      const expected = tf.tidy(() => tf.conv2dTranspose(tf.tensor4d(dyValues, info.outShape), tf.tensor4d(filterValues, testCase.filter), testCase.x, testCase.strides, testCase.pad).dataSync() as Float32Array);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const actual = tf.tidy(() => {
        const dy = tf.tensor4d(dyValues, info.outShape);
        const filter = tf.tensor4d(filterValues, testCase.filter);
        const dx = subPixelInputGradient(tf.backend(), dy, filter, {
          inputShape: testCase.x, strideHeight: info.strideHeight, strideWidth: info.strideWidth, filterHeight: info.filterHeight,
          filterWidth: info.filterWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
        });
        return tf.engine().makeTensorFromTensorInfo(dx).dataSync() as Float32Array;
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(relativeError(actual, expected)).toBeLessThan(1e-4);
    },
  );

  it('registers its kernels and leaves no wasm buffers behind', async () => {
    expect(registerWasmKernels()).toEqual(expect.arrayContaining(['Conv2DBackpropInput', 'Conv2DBackpropFilter', 'Slice', 'FusedBatchNorm', 'Sum', 'Mean']));
    await tf.setBackend('wasm');
    const testCase = cases[3];
    gradients(testCase, 5);
    const buffers = tf.backend().numDataIds();
    for (let repeat = 0; repeat < 5; repeat += 1) {
      gradients(testCase, 5);
    }
    expect(tf.backend().numDataIds()).toBe(buffers);
  });
});
