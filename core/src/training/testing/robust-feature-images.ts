import type { RandomSource, Tensor1D, Tensor4D, TensorFlow } from '../../plugin-api/index.js';

/**
 * A two-class task with one robust feature and many non-robust ones (after Tsipras et al. 2019, "Robustness may be
 * at odds with accuracy"). With s = -1 for class 0 and +1 for class 1: the first pixel is 0.5 + 0.25 s (a larger
 * margin), every other pixel is 0.5 + 0.1 s plus uniform noise in [-0.05, 0.05] (predictive together, but an eps of
 * 0.15 flips each). Standard training leans on the many small features and breaks at eps 0.15; a model that uses
 * only the first pixel is robust there, which is what adversarial training should find. Labels alternate 0, 1, ...
 */
export function robustFeatureImages(tf: TensorFlow, options: { count: number; size?: number; rng: RandomSource }): { x: Tensor4D; y: Tensor1D } {
  const size = options.size ?? 4;
  const pixels = size * size;
  const values = new Float32Array(options.count * pixels);
  const labels = new Int32Array(options.count);
  for (let example = 0; example < options.count; example += 1) {
    const label = example % 2;
    const sign = label === 0 ? -1 : 1;
    labels[example] = label;
    values[example * pixels] = 0.5 + 0.25 * sign;
    for (let pixel = 1; pixel < pixels; pixel += 1) values[example * pixels + pixel] = 0.5 + 0.1 * sign + 0.1 * (options.rng.next() - 0.5);
  }
  return { x: tf.tensor4d(values, [options.count, size, size, 1]), y: tf.tensor1d(labels, 'int32') };
}
