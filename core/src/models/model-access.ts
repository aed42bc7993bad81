import type { ImageShape, LayersModel, ModelAccess, RandomSource } from '../plugin-api/index.js';
import { cloneModel } from './clone-model.js';
import { loadModel } from './io/load-model.js';
import { saveModel } from './io/save-model.js';
import { replaceHead } from './replace-head.js';
import { buildModel, findModel } from './zoo/model-zoo.js';
import { validateBuildOptions } from './zoo/validate-build-options.js';

/**
 * The plugin-facing {@link ModelAccess} for the run's architecture and input shape. Seeds come from the `rng` each
 * call passes (`rng.seed()`), so a plugin's forked stream decides its models' initial weights. The architecture
 * name and input shape are checked here, once, with exit-2 errors.
 */
export function createModelAccess(options: { architecture: string; inputShape: ImageShape }): ModelAccess {
  const { architecture, inputShape } = options;
  const entry = findModel(architecture);
  validateBuildOptions(architecture, { inputShape, classes: 1, seed: 0 });
  entry.checkInput?.(inputShape);
  return {
    architecture,
    create: ({ classes, rng }: { classes: number; rng: RandomSource }): LayersModel => buildModel(architecture, { inputShape, classes, seed: rng.seed() }),
    withHead: (model, { classes, rng }) => replaceHead(model, { classes, seed: rng.seed() }),
    clone: (model) => cloneModel(model),
    save: (model, directory) => saveModel(model, directory),
    load: (directory) => loadModel(directory),
  };
}
