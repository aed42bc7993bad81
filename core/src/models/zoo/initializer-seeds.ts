import * as tfl from '@tensorflow/tfjs-layers';
import { hashString } from '../../random/seeded-random.js';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** Initializers of one model build, each seeded from the build seed and the weight's name. */
export interface SeededInitializers {
  /** He normal (fan in), for convolution kernels followed by ReLU. */
  heNormal(weightName: string): Initializer;
  /** Glorot uniform, for the dense head. */
  glorotUniform(weightName: string): Initializer;
}

/**
 * Derives a 32-bit seed for one weight from the build seed and the weight's name (`conv1_conv/kernel`), so a
 * weight's initial value depends on neither the build order nor the backend.
 */
export function weightSeed(seed: number, weightName: string): number {
  return hashString(`${seed >>> 0}/${weightName}`);
}

/**
 * Creates the seeded initializers of one build. With `zeros`, every initializer is `zeros` instead (a fast build
 * for counting parameters or loading weights).
 */
export function createSeededInitializers(seed: number, initialization: 'seeded' | 'zeros' = 'seeded'): SeededInitializers {
  if (initialization === 'zeros') {
    return { heNormal: () => tfl.initializers.zeros(), glorotUniform: () => tfl.initializers.zeros() };
  }
  return {
    heNormal: (weightName) => tfl.initializers.heNormal({ seed: weightSeed(seed, weightName) }),
    glorotUniform: (weightName) => tfl.initializers.glorotUniform({ seed: weightSeed(seed, weightName) }),
  };
}
