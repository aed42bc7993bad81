import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADVBENCH_RELU_GRAD } from './advbench-kernel-names.js';
import { assertFloatInputs, assertSize } from './float-inputs.js';
import { loadSimdKernels } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * The ReLU gradient in one kernel on the wasm heap: dx = dy where x > 0, else 0 (tfjs computes
 * `dy * cast(step(x))`, three kernels). Inputs dy, x (float32, same size); output dx with x's shape.
 */
export function createReluGradKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const inputs = args.inputs as { dy: TensorInfo; x: TensorInfo };
    const { dy, x } = inputs;
    assertFloatInputs(ADVBENCH_RELU_GRAD, { ...inputs });
    const count = util.sizeFromShape(x.shape);
    assertSize(ADVBENCH_RELU_GRAD, 'dy', dy, count);
    const dx = backend.makeOutput(x.shape, 'float32');
    if (count > 0) {
      loadSimdKernels(backend.wasm).reluGrad(heapOffset(backend, dy), heapOffset(backend, x), count, heapOffset(backend, dx));
    }
    return dx;
  };
  return { kernelName: ADVBENCH_RELU_GRAD, backendName: 'wasm', kernelFunc };
}
