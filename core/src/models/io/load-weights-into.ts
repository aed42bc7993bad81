import { join, resolve } from 'node:path';
import type { LayersModel } from '../../plugin-api/index.js';
import { headLayer } from '../replace-head.js';
import { assignWeights } from './assign-weights.js';
import { readModelFolder } from './file-system-io-handler.js';
import { MODEL_JSON } from './model-folder-format.js';

/**
 * Loads the weights of a tfjs layers-format folder (for example Keras applications weights converted with
 * `tensorflowjs_converter --input_format keras`) into a zoo model with the same layer names. Only weights are read:
 * the folder's topology, and so a Keras softmax head, is ignored. With `skipHead`, the model's dense output layer
 * keeps its own weights (pretrained body, new head). Every shape is checked before anything is written, so on an
 * exit-2 error (naming the layer, both shapes and the file) the model is unchanged.
 */
export async function loadWeightsInto(model: LayersModel, directory: string, options: { skipHead?: boolean } = {}): Promise<void> {
  const folder = resolve(directory);
  const artifacts = await readModelFolder(folder);
  const skipLayers = new Set(options.skipHead ? [headLayer(model).name] : []);
  assignWeights(model, { specs: artifacts.weightSpecs ?? [], data: artifacts.weightData as ArrayBuffer, file: join(folder, MODEL_JSON) }, { skipLayers });
}
