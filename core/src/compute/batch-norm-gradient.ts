import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { ADVBENCH_BATCH_NORM_INPUT_GRAD } from './wasm-kernels/batch-norm-input-grad.js';
import { wasmKernelAvailable } from './wasm-kernels/advbench-kernel-names.js';

/**
 * Whether the input gradient can run as advbench's one wasm kernel: on the wasm backend with the kernel
 * registered, float32, statistics (and scale) with one value per channel of the last axis.
 */
function useInputGradKernel(dy: Tensor, variance: Tensor, scale: Tensor | undefined): boolean {
  const channels = dy.shape[dy.shape.length - 1];
  const perChannel = (tensor: Tensor | undefined): boolean => tensor === undefined || (tensor.dtype === 'float32' && tensor.size === channels);
  return dy.rank > 0 && dy.dtype === 'float32' && perChannel(variance) && perChannel(scale) && wasmKernelAvailable(ADVBENCH_BATCH_NORM_INPUT_GRAD);
}

/**
 * The FusedBatchNorm gradient of tfjs-core, with the input gradient computed by broadcasting instead of `tile`
 * (stock tfjs tiles 1/sqrt(variance) to the full activation size first, which on wasm cost more than the
 * convolutions of a PGD step). Same formulas otherwise, for every backend; on wasm with advbench's kernels the
 * input gradient with per-channel statistics is one {@link ADVBENCH_BATCH_NORM_INPUT_GRAD} kernel, and
 * 1/sqrt(variance + eps) is computed only for the gradients that need it.
 */
export const batchNormGradientConfig: GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const gradient = dy as Tensor;
    const varianceEpsilon = attrs.varianceEpsilon as number;
    const [x, mean, variance, scale] = saved;
    const scaleValue = scale ?? tf.scalar(1);
    const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (value: Tensor): Tensor => (reductionAxes.length > 0 ? tf.sum(value, reductionAxes) : value);
    // Per gradient closure (tfjs runs each in its own tidy, so it cannot be shared): a few per-channel values.
    const oneOverSqrtVariance = (): Tensor => tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    return {
      x: () => (useInputGradKernel(gradient, variance, scale)
        ? tf.reshape(tf.engine().runKernel<Tensor>(ADVBENCH_BATCH_NORM_INPUT_GRAD, scale ? { dy: gradient, variance, scale } : { dy: gradient, variance }, { varianceEpsilon }), x.shape)
        : tf.reshape(tf.mul(gradient, tf.mul(oneOverSqrtVariance(), scaleValue)), x.shape)),
      mean: () => tf.reshape(reduce(tf.mul(gradient, tf.mul(tf.neg(oneOverSqrtVariance()), scaleValue))), mean.shape),
      variance: () => {
        const inverse = oneOverSqrtVariance();
        const minusHalfRCube = tf.mul(tf.mul(tf.mul(inverse, inverse), inverse), tf.scalar(-0.5));
        return tf.reshape(reduce(tf.mul(tf.mul(gradient, tf.sub(x, mean)), tf.mul(minusHalfRCube, scaleValue))), mean.shape);
      },
      scale: () => tf.reshape(reduce(tf.mul(gradient, tf.mul(tf.sub(x, mean), oneOverSqrtVariance()))), mean.shape),
      offset: () => tf.reshape(reduce(gradient), mean.shape),
    };
  },
};

let installed = false;

/** Registers {@link batchNormGradientConfig} in place of tfjs-core's FusedBatchNorm gradient. Idempotent. */
export function useBroadcastBatchNormGradient(): void {
  if (!installed) {
    tf.registerGradient(batchNormGradientConfig);
    installed = true;
  }
}
