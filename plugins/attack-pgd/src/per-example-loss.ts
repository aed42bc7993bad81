import type { AttackSurface, Tensor1D, Tensor2D, TensorFlow } from '@advbench/core/plugin-api';

/**
 * Per-example attack loss [batch]: cross-entropy of logits, or the negative log-likelihood of the true class when
 * the surface already gives log-probabilities. Higher is more damaging.
 */
export function perExampleLoss(tf: TensorFlow, output: Tensor2D, labels: Tensor1D, kind: AttackSurface['output']): Tensor1D {
  return tf.tidy(() => {
    const logProbabilities = kind === 'logits' ? tf.logSoftmax(output) : output;
    const mask = tf.oneHot(tf.cast(labels, 'int32'), output.shape[1]);
    return tf.neg(tf.sum(tf.mul(mask, logProbabilities), 1)) as Tensor1D;
  });
}
