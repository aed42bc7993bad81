import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../select-backend.js';
import { loadSimdKernels } from './load-simd-kernels.js';
import { heapOffset } from './wasm-backend-internals.js';
import type { WasmBackendInternals } from './wasm-backend-internals.js';

describe('loadSimdKernels', () => {
  it('runs on the memory of the backend selectBackend picks (shared for the threaded build), once per backend', async () => {
    await selectBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendInternals;
    const kernels = loadSimdKernels(backend.wasm);
    expect(loadSimdKernels(backend.wasm)).toBe(kernels);
    const threads = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
    expect(backend.wasm.HEAPU8.buffer instanceof SharedArrayBuffer).toBe(threads > 1);
    tf.tidy(() => {
      const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7]);
      const x = tf.tensor1d([-1, 0, 2, 3, -4, 5, 0.5]);
      const dx = backend.makeOutput([7], 'float32');
      kernels.reluGrad(heapOffset(backend, dy), heapOffset(backend, x), 7, heapOffset(backend, dx));
      expect(Array.from(backend.typedArrayFromHeap(dx))).toEqual([0, 0, 3, 4, 0, 6, 7]);
      backend.disposeData(dx.dataId);
    });
  });
});
