import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape, LayersModel, RandomSource } from '../../plugin-api/index.js';

/**
 * A tiny logits model for tests: flatten, dense (32 units, ReLU), dense to `classes` logits. Dense layers only, so
 * it trains on every backend without extra gradient kernels. Weights are initialised from `rng` (reproducible).
 */
export function createTinyModel(options: { inputShape: ImageShape; classes: number; rng: RandomSource }): LayersModel {
  const input = tfl.input({ shape: options.inputShape });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const hidden = tfl.layers
    .dense({ units: 32, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: options.rng.seed() }) })
    .apply(flat) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .dense({ units: options.classes, kernelInitializer: tfl.initializers.glorotUniform({ seed: options.rng.seed() }) })
    .apply(hidden) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits });
}
