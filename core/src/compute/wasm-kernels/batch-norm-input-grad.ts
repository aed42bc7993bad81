import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { assertFloatInputs, assertSize } from './float-inputs.js';
import { loadPointwiseKernels } from '../wasm-simd/pointwise-kernels.js';
import { heapOffset, withScratch } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * The input gradient of inference batch normalisation with per-channel statistics (channels last):
 * dy, variance and optionally scale (attr varianceEpsilon) -> dx = dy * scale[c] / sqrt(variance[c] + eps).
 */
export const ADVBENCH_BATCH_NORM_INPUT_GRAD = 'AdvbenchBatchNormInputGrad';

/** The attributes of {@link ADVBENCH_BATCH_NORM_INPUT_GRAD}. */
export interface BatchNormInputGradAttrs {
  varianceEpsilon: number;
}

/**
 * {@link ADVBENCH_BATCH_NORM_INPUT_GRAD} on the wasm heap in one SIMD pass (`advbench_batch_norm_input_grad`),
 * instead of tfjs' rsqrt, add and two broadcast multiplies over the activation. Inputs dy (float32, last axis =
 * channels), variance and optional scale (float32, one value per channel); output dx with dy's shape.
 */
export function createBatchNormInputGradKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const inputs = args.inputs as { dy: TensorInfo; variance: TensorInfo; scale?: TensorInfo | null };
    const { dy, variance, scale } = inputs;
    const { varianceEpsilon } = args.attrs as unknown as BatchNormInputGradAttrs;
    assertFloatInputs(ADVBENCH_BATCH_NORM_INPUT_GRAD, { dy, variance, scale });
    const channels = dy.shape[dy.shape.length - 1] ?? 1;
    assertSize(ADVBENCH_BATCH_NORM_INPUT_GRAD, 'variance', variance, channels);
    if (scale) {
      assertSize(ADVBENCH_BATCH_NORM_INPUT_GRAD, 'scale', scale, channels);
    }
    const count = util.sizeFromShape(dy.shape);
    const dx = backend.makeOutput(dy.shape, 'float32');
    if (count === 0) {
      return dx;
    }
    const kernels = loadPointwiseKernels(backend.wasm);
    withScratch(backend, 16 * channels, (scratch) => {
      kernels.batchNormInputGrad(heapOffset(backend, dy), count / channels, channels, heapOffset(backend, variance),
        scale ? heapOffset(backend, scale) : 0, scale ? 1 : 0, varianceEpsilon, heapOffset(backend, dx), scratch);
    });
    return dx;
  };
  return { kernelName: ADVBENCH_BATCH_NORM_INPUT_GRAD, backendName: 'wasm', kernelFunc };
}
