import type { ImageShape, LayersModel, ModelAccess, RandomSource } from '../plugin-api/index.js';
import { inputError } from '../plugin-api/index.js';
import { cloneModel } from './clone-model.js';
import { loadModel } from './io/load-model.js';
import { saveModel } from './io/save-model.js';
import { replaceHead } from './replace-head.js';
import { buildModel, findModel, listModels } from './zoo/model-zoo.js';
import { validateBuildOptions } from './zoo/validate-build-options.js';

/**
 * The plugin-facing {@link ModelAccess} for the run's architecture and input shape. Seeds come from the `rng` each
 * call passes (`rng.seed()`), so a plugin's forked stream decides its models' initial weights. The architecture
 * name and input shape are checked here, once, with exit-2 errors; `load` also refuses a checkpoint of another input
 * shape or another zoo architecture.
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
    load: async (directory) => {
      const model = await loadModel(directory);
      try {
        checkLoadedModel(model, { architecture, inputShape, directory });
      } catch (error) {
        model.dispose();
        throw error;
      }
      return model;
    },
  };
}

/**
 * Refuses a loaded model the run cannot use: another input shape than the run's data, or another zoo architecture
 * than the run's (a model whose name is not a zoo name, such as a generic converted Keras model, is accepted).
 */
function checkLoadedModel(model: LayersModel, expected: { architecture: string; inputShape: ImageShape; directory: string }): void {
  const inputShape = model.inputs[0].shape.slice(1);
  if (inputShape.length !== 3 || inputShape.some((side, index) => side !== null && side !== expected.inputShape[index])) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `${expected.directory}: the model takes ${inputShape.map((side) => side ?? '?').join('x')} inputs but the run's data is ${expected.inputShape.join('x')}`, {
      details: { file: expected.directory, modelInputShape: inputShape, dataInputShape: expected.inputShape },
    });
  }
  const isZooName = listModels().some((entry) => entry.name === model.name);
  if (isZooName && model.name !== expected.architecture) {
    throw inputError('ADVBENCH_ERR_MODEL_ARCHITECTURE', `${expected.directory}: holds a ${model.name} but the run's model is ${expected.architecture} (set model.name to ${model.name})`, {
      details: { file: expected.directory, architecture: model.name, expected: expected.architecture },
    });
  }
}
