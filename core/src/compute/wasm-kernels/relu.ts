import { Relu, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { loadPointwiseKernels } from '../wasm-simd/pointwise-kernels.js';
import { heapOffset } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * Relu for the wasm backend: float32 tensors in one SIMD pass (`advbench_relu`, y = max(x, 0), NaN kept); other dtypes
 * go to `fallback` (the stock kernel).
 */
export function createReluKernel(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') {
      if (fallback === undefined) {
        throw new Error(`wasm Relu: dtype ${x.dtype} is not supported`);
      }
      return fallback(args);
    }
    const count = util.sizeFromShape(x.shape);
    const y = backend.makeOutput(x.shape, 'float32');
    if (count > 0) {
      loadPointwiseKernels(backend.wasm).relu(heapOffset(backend, x), count, heapOffset(backend, y));
    }
    return y;
  };
  return { kernelName: Relu, backendName: 'wasm', kernelFunc };
}
