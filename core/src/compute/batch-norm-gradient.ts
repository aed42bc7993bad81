import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/**
 * The FusedBatchNorm gradient of tfjs-core, with the input gradient computed by broadcasting instead of `tile`
 * (stock tfjs tiles 1/sqrt(variance) to the full activation size first, which on wasm cost more than the
 * convolutions of a PGD step). Same formulas otherwise, for every backend.
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
    const oneOverSqrtVariance = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    return {
      x: () => tf.reshape(tf.mul(gradient, tf.mul(oneOverSqrtVariance, scaleValue)), x.shape),
      mean: () => tf.reshape(reduce(tf.mul(gradient, tf.mul(tf.neg(oneOverSqrtVariance), scaleValue))), mean.shape),
      variance: () => {
        const minusHalfRCube = tf.mul(tf.mul(tf.mul(oneOverSqrtVariance, oneOverSqrtVariance), oneOverSqrtVariance), tf.scalar(-0.5));
        return tf.reshape(reduce(tf.mul(tf.mul(gradient, tf.sub(x, mean)), tf.mul(minusHalfRCube, scaleValue))), mean.shape);
      },
      scale: () => tf.reshape(reduce(tf.mul(gradient, tf.mul(tf.sub(x, mean), oneOverSqrtVariance))), mean.shape),
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
