import type { Tensor2D, TensorFlow } from '@advbench/core/plugin-api';
import type { SlotMapping, VoteRule } from './inn-options.js';

/**
 * Mapping an INN checkpoint's C*K slot outputs back to the task's C classes, and voting over checkpoints and draws.
 * Slot `k * C + c` is class c on background k, so reshaping [batch, K*C] to [batch, K, C] groups a class's slots.
 */

/** Checks that `slots` is a multiple of `classes` and returns K. */
function backgroundCount(slots: number, classes: number): number {
  if (!Number.isInteger(classes) || classes < 1 || slots % classes !== 0) {
    throw new RangeError(`INN head has ${slots} outputs, not a multiple of the ${classes} classes`);
  }
  return slots / classes;
}

/**
 * Log of the summed softmax over each class's K slots: `log sum_k softmax(logits)[k*C + c]`, computed stably
 * (log-sum-exp of log-softmax). Differentiable; the attack surfaces' output.
 */
export function slotLogProbabilities(tf: TensorFlow, logits: Tensor2D, classes: number): Tensor2D {
  return tf.tidy(() => {
    const [batch, slots] = logits.shape;
    const count = backgroundCount(slots, classes);
    const logSoftmax = tf.reshape(tf.logSoftmax(logits), [batch, count, classes]);
    return tf.logSumExp(logSoftmax, 1) as Tensor2D;
  });
}

/**
 * Probabilities over the C classes from slot logits [batch, K*C]. `sum` (paper): softmax summed over each class's
 * K slots. `argmax-mod` (the authors' code): one-hot of `argmax(logits) mod C`.
 */
export function slotProbabilities(tf: TensorFlow, logits: Tensor2D, classes: number, mapping: SlotMapping): Tensor2D {
  return tf.tidy(() => {
    const [batch, slots] = logits.shape;
    const count = backgroundCount(slots, classes);
    if (mapping === 'sum') return tf.sum(tf.reshape(tf.softmax(logits), [batch, count, classes]), 1) as Tensor2D;
    const winners = tf.mod(tf.argMax(logits, 1), tf.scalar(classes, 'int32'));
    return tf.cast(tf.oneHot(winners, classes), 'float32') as Tensor2D;
  });
}

/**
 * Combines per-member predictions [batch, C] (one per checkpoint x draw) into one [batch, C] whose rows sum to 1.
 * `soft`: the mean. `hard`: the fraction of members whose argmax is each class (a majority vote; its argmax
 * breaks ties towards the lower class index). Does not dispose the inputs.
 */
export function combineVotes(tf: TensorFlow, predictions: readonly Tensor2D[], rule: VoteRule): Tensor2D {
  if (predictions.length === 0) throw new RangeError('combineVotes needs at least one prediction');
  return tf.tidy(() => {
    const classes = predictions[0].shape[1];
    const members = rule === 'soft' ? predictions : predictions.map((prediction) => tf.cast(tf.oneHot(tf.argMax(prediction, 1), classes), 'float32') as Tensor2D);
    return tf.div(tf.addN(members as Tensor2D[]), predictions.length) as Tensor2D;
  });
}
