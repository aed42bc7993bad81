import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';
import { rotatedFilterInputGradient } from './rotated-filter-input-gradient.js';

type Padding = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

const cases: Array<{ name: string; x: [number, number, number, number]; filter: [number, number, number, number]; pad: Padding }> = [
  { name: '3x3 same, 3 -> 5 channels', x: [2, 7, 6, 3], filter: [3, 3, 3, 5], pad: 'same' },
  { name: '2x4 valid, 1 -> 7 channels', x: [2, 6, 9, 1], filter: [2, 4, 1, 7], pad: 'valid' },
  { name: '1x1 valid, 5 -> 3 channels', x: [1, 4, 5, 5], filter: [1, 1, 5, 3], pad: 'valid' },
  { name: '3x3 single row', x: [3, 1, 8, 7], filter: [3, 3, 7, 2], pad: 'same' },
  { name: '3x3 wider padding than the filter (crops dy)', x: [1, 5, 5, 2], filter: [3, 3, 2, 3], pad: [[0, 0], [3, 1], [0, 4], [0, 0]] },
];

describe('stride-1 input gradient by the rotated filter and XNNPACK', () => {
  it.each(cases)('matches conv2dTranspose on the cpu backend: $name', async ({ x, filter, pad }) => {
    registerWasmKernels();
    const info = tf.backend_util.computeConv2DInfo(x, filter, 1, 1, pad);
    const { cpu, wasm, leaked } = await onBothBackends(() => {
      const dy = tf.randomUniform(info.outShape, -1, 1, 'float32', 1) as tf.Tensor4D;
      const weights = tf.randomUniform(filter, -1, 1, 'float32', 2) as tf.Tensor4D;
      if (tf.getBackend() !== 'wasm') {
        return Array.from(tf.conv2dTranspose(dy, weights, x, 1, pad).dataSync());
      }
      const dx = rotatedFilterInputGradient(tf.backend(), dy, weights, {
        inputShape: x, filterHeight: filter[0], filterWidth: filter[1], padTop: info.padInfo.top, padLeft: info.padInfo.left,
      });
      return Array.from(tf.engine().makeTensorFromTensorInfo(dx).dataSync());
    });
    expect(leaked).toBe(0);
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-4);
  });
});
