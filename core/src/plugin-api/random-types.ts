/** A seeded, splittable source of randomness. Every plugin gets one; never use `Math.random`. */
export interface RandomSource {
  /** A uniform number in [0, 1). */
  next(): number;
  /** A uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** A fresh 32-bit unsigned seed for seeded tensor ops (`tf.randomUniform(shape, 0, 1, 'float32', seed)`). */
  seed(): number;
  /** An independent child stream determined by this stream's seed and `label` (not by how much was drawn). */
  fork(label: string): RandomSource;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}
