import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADVBENCH_MOVING_AVERAGES } from './advbench-kernel-names.js';
import { assertFloatInputs, assertSize } from './float-inputs.js';
import { loadSimdKernels } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** Attributes of {@link ADVBENCH_MOVING_AVERAGES}. */
export interface MovingAveragesAttrs {
  /** Weight of the old moving value (tfjs-layers' BatchNormalization `momentum`). */
  momentum: number;
}

/**
 * Both moving-average updates of a batch-norm layer in one kernel, exactly as tfjs-layers computes them in
 * float32: `moving - (moving - batch) * (1 - momentum)` for the mean and for the variance. Inputs movingMean,
 * movingVariance, mean, variance (same size); outputs [new moving mean, new moving variance].
 */
export function createMovingAveragesKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const inputs = args.inputs as { movingMean: TensorInfo; movingVariance: TensorInfo; mean: TensorInfo; variance: TensorInfo };
    const { movingMean, movingVariance, mean, variance } = inputs;
    const { momentum } = args.attrs as unknown as MovingAveragesAttrs;
    assertFloatInputs(ADVBENCH_MOVING_AVERAGES, { ...inputs });
    const count = util.sizeFromShape(movingMean.shape);
    for (const [name, info] of Object.entries({ movingVariance, mean, variance })) {
      assertSize(ADVBENCH_MOVING_AVERAGES, name, info, count);
    }
    const newMean = backend.makeOutput(movingMean.shape, 'float32');
    const newVariance = backend.makeOutput(movingVariance.shape, 'float32');
    if (count > 0) {
      const simd = loadSimdKernels(backend.wasm);
      simd.movingAverage(heapOffset(backend, movingMean), heapOffset(backend, mean), count, momentum, heapOffset(backend, newMean));
      simd.movingAverage(heapOffset(backend, movingVariance), heapOffset(backend, variance), count, momentum, heapOffset(backend, newVariance));
    }
    return [newMean, newVariance];
  };
  return { kernelName: ADVBENCH_MOVING_AVERAGES, backendName: 'wasm', kernelFunc };
}
