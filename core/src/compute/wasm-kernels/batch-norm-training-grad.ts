import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADVBENCH_BATCH_NORM_TRAINING_GRAD } from './advbench-kernel-names.js';
import type { BatchNormTrainingAttrs } from './batch-norm-training.js';
import { assertFloatInputs, assertSize } from './float-inputs.js';
import { loadSimdKernels } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset, withScratch } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** Inputs of {@link ADVBENCH_BATCH_NORM_TRAINING_GRAD}. */
interface BatchNormTrainingGradInputs {
  dy: TensorInfo;
  x: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  gamma: TensorInfo;
  dmean?: TensorInfo;
  dvariance?: TensorInfo;
}

/**
 * Backward pass of the training batch normalisation in one kernel on the wasm heap
 * (`advbench_batch_norm_training_grad`), textbook formulas with float64 sums: with xc = x - mean,
 * inv = 1 / sqrt(variance + epsilon), N values per channel: dbeta = sum(dy), dgamma = inv sum(dy xc),
 * dx = gamma inv / N (N dy - sum(dy) - xc inv dgamma), plus dmean / N + 2 dvariance xc / N when the gradients
 * of the returned statistics (`dmean`, `dvariance`, optional) are given. Outputs [dx, dgamma, dbeta].
 */
export function createBatchNormTrainingGradKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const inputs = args.inputs as unknown as BatchNormTrainingGradInputs;
    const { dy, x, mean, variance, gamma, dmean, dvariance } = inputs;
    const { epsilon } = args.attrs as unknown as BatchNormTrainingAttrs;
    assertFloatInputs(ADVBENCH_BATCH_NORM_TRAINING_GRAD, { ...inputs });
    const channels = x.shape[x.shape.length - 1];
    const size = util.sizeFromShape(x.shape);
    assertSize(ADVBENCH_BATCH_NORM_TRAINING_GRAD, 'dy', dy, size);
    for (const [name, info] of Object.entries({ mean, variance, gamma, dmean, dvariance })) {
      if (info !== undefined) {
        assertSize(ADVBENCH_BATCH_NORM_TRAINING_GRAD, name, info, channels);
      }
    }
    if ((dmean === undefined) !== (dvariance === undefined)) {
      throw new Error(`wasm ${ADVBENCH_BATCH_NORM_TRAINING_GRAD}: give both dmean and dvariance or neither`);
    }
    const dx = backend.makeOutput(x.shape, 'float32');
    const dgamma = backend.makeOutput([channels], 'float32');
    const dbeta = backend.makeOutput([channels], 'float32');
    if (size > 0) {
      const simd = loadSimdKernels(backend.wasm);
      const withStatistics = dmean !== undefined && dvariance !== undefined;
      withScratch(backend, 128 * channels, (scratch) => {
        simd.batchNormTrainingGrad(
          heapOffset(backend, dy), heapOffset(backend, x), size / channels, channels, heapOffset(backend, mean),
          heapOffset(backend, variance), heapOffset(backend, gamma), withStatistics ? heapOffset(backend, dmean) : 0,
          withStatistics ? heapOffset(backend, dvariance) : 0, withStatistics ? 1 : 0, epsilon, heapOffset(backend, dx),
          heapOffset(backend, dgamma), heapOffset(backend, dbeta), scratch,
        );
      });
    } else if (channels > 0) {
      (backend.typedArrayFromHeap(dgamma) as Float32Array).fill(0);
      (backend.typedArrayFromHeap(dbeta) as Float32Array).fill(0);
    }
    return [dx, dgamma, dbeta];
  };
  return { kernelName: ADVBENCH_BATCH_NORM_TRAINING_GRAD, backendName: 'wasm', kernelFunc };
}
