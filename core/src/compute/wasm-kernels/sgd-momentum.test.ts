import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { sgdMomentumUpdate } from '../train-step.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';

const cases = [
  { shape: [3, 3, 5, 7], momentum: 0.9, weightDecay: 5e-4, firstStep: false },
  { shape: [3, 3, 5, 7], momentum: 0.9, weightDecay: 5e-4, firstStep: true },
  { shape: [13], momentum: 0.5, weightDecay: 0, firstStep: false },
  { shape: [1], momentum: 0.9, weightDecay: 0.01, firstStep: false },
  { shape: [2, 3], momentum: 0, weightDecay: 0.01, firstStep: false },
];

/** New weight and new velocity after one {@link sgdMomentumUpdate} (the wasm kernel on wasm, ops on cpu). */
function update(testCase: (typeof cases)[number]): number[][] {
  const weight = tf.variable(tf.randomUniform(testCase.shape, -1, 1, 'float32', 1));
  const gradient = tf.randomUniform(testCase.shape, -1, 1, 'float32', 2);
  const buffer = testCase.firstStep ? undefined : tf.variable(tf.randomUniform(testCase.shape, -1, 1, 'float32', 3));
  const velocity = sgdMomentumUpdate(tf, weight, gradient, buffer, { learningRate: 0.1, momentum: testCase.momentum, weightDecay: testCase.weightDecay });
  const result = [Array.from(weight.dataSync()), velocity === undefined ? [] : Array.from(velocity.dataSync())];
  weight.dispose();
  buffer?.dispose();
  return result;
}

describe('advbench wasm SGD-with-momentum kernel', () => {
  it.each(cases)('matches the composite ops on cpu: $shape, momentum $momentum, decay $weightDecay, first step $firstStep', async (testCase) => {
    registerWasmKernels();
    const { cpu, wasm, leaked } = await onBothBackends(() => update(testCase));
    expect(leaked).toBe(0);
    expect(wasm[1].length).toBe(testCase.momentum === 0 ? 0 : cpu[1].length);
    wasm.forEach((values, index) => expect(relativeError(values, cpu[index])).toBeLessThan(1e-6));
  });
});
