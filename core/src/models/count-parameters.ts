import type { LayersModel } from '../plugin-api/index.js';

/** Number of scalar weights of `model`, trainable and not (batch-norm statistics count, as in Keras' `count_params`). */
export function countParameters(model: LayersModel): number {
  let total = 0;
  for (const weight of model.weights) total += weight.shape.reduce<number>((product, side) => product * (side ?? 0), 1);
  return total;
}

/** Number of trainable scalar weights of `model`. */
export function countTrainableParameters(model: LayersModel): number {
  let total = 0;
  for (const weight of model.trainableWeights) total += weight.shape.reduce<number>((product, side) => product * (side ?? 0), 1);
  return total;
}
