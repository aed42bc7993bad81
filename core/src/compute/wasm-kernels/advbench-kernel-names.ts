import { getBackend, getKernel } from '@tensorflow/tfjs-core';

/** Training batch normalisation forward: x, gamma, beta (attr epsilon) -> y, batch mean, biased batch variance. */
export const ADVBENCH_BATCH_NORM_TRAINING = 'AdvbenchBatchNormTraining';
/** Its backward: dy, x, mean, variance, gamma and optionally dmean, dvariance (attr epsilon) -> dx, dgamma, dbeta. */
export const ADVBENCH_BATCH_NORM_TRAINING_GRAD = 'AdvbenchBatchNormTrainingGrad';
/** Both moving-average updates of a batch-norm layer: movingMean, movingVariance, mean, variance (attr momentum). */
export const ADVBENCH_MOVING_AVERAGES = 'AdvbenchMovingAverages';
/** SGD with momentum: weight, gradient, optional velocity (attrs learningRate, momentum, weightDecay) -> weight, velocity. */
export const ADVBENCH_SGD_MOMENTUM = 'AdvbenchSgdMomentum';
/** The ReLU gradient: dy, x -> dy where x > 0, else 0. */
export const ADVBENCH_RELU_GRAD = 'AdvbenchReluGrad';

/**
 * Whether one of advbench's wasm kernels can run now: the wasm backend is active and `kernelName` is registered
 * for it (registration needs WebAssembly SIMD). Callers fall back to tfjs ops otherwise.
 */
export function wasmKernelAvailable(kernelName: string): boolean {
  return getBackend() === 'wasm' && getKernel(kernelName, 'wasm') !== undefined;
}
