import type { ImageShape, ModelAccess } from '../../plugin-api/index.js';
import { cloneModel } from '../../models/clone-model.js';
import { loadModel } from '../../models/io/load-model.js';
import { saveModel } from '../../models/io/save-model.js';
import { replaceHead } from '../../models/replace-head.js';
import { createTinyModel } from './tiny-model.js';

/**
 * A {@link ModelAccess} whose architecture is {@link createTinyModel} (architecture name `tiny-mlp`), with the real
 * core clone, head replacement, save and load. For tests of defense plugins that need models to train in seconds.
 */
export function createTinyModelAccess(inputShape: ImageShape): ModelAccess {
  return {
    architecture: 'tiny-mlp',
    create: ({ classes, rng }) => createTinyModel({ inputShape, classes, rng }),
    withHead: (model, { classes, rng }) => replaceHead(model, { classes, seed: rng.seed() }),
    clone: (model) => cloneModel(model),
    save: (model, directory) => saveModel(model, directory),
    load: (directory) => loadModel(directory),
  };
}
