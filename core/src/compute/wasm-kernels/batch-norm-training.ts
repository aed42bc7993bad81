import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADVBENCH_BATCH_NORM_TRAINING } from './advbench-kernel-names.js';
import { assertFloatInputs, assertSize } from './float-inputs.js';
import { loadSimdKernels } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset, withScratch } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** Attributes of {@link ADVBENCH_BATCH_NORM_TRAINING}. */
export interface BatchNormTrainingAttrs {
  /** Added to the variance before the square root. */
  epsilon: number;
}

/**
 * Training-mode batch normalisation over every axis but the last, in one kernel on the wasm heap
 * (`advbench_batch_norm_training`): batch mean and biased variance per channel (float64 sums of x and x^2),
 * then `y = (x - mean) * gamma / sqrt(variance + epsilon) + beta`. Inputs x [..., C], gamma [C], beta [C] (rank 1, so that their gradients have their shapes);
 * outputs [y, mean, variance].
 */
export function createBatchNormTrainingKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { x, gamma, beta } = args.inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    const { epsilon } = args.attrs as unknown as BatchNormTrainingAttrs;
    assertFloatInputs(ADVBENCH_BATCH_NORM_TRAINING, { x, gamma, beta });
    if (x.shape.length < 2) {
      throw new Error(`wasm ${ADVBENCH_BATCH_NORM_TRAINING}: x must have rank 2 or more, got [${x.shape.join(', ')}]`);
    }
    const channels = x.shape[x.shape.length - 1];
    if (gamma.shape.length !== 1 || beta.shape.length !== 1) {
      throw new Error(`wasm ${ADVBENCH_BATCH_NORM_TRAINING}: gamma and beta must have shape [${channels}]`);
    }
    assertSize(ADVBENCH_BATCH_NORM_TRAINING, 'gamma', gamma, channels);
    assertSize(ADVBENCH_BATCH_NORM_TRAINING, 'beta', beta, channels);
    const y = backend.makeOutput(x.shape, 'float32');
    const mean = backend.makeOutput([channels], 'float32');
    const variance = backend.makeOutput([channels], 'float32');
    const rows = channels === 0 ? 0 : util.sizeFromShape(x.shape) / channels;
    if (rows > 0) {
      const simd = loadSimdKernels(backend.wasm);
      withScratch(backend, 112 * channels, (scratch) => {
        simd.batchNormTraining(
          heapOffset(backend, x), rows, channels, heapOffset(backend, gamma), heapOffset(backend, beta), epsilon,
          heapOffset(backend, y), heapOffset(backend, mean), heapOffset(backend, variance), scratch,
        );
      });
    } else if (channels > 0) {
      (backend.typedArrayFromHeap(mean) as Float32Array).fill(Number.NaN);
      (backend.typedArrayFromHeap(variance) as Float32Array).fill(Number.NaN);
    }
    return [y, mean, variance];
  };
  return { kernelName: ADVBENCH_BATCH_NORM_TRAINING, backendName: 'wasm', kernelFunc };
}
