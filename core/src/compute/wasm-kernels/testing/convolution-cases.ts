import { createRandom } from '../../../random/seeded-random.js';

/** A convolution's padding as the conv2d tests give it: tfjs' names, a number, or explicit NHWC pairs. */
export type ConvolutionPadding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** One convolution geometry to check the gradient kernels on. */
export interface ConvolutionCase {
  name: string;
  /** Input shape [N, H, W, Ci]. */
  x: [number, number, number, number];
  /** Filter shape [kh, kw, Ci, Co]. */
  filter: [number, number, number, number];
  strides: [number, number];
  pad: ConvolutionPadding;
}

/** `count` values uniform in [-1, 1), from `seed`. */
export function randomValues(count: number, seed: number): Float32Array {
  const rng = createRandom(seed);
  return Float32Array.from({ length: count }, () => rng.next() * 2 - 1);
}
