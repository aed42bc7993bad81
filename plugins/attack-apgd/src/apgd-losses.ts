import type { AttackSurface, Tensor1D, Tensor2D, TensorFlow } from '@advbench/core/plugin-api';

/** The losses APGD maximises. */
export type ApgdLoss = 'ce' | 'dlr' | 'dlr-targeted';

/** Added to DLR's denominator, as in the reference code (avoids 0/0 on ties). */
const DLR_EPSILON = 1e-12;

/**
 * The score of the class ranked `rank` (0 = highest) per row, as a differentiable function of `scores`: the rank is
 * found with arg-max on copies where the higher ranks are masked out (tfjs' topk has no gradient; arg-max and one-hot
 * have zero gradients), the value is picked with a one-hot mask so the gradient flows to that entry.
 */
function rankedScores(tf: TensorFlow, scores: Tensor2D, ranks: number): Tensor1D[] {
  const classes = scores.shape[1];
  const picked: Tensor1D[] = [];
  let masked = scores;
  for (let rank = 0; rank < ranks; rank += 1) {
    const mask = tf.cast(tf.oneHot(tf.argMax(masked, 1), classes), 'float32');
    picked.push(tf.sum(tf.mul(mask, scores), 1) as Tensor1D);
    masked = tf.sub(masked, tf.mul(mask, 1e30)) as Tensor2D;
  }
  return picked;
}

/**
 * Per-example loss [batch] that APGD ascends (higher is more damaging), on a surface's output.
 *
 * - `ce`: cross-entropy of logits, or the negative log-likelihood of the true class on log-probabilities.
 * - `dlr`: the Difference of Logits Ratio of Croce & Hein (arXiv 2003.01690, eq. 6):
 *   `-(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3)`, shift- and scale-invariant, so it gives the same value on logits
 *   and on log-probabilities and does not saturate when logits are scaled up. With C = 2 classes there is no third
 *   score and the unnormalised margin `-(z_y - z_other)` is used.
 * - `dlr-targeted`: `-(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2)` towards `targets` (eq. 7); with C < 4 the
 *   missing ranks are replaced by the lowest available one (C = 2: the unnormalised margin).
 */
export function apgdLoss(tf: TensorFlow, output: Tensor2D, labels: Tensor1D, kind: AttackSurface['output'], loss: ApgdLoss, targets?: Tensor1D): Tensor1D {
  return tf.tidy(() => {
    const classes = output.shape[1];
    const trueMask = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), classes), 'float32');
    if (loss === 'ce') {
      const logProbabilities = kind === 'logits' ? tf.logSoftmax(output) : output;
      return tf.neg(tf.sum(tf.mul(trueMask, logProbabilities), 1)) as Tensor1D;
    }
    const trueScore = tf.sum(tf.mul(trueMask, output), 1) as Tensor1D;
    const ranked = rankedScores(tf, output, Math.min(classes, 4));
    const lowest = (rank: number) => ranked[Math.min(rank, ranked.length - 1)];
    if (loss === 'dlr') {
      // The best other class: the highest score once the true class is masked out.
      const otherScore = tf.max(tf.sub(output, tf.mul(trueMask, 1e30)), 1);
      const margin = tf.sub(trueScore, otherScore);
      if (classes < 3) return tf.neg(margin) as Tensor1D;
      return tf.neg(tf.div(margin, tf.add(tf.sub(ranked[0], ranked[2]), DLR_EPSILON))) as Tensor1D;
    }
    if (!targets) throw new Error('apgd: the dlr-targeted loss needs target classes');
    const targetScore = tf.sum(tf.mul(tf.cast(tf.oneHot(tf.cast(targets, 'int32'), classes), 'float32'), output), 1);
    const margin = tf.sub(trueScore, targetScore);
    if (classes < 3) return tf.neg(margin) as Tensor1D;
    const denominator = tf.add(tf.sub(ranked[0], tf.div(tf.add(lowest(2), lowest(3)), 2)), DLR_EPSILON);
    return tf.neg(tf.div(margin, denominator)) as Tensor1D;
  });
}
