import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { callWasmKernel, releaseTensorInfo, transposeInfo } from './kernel-calls.js';
import { derivedFilter } from './derived-filter-cache.js';

/**
 * The filter [kh, kw, Ci, Co] reversed in both spatial axes with its channels swapped ([kh, kw, Co, Ci]): the
 * filter of the forward convolution that computes a stride-1 convolution's input gradient. Cached per filter
 * buffer ({@link derivedFilter}): the cache owns the result, callers must not release it.
 */
export function rotatedFilter(backend: KernelBackend, filter: TensorInfo): TensorInfo {
  return derivedFilter(backend, filter, 'rotated', () => {
    const reversed = callWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const rotated = transposeInfo(backend, reversed, [0, 1, 3, 2]);
    releaseTensorInfo(backend, reversed);
    return rotated;
  });
}
