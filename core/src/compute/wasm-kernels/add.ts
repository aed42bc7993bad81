import { Add, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { loadPointwiseKernels } from '../wasm-simd/pointwise-kernels.js';
import { heapOffset } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** Whether two shapes are equal. */
function sameShape(left: number[], right: number[]): boolean {
  return left.length === right.length && left.every((extent, axis) => extent === right[axis]);
}

/**
 * Add for the wasm backend: two float32 tensors of the same shape (residual sums, gradient accumulations) in one
 * SIMD pass (`advbench_add`); broadcasting and other dtypes go to `fallback` (the stock kernel).
 */
export function createAddKernel(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const count = util.sizeFromShape(a.shape);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !sameShape(a.shape, b.shape) || count === 0) {
      if (fallback === undefined) {
        throw new Error('wasm Add: only float32 tensors of the same shape are supported');
      }
      return fallback(args);
    }
    const y = backend.makeOutput(a.shape, 'float32');
    loadPointwiseKernels(backend.wasm).add(heapOffset(backend, a), heapOffset(backend, b), count, heapOffset(backend, y));
    return y;
  };
  return { kernelName: Add, backendName: 'wasm', kernelFunc };
}
