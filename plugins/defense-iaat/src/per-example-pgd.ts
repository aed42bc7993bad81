import type { Tensor1D, Tensor2D, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';

/** One per-example-radius PGD call. */
export interface PerExamplePgdInput {
  /** The run's TensorFlow.js. */
  tf: TensorFlow;
  /** Logits of the model under attack (inference mode); differentiable w.r.t. its input. */
  logits: (x: Tensor4D) => Tensor2D;
  /** Clean images [n, h, w, c] in [0, 1] (not disposed). */
  x: Tensor4D;
  /** True labels, int32 (not disposed). */
  y: Tensor1D;
  /** Number of classes C of the logits. */
  classes: number;
  /** Linf radius of each example (length n, >= 0). */
  radii: Float32Array;
  /** Gradient steps. */
  steps: number;
  /** Smallest step size; each example's step is `max(radius / (steps / 2), minimumStepSize)`. */
  minimumStepSize: number;
  /** Seed of the uniform random start (`tf.randomUniform`). */
  seed: number;
}

/**
 * Linf PGD with a radius of its own for every example (the attack IAAT trains and searches with): a uniform
 * random start in each example's ball, `steps` signed-gradient ascent steps on the cross-entropy of `logits`,
 * each projected back to the example's ball and to [0, 1]. An example of radius 0 stays clean. Returns a new
 * tensor the caller owns; leaves no other tensor behind.
 */
export function perExamplePgd(input: PerExamplePgdInput): Tensor4D {
  const { tf, x, y, radii, steps } = input;
  const count = x.shape[0];
  const radius = tf.tensor4d(radii, [count, 1, 1, 1]);
  const stepSize = tf.tensor4d(Float32Array.from(radii, (value) => Math.max(value / (steps / 2), input.minimumStepSize)), [count, 1, 1, 1]);
  const oneHot = tf.tidy(() => tf.oneHot(tf.cast(y, 'int32'), input.classes));
  const loss = (candidate: Tensor4D) => tf.losses.softmaxCrossEntropy(oneHot, input.logits(candidate), undefined, undefined, tf.Reduction.SUM);
  const gradient = tf.grad((candidate) => loss(candidate as Tensor4D));
  let current = tf.tidy(() => {
    const noise = tf.randomUniform(x.shape, -1, 1, 'float32', input.seed);
    return tf.clipByValue(tf.add(x, tf.mul(noise, radius)), 0, 1) as Tensor4D;
  });
  try {
    for (let step = 0; step < steps; step += 1) {
      const next = tf.tidy(() => {
        const ascended = tf.add(current, tf.mul(tf.sign(gradient(current)), stepSize));
        const projected = tf.minimum(tf.maximum(ascended, tf.sub(x, radius)), tf.add(x, radius));
        return tf.clipByValue(projected, 0, 1) as Tensor4D;
      });
      current.dispose();
      current = next;
    }
    return current;
  } catch (error) {
    current.dispose();
    throw error;
  } finally {
    tf.dispose([radius, stepSize, oneHot]);
  }
}
