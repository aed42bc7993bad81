import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { ADVBENCH_BATCH_NORM_TRAINING, ADVBENCH_BATCH_NORM_TRAINING_GRAD } from './advbench-kernel-names.js';

/**
 * The gradient of {@link ADVBENCH_BATCH_NORM_TRAINING}: one {@link ADVBENCH_BATCH_NORM_TRAINING_GRAD} kernel for
 * dx, dgamma and dbeta. The engine hands zeros for outputs off the backprop path (the batch statistics, which
 * only feed the moving averages); their gradients are passed on all the same, so backprop through the returned
 * mean and variance is exact too. Saves x, gamma (inputs) and the batch mean and variance (outputs).
 */
export const batchNormTrainingGradientConfig: GradConfig = {
  kernelName: ADVBENCH_BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [dy, dmean, dvariance] = dys as Tensor[];
    const [x, gamma, mean, variance] = saved;
    const [dx, dgamma, dbeta] = tf.engine().runKernel<Tensor[]>(
      ADVBENCH_BATCH_NORM_TRAINING_GRAD,
      { dy, x, mean, variance, gamma, dmean, dvariance },
      { epsilon: attrs.epsilon as number },
    );
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
  },
};
