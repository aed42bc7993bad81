import type { RandomSource, Tensor1D, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';

/**
 * The INN input transform (arXiv 2310.05947): white noise, salt-and-pepper, then an additive background.
 * Every function is differentiable with respect to `x` and creates no variables; call them inside `tf.tidy`
 * (or dispose the result). Randomness comes from the given {@link RandomSource} only.
 */

/** Settings of one transform. */
export interface TransformSettings {
  /** Background strength. */
  alpha: number;
  /** White-noise strength. */
  beta: number;
  /** Salt-and-pepper intensity. */
  gamma: number;
  /** Apply the white and salt-and-pepper noise (false: background only). */
  noise: boolean;
  /** Squash the result with `tanh(1.5 (x - 0.5) + 0.5)` (the authors' CIFAR code); default no squashing. */
  squash?: 'none' | 'tanh';
}

/** White noise: `(x + beta * n) / (1 + beta)` with n ~ U(0, 1) per element, drawn from `seed`. */
export function whiteNoise(tf: TensorFlow, x: Tensor4D, beta: number, seed: number): Tensor4D {
  return tf.tidy(() => {
    if (beta === 0) return tf.clone(x);
    const noise = tf.randomUniform(x.shape, 0, 1, 'float32', seed);
    return tf.div(tf.add(x, tf.mul(noise, beta)), 1 + beta) as Tensor4D;
  });
}

/**
 * Salt-and-pepper of intensity `gamma` as a mask: each element is kept with probability 1 - gamma, otherwise
 * replaced by 0 or 1 with equal chance. `x * keep + (1 - keep) * salt` with constant `keep` and `salt`, so the
 * gradient passes through the kept elements and is zero at the replaced ones.
 */
export function saltAndPepper(tf: TensorFlow, x: Tensor4D, gamma: number, seed: number): Tensor4D {
  return tf.tidy(() => {
    if (gamma === 0) return tf.clone(x);
    const draw = tf.randomUniform(x.shape, 0, 1, 'float32', seed);
    const coin = tf.randomUniform(x.shape, 0, 1, 'float32', (seed ^ 0x5bd1e995) >>> 0);
    const keep = tf.cast(tf.greaterEqual(draw, gamma), 'float32');
    const salt = tf.cast(tf.less(coin, 0.5), 'float32');
    return tf.add(tf.mul(x, keep), tf.mul(tf.sub(1, keep), salt)) as Tensor4D;
  });
}

/** The authors' CIFAR code's squashing: `tanh(1.5 (x - 0.5) + 0.5)`. */
export function squashTanh(tf: TensorFlow, x: Tensor4D): Tensor4D {
  return tf.tidy(() => tf.tanh(tf.add(tf.mul(tf.sub(x, 0.5), 1.5), 0.5)) as Tensor4D);
}

/** Draws one background index in [0, count) per image, uniformly. */
export function drawBackgroundIndices(rng: RandomSource, batch: number, count: number): number[] {
  return Array.from({ length: batch }, () => rng.int(count));
}

/** Adds `alpha * backgrounds[indices[i]]` to image i (no clipping). `backgrounds` is [K, h, w, c]. */
export function addBackgrounds(tf: TensorFlow, x: Tensor4D, backgrounds: Tensor4D, indices: readonly number[], alpha: number): Tensor4D {
  return tf.tidy(() => {
    const chosen = tf.gather(backgrounds, tf.tensor1d(indices as number[], 'int32'));
    return tf.add(x, tf.mul(chosen, alpha)) as Tensor4D;
  });
}

/** Result of {@link innTransform}. */
export interface TransformedImages {
  /** The transformed images (caller owns). */
  x: Tensor4D;
  /** The background index drawn for each image. */
  backgroundIndices: number[];
}

/**
 * The full INN transform of a batch: `x1 = (x + beta n) / (1 + beta)`, salt-and-pepper on x1, then
 * `x' = x1 + alpha * y_k` with k uniform over the K backgrounds (noise steps skipped when `settings.noise` is false),
 * then the optional squashing.
 */
export function innTransform(tf: TensorFlow, x: Tensor4D, settings: TransformSettings, backgrounds: Tensor4D, rng: RandomSource): TransformedImages {
  const backgroundIndices = drawBackgroundIndices(rng, x.shape[0], backgrounds.shape[0]);
  const noiseSeed = rng.seed();
  const saltSeed = rng.seed();
  const transformed = tf.tidy(() => {
    let current = x;
    if (settings.noise) {
      current = whiteNoise(tf, current, settings.beta, noiseSeed);
      current = saltAndPepper(tf, current, settings.gamma, saltSeed);
    }
    const withBackground = addBackgrounds(tf, current, backgrounds, backgroundIndices, settings.alpha);
    return settings.squash === 'tanh' ? squashTanh(tf, withBackground) : withBackground;
  });
  return { x: transformed, backgroundIndices };
}

/** The INN training label of class `classIndex` on background `backgroundIndex`: `k * C + c` (paper and authors' code). */
export function slotLabel(classIndex: number, backgroundIndex: number, classes: number): number {
  return backgroundIndex * classes + classIndex;
}

/** The class of slot `slot` (inverse of {@link slotLabel}): `slot mod C`. */
export function slotClass(slot: number, classes: number): number {
  return slot % classes;
}

/** The background of slot `slot`: `floor(slot / C)`. */
export function slotBackground(slot: number, classes: number): number {
  return Math.floor(slot / classes);
}

/** Training labels over C*K slots: `k_i * C + y_i` (int32). */
export function slotLabels(tf: TensorFlow, y: Tensor1D, backgroundIndices: readonly number[], classes: number): Tensor1D {
  return tf.tidy(() => tf.add(tf.mul(tf.tensor1d(backgroundIndices as number[], 'int32'), tf.scalar(classes, 'int32')), tf.cast(y, 'int32')) as Tensor1D);
}
