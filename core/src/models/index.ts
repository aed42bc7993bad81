/**
 * Models: the zoo (bench-resnet, resnet8, resnet20, Keras-layout resnet50/101/152), weights IO on local folders in
 * tfjs layers format, atomic checkpoints, head replacement and the plugin-facing ModelAccess.
 * @packageDocumentation
 */
export { countParameters, countTrainableParameters } from './count-parameters.js';
export { cloneModel } from './clone-model.js';
export { replaceHead, headLayer } from './replace-head.js';
export { createModelAccess } from './model-access.js';
export { saveModel } from './io/save-model.js';
export { loadModel } from './io/load-model.js';
export { loadWeightsInto } from './io/load-weights-into.js';
export { fileSystemIOHandler, readModelFolder, writeModelFolder } from './io/file-system-io-handler.js';
export { CHECKPOINT_FILE, readCheckpointMetadata, type CheckpointMetadata } from './io/checkpoint-metadata.js';
export { buildModel, findModel, listModels } from './zoo/model-zoo.js';
export type { ModelBuildOptions, ZooEntry } from './zoo/zoo-types.js';
export { CaffePreprocessing, CAFFE_BGR_MEANS } from './zoo/caffe-preprocessing-layer.js';
export { describeModel, formatModelDescription, type ModelDescription } from './describe-model.js';
export { recognizeKerasResnet } from './io/load-model.js';
