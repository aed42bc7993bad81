import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { relativeError } from './testing/compare-backends.js';
import { randomValues, type ConvolutionCase } from './testing/convolution-cases.js';
import { simdInputGradient } from './simd-input-gradient.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

type Case = ConvolutionCase;

const cases: Case[] = [
  { name: 'stem 3x3 s1 same, 1 -> 8 channels (dot products)', x: [2, 7, 6, 1], filter: [3, 3, 1, 8], strides: [1, 1], pad: 'same' },
  { name: '3x3 s1 same, 3 -> 5 channels', x: [2, 7, 9, 3], filter: [3, 3, 3, 5], strides: [1, 1], pad: 'same' },
  { name: '3x3 s1 same, 8 -> 8 channels (4x8 tiles and single pixels)', x: [2, 6, 7, 8], filter: [3, 3, 8, 8], strides: [1, 1], pad: 'same' },
  { name: '3x3 s1 same, 14 -> 11 channels (8, 4 and single channels)', x: [1, 6, 9, 14], filter: [3, 3, 14, 11], strides: [1, 1], pad: 'same' },
  { name: '3x3 s2 valid on a padded 10x10 (bench stride-2 blocks)', x: [2, 10, 10, 8], filter: [3, 3, 8, 16], strides: [2, 2], pad: 'valid' },
  { name: '3x3 s2 valid 9x9, odd size', x: [1, 9, 9, 5], filter: [3, 3, 5, 3], strides: [2, 2], pad: 'valid' },
  { name: '3x3 s2 same 8x8', x: [2, 8, 8, 8], filter: [3, 3, 8, 4], strides: [2, 2], pad: 'same' },
  { name: '1x1 s2 valid 8x8 (bench shortcuts)', x: [2, 8, 8, 8], filter: [1, 1, 8, 16], strides: [2, 2], pad: 'valid' },
  { name: '1x1 s3 valid 8x7', x: [2, 8, 7, 3], filter: [1, 1, 3, 2], strides: [3, 3], pad: 'valid' },
  { name: '2x4 s1 valid', x: [2, 9, 10, 4], filter: [2, 4, 4, 3], strides: [1, 1], pad: 'valid' },
  { name: '3x2 s2x3 explicit 11x10', x: [1, 11, 10, 9], filter: [3, 2, 9, 3], strides: [2, 3], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: '5x5 s4 same 9x10', x: [1, 9, 10, 12], filter: [5, 5, 12, 3], strides: [4, 4], pad: 'same' },
  { name: '3x3 s1 same batch 1, 1x1 image', x: [1, 1, 1, 8], filter: [3, 3, 8, 8], strides: [1, 1], pad: 'same' },
];


const size = (shape: number[]): number => tf.util.sizeFromShape(shape);


describe('simdInputGradient (Conv2DBackpropInput gathered in one SIMD pass)', () => {
  beforeAll(() => {
    registerWasmKernels();
  });

  it.each(cases)('matches the cpu backend: $name', async (testCase) => {
    const info = tf.backend_util.computeConv2DInfo(testCase.x, testCase.filter, testCase.strides, 1, testCase.pad);
    const dyValues = randomValues(size(info.outShape), 3);
    const filterValues = randomValues(size(testCase.filter), 4);
    await tf.setBackend('cpu');
    const expected = tf.tidy(() => tf.conv2dTranspose(tf.tensor4d(dyValues, info.outShape), tf.tensor4d(filterValues, testCase.filter), testCase.x, testCase.strides, testCase.pad).dataSync() as Float32Array);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    const actual = tf.tidy(() => {
      const dy = tf.tensor4d(dyValues, info.outShape);
      const filter = tf.tensor4d(filterValues, testCase.filter);
      const dx = simdInputGradient(tf.backend() as WasmBackendInternals, dy, filter, testCase.x, {
        filterHeight: info.filterHeight, filterWidth: info.filterWidth, strideHeight: info.strideHeight, strideWidth: info.strideWidth,
        padTop: info.padInfo.top, padLeft: info.padInfo.left,
      });
      expect(dx).toBeDefined();
      return tf.engine().makeTensorFromTensorInfo(dx!).dataSync() as Float32Array;
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.backend().numDataIds()).toBe(buffers);
    expect(relativeError(actual, expected)).toBeLessThan(1e-4);
  });
});
