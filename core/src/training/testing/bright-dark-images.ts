import type { RandomSource, Tensor1D, Tensor4D, TensorFlow } from '../../plugin-api/index.js';

/**
 * A two-class task any small model learns in a few steps: class 0 images are dark (pixels uniform in
 * [0.1, 0.4]), class 1 images are bright (pixels uniform in [0.6, 0.9]). Labels alternate 0, 1, 0, 1...
 * A Linf perturbation of 0.3 can turn any dark image bright-looking and back, so an undefended model can be
 * driven to 0 accuracy there, while eps = 0.05 cannot move any image across the middle (0.5).
 */
export function brightDarkImages(tf: TensorFlow, options: { count: number; size?: number; channels?: number; rng: RandomSource }): { x: Tensor4D; y: Tensor1D } {
  const size = options.size ?? 4;
  const channels = options.channels ?? 1;
  const pixels = size * size * channels;
  const values = new Float32Array(options.count * pixels);
  const labels = new Int32Array(options.count);
  for (let example = 0; example < options.count; example += 1) {
    const label = example % 2;
    labels[example] = label;
    const low = label === 0 ? 0.1 : 0.6;
    for (let pixel = 0; pixel < pixels; pixel += 1) values[example * pixels + pixel] = low + 0.3 * options.rng.next();
  }
  return { x: tf.tensor4d(values, [options.count, size, size, channels]), y: tf.tensor1d(labels, 'int32') };
}
