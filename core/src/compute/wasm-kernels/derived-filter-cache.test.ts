import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { derivedFilter, derivedFilterCount, MAXIMUM_DERIVED_FILTERS, releaseDerivedFilters } from './derived-filter-cache.js';
import { callWasmKernel } from './kernel-calls.js';
import { rotatedFilterInputGradient } from './rotated-filter-input-gradient.js';
import { subPixelInputGradient } from './sub-pixel-input-gradient.js';
import { relativeError } from './testing/compare-backends.js';

const INPUT_SHAPE: [number, number, number, number] = [2, 9, 9, 3];

/**
 * Input gradients of a 3x3 convolution of INPUT_SHAPE, stride 1 'same' and stride 2 'valid': on wasm by the two
 * paths that cache derived filters (the rotated filter with XNNPACK, the sub-pixel phases), elsewhere by
 * tf.conv2dTranspose.
 */
function inputGradients(filter: tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    const dySame = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const dyStrided = tf.randomUniform([2, 4, 4, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
    if (tf.getBackend() !== 'wasm') {
      return [tf.conv2dTranspose(dySame, filter, INPUT_SHAPE, 1, 'same'), tf.conv2dTranspose(dyStrided, filter, INPUT_SHAPE, 2, 'valid')]
        .map((dx) => dx.dataSync() as Float32Array);
    }
    const backend = tf.backend();
    const same = rotatedFilterInputGradient(backend, dySame, filter, { inputShape: INPUT_SHAPE, filterHeight: 3, filterWidth: 3, padTop: 1, padLeft: 1 });
    const strided = subPixelInputGradient(backend, dyStrided, filter, {
      inputShape: INPUT_SHAPE, strideHeight: 2, strideWidth: 2, filterHeight: 3, filterWidth: 3, padTop: 0, padLeft: 0,
    });
    return [same, strided].map((info) => tf.engine().makeTensorFromTensorInfo(info).dataSync() as Float32Array);
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
    let filter = filterOf(seeds[0]);
    let counts: number[] = [];
    for (let step = 0; step < seeds.length; step += 1) {
      if (step > 0 && seeds[step] !== seeds[step - 1]) {
        filter.dispose();
        filter = filterOf(seeds[step]);
      }
      wasmResults.push(inputGradients(filter));
      counts = [...counts, derivedFilterCount(tf.backend())];
    }
    filter.dispose();
    // Same weights: no new derived tensors; new weights: the old ones are replaced, not added.
    // The rotation and the taps of the four sub-pixel phases.
    expect(counts[0]).toBe(5);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
    expect(counts[5]).toBe(counts[0]);
    await tf.setBackend('cpu');
    for (let step = 0; step < seeds.length; step += 1) {
      const filterCpu = filterOf(seeds[step]);
      const expected = inputGradients(filterCpu);
      filterCpu.dispose();
      expected.forEach((values, path) => expect(relativeError(wasmResults[step][path], values)).toBeLessThan(1e-4));
    }
    await tf.setBackend('wasm');
  });

  it('does not leak when the weights change every step (training)', async () => {
    await tf.setBackend('wasm');
    const usage = (): number[] => [tf.backend().numDataIds(), tf.memory().numTensors, tf.memory().numBytes, derivedFilterCount(tf.backend())];
    let filter = filterOf(100);
    inputGradients(filter);
    const first = usage();
    for (let step = 0; step < 25; step += 1) {
      const next = tf.tidy(() => tf.add(filter, tf.scalar(0.01 * step))) as tf.Tensor4D;
      filter.dispose();
      filter = next;
      inputGradients(filter);
      expect(usage()).toEqual(first);
    }
    filter.dispose();
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
