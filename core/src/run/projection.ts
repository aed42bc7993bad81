import type { Tensor4D, TensorFlow } from '../plugin-api/index.js';

/** An attack's output after the harness's projection. */
export interface ProjectionResult {
  /** The candidate projected into the epsilon-ball around `x` and into [0, 1] (caller owns it). */
  projected: Tensor4D;
  /** Examples whose candidate lay outside the ball or [0, 1], or held NaN, by more than the tolerance. */
  corrections: number;
}

/** A candidate may exceed the ball by this much (float32 rounding of `x + epsilon`) without being counted. */
export const PROJECTION_TOLERANCE = 1e-6;

/**
 * Projects an attack's candidate images into the Linf ball of radius `epsilon` around the clean images `x` and
 * into [0, 1], replacing NaN with the clean pixel, and counts the examples that needed correcting. The harness does
 * this to every attack output, whatever the plugin claims. Neither input is disposed.
 */
export async function projectToBall(tf: TensorFlow, candidate: Tensor4D, x: Tensor4D, epsilon: number): Promise<ProjectionResult> {
  const [projected, correctedFlags] = tf.tidy(() => {
    const finite = tf.where(tf.isNaN(candidate), x, candidate);
    const lower = tf.maximum(tf.sub(x, epsilon), 0);
    const upper = tf.minimum(tf.add(x, epsilon), 1);
    const inside = tf.minimum(tf.maximum(finite, lower), upper) as Tensor4D;
    const moved = tf.greater(tf.max(tf.abs(tf.sub(finite, inside)), [1, 2, 3]), PROJECTION_TOLERANCE);
    const hadNaN = tf.any(tf.isNaN(candidate), [1, 2, 3]);
    return [inside, tf.cast(tf.logicalOr(moved, hadNaN), 'int32')];
  });
  try {
    const corrections = ((await correctedFlags.data()) as Int32Array).reduce((sum, flag) => sum + flag, 0);
    return { projected, corrections };
  } catch (error) {
    projected.dispose();
    throw error;
  } finally {
    correctedFlags.dispose();
  }
}
