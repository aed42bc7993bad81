/**
 * Test-only helpers (excluded from the build): a {@link ModelAccess} over core's tiny dense test model, with core's
 * real atomic save and load, so the INN defense can be trained end to end in seconds.
 */
import type { ImageShape, LayersModel, ModelAccess, RandomSource } from '@advbench/core/plugin-api';
import { loadModel } from '../../../../core/src/models/io/load-model.js';
import { saveModel } from '../../../../core/src/models/io/save-model.js';
import { createTinyModel } from '../../../../core/src/training/testing/tiny-model.js';

/** Copies the weights of every layer of `source` into the same-position layer of `target`, except the last `skipLast`. */
function copyWeights(source: LayersModel, target: LayersModel, skipLast: number): void {
  const count = source.layers.length - skipLast;
  for (let index = 0; index < count; index += 1) {
    const weights = source.layers[index].getWeights();
    if (weights.length > 0) target.layers[index].setWeights(weights);
  }
}

/** A {@link ModelAccess} whose architecture is core's tiny test model (flatten, dense 8, dense head). */
export function createTinyModelAccess(inputShape: ImageShape): ModelAccess {
  return {
    architecture: 'tiny-dense',
    create: ({ classes, rng }: { classes: number; rng: RandomSource }) => createTinyModel({ inputShape, classes, rng }),
    withHead(model, { classes, rng }) {
      const result = createTinyModel({ inputShape, classes, rng });
      copyWeights(model, result, 1);
      return result;
    },
    clone(model) {
      const classes = model.outputs[0].shape[1] as number;
      const result = createTinyModel({ inputShape, classes, rng: { next: () => 0, int: () => 0, seed: () => 0, fork() { return this; }, shuffle: (items) => items } });
      copyWeights(model, result, 0);
      return result;
    },
    save: (model, directory) => saveModel(model, directory),
    load: (directory) => loadModel(directory),
  };
}
