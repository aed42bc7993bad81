import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { derivedFilter, derivedFilterCount, MAXIMUM_DERIVED_FILTERS, releaseDerivedFilters } from './derived-filter-cache.js';
import { callWasmKernel } from './kernel-calls.js';
import { relativeError } from './testing/compare-backends.js';

/** Input gradients of a stride-1 and a stride-2 convolution (both rotated-filter paths) for one filter. */
function inputGradients(x: tf.Tensor4D, filter: tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    const loss = (input: tf.Tensor4D): tf.Scalar => {
      const first = tf.conv2d(input, filter, 1, 'same');
      const second = tf.conv2d(first, filter, 2, 'valid');
      return tf.sum(tf.mul(second, second));
    };
    return [tf.grad(loss)(x).dataSync() as Float32Array];
  });
}

function filterOf(seed: number): tf.Tensor4D {
  return tf.randomUniform([3, 3, 3, 3], -1, 1, 'float32', seed) as tf.Tensor4D;
}

describe('derived filter cache (rotated filters and sub-pixel taps per filter buffer)', () => {
  beforeAll(async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
  });

  it('reuses the derived filters of unchanged weights (PGD) and stays correct when they change', async () => {
    const seeds = [1, 1, 1, 2, 2, 3];
    const wasmResults: Float32Array[][] = [];
    await tf.setBackend('wasm');
    releaseDerivedFilters(tf.backend());
    const x = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    let filter = filterOf(seeds[0]);
    let counts: number[] = [];
    for (let step = 0; step < seeds.length; step += 1) {
      if (step > 0 && seeds[step] !== seeds[step - 1]) {
        filter.dispose();
        filter = filterOf(seeds[step]);
      }
      wasmResults.push(inputGradients(x, filter));
      counts = [...counts, derivedFilterCount(tf.backend())];
    }
    filter.dispose();
    x.dispose();
    // Same weights: no new derived tensors; new weights: the old ones are replaced, not added.
    // (With WebAssembly SIMD the stride-2 gradient is gathered directly, so only the stride-1 rotation is cached.)
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
    expect(counts[5]).toBe(counts[0]);
    await tf.setBackend('cpu');
    const xCpu = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    for (let step = 0; step < seeds.length; step += 1) {
      const filterCpu = filterOf(seeds[step]);
      const [expected] = inputGradients(xCpu, filterCpu);
      filterCpu.dispose();
      expect(relativeError(wasmResults[step][0], expected)).toBeLessThan(1e-4);
    }
    xCpu.dispose();
    await tf.setBackend('wasm');
  });

  it('does not leak when the weights change every step (training)', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const usage = (): number[] => [tf.backend().numDataIds(), tf.memory().numTensors, tf.memory().numBytes, derivedFilterCount(tf.backend())];
    let filter = filterOf(100);
    inputGradients(x, filter);
    const first = usage();
    for (let step = 0; step < 25; step += 1) {
      const next = tf.tidy(() => tf.add(filter, tf.scalar(0.01 * step))) as tf.Tensor4D;
      filter.dispose();
      filter = next;
      inputGradients(x, filter);
      expect(usage()).toEqual(first);
    }
    filter.dispose();
    x.dispose();
  });

  it('keys by the source shape too (a reshape shares the buffer) and stays bounded', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    releaseDerivedFilters(backend);
    const buffers = backend.numDataIds();
    const source = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    const reshaped = tf.reshape(source, [2, 3]);
    const negate = (info: tf.TensorInfo) => () => callWasmKernel(backend, 'Neg', { x: info });
    const fromSource = derivedFilter(backend, source, 'negated', negate(source));
    const fromReshaped = derivedFilter(backend, reshaped, 'negated', negate(reshaped));
    expect(fromReshaped.shape).toEqual([2, 3]);
    expect(fromSource.shape).toEqual([6]);
    expect(derivedFilter(backend, source, 'negated', negate(source))).toBe(fromSource);
    expect(derivedFilterCount(backend)).toBe(2);
    const many = Array.from({ length: MAXIMUM_DERIVED_FILTERS + 10 }, (_, index) => tf.scalar(index));
    for (const tensor of many) {
      derivedFilter(backend, tensor, 'negated', negate(tensor));
    }
    expect(derivedFilterCount(backend)).toBe(MAXIMUM_DERIVED_FILTERS);
    tf.dispose([source, reshaped, ...many]);
    releaseDerivedFilters(backend);
    expect(derivedFilterCount(backend)).toBe(0);
    expect(backend.numDataIds()).toBe(buffers);
  });
});
