import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ImageShape, LayersModel } from '../../plugin-api/index.js';
import { inputError, isAdvbenchError } from '../../plugin-api/index.js';
import { CaffePreprocessing } from '../zoo/caffe-preprocessing-layer.js';
import '../zoo/imagenet-normalization-layer.js';
import { buildModel } from '../zoo/model-zoo.js';
import { assignWeights } from './assign-weights.js';
import { readCheckpointMetadata } from './checkpoint-metadata.js';
import { readModelFolder } from './file-system-io-handler.js';
import { MODEL_JSON } from './model-folder-format.js';
import { pythonicToCamelCase } from './pythonic-config.js';
import { isInterruptedSaveFolder } from './save-model.js';

/**
 * Loads a model saved by {@link saveModel} (or any tfjs layers-format folder) on any backend. The topology is
 * built without running initializers, then every weight is shape-checked against the file before it is written.
 * A softmax on the output layer (a converted Keras classifier) is dropped, so the model outputs logits. A converted
 * Keras applications ResNet-50/101/152 (no advbench metadata, model named `resnet50`...) is loaded into the zoo's
 * model of that name instead, so it too takes [0, 1] RGB inputs (caffe preprocessing inside). Missing or
 * truncated files, unknown layers and wrong shapes throw exit-2 errors naming the file and the layer; the
 * `<directory>.tmp-*` folder of an interrupted save is refused.
 */
export async function loadModel(directory: string): Promise<LayersModel> {
  const folder = resolve(directory);
  if (isInterruptedSaveFolder(folder)) {
    throw inputError('ADVBENCH_ERR_MODEL_NOT_FOUND', `${folder}: is the temp folder of an interrupted save, not a checkpoint`, { details: { file: folder } });
  }
  const metadata = await readCheckpointMetadata(folder);
  const artifacts = await readModelFolder(folder);
  const file = join(folder, MODEL_JSON);
  const keras = metadata === undefined ? recognizeKerasResnet(artifacts.modelTopology as Record<string, unknown>) : undefined;
  const model = keras
    ? buildModel(keras.architecture, { inputShape: keras.inputShape, classes: keras.classes, seed: 0, initialization: 'zeros' })
    : buildTopology(artifacts.modelTopology as Record<string, unknown>, file);
  try {
    assignWeights(model, { specs: artifacts.weightSpecs ?? [], data: artifacts.weightData as ArrayBuffer, file });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Architecture, input shape and classes of a converted Keras applications ResNet topology, if it is one. */
export function recognizeKerasResnet(topology: Record<string, unknown>): { architecture: string; inputShape: ImageShape; classes: number } | undefined {
  const unwrapped = (topology.model_config ?? topology) as { config?: { name?: unknown; layers?: Array<{ class_name?: string; config?: Record<string, unknown> }> } };
  const name = unwrapped.config?.name;
  const layers = unwrapped.config?.layers;
  if (typeof name !== 'string' || !/^resnet(50|101|152)$/.test(name) || !Array.isArray(layers)) return undefined;
  if (layers.some((layer) => layer.class_name === CaffePreprocessing.className)) return undefined;
  const input = layers.find((layer) => layer.class_name === 'InputLayer')?.config;
  const head = layers.find((layer) => layer.config?.name === 'predictions')?.config;
  const batchShape = (input?.batch_input_shape ?? input?.batch_shape) as Array<number | null> | undefined;
  if (!head || typeof head.units !== 'number' || !Array.isArray(batchShape) || batchShape.length !== 4) return undefined;
  const [height, width, channels] = batchShape.slice(1).map((side) => side ?? 224);
  return { architecture: name, inputShape: [height, width, channels ?? 3], classes: head.units };
}

/** Builds the model a Keras-style topology describes, with zero-filled weights (no initializers run). */
export function buildTopology(topology: Record<string, unknown>, file: string): LayersModel {
  const unwrapped = (topology.model_config ?? topology) as Record<string, unknown>;
  const converted = pythonicToCamelCase(unwrapped) as { className?: string; config?: Record<string, unknown> };
  const className = converted.className;
  const registered = className === undefined ? undefined : tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!registered || typeof converted.config !== 'object') {
    throw inputError('ADVBENCH_ERR_MODEL_FILE', `${file}: modelTopology is not a layers model (class ${String(className)})`, { details: { file } });
  }
  dropOutputSoftmax(converted.config);
  // tfjs types fromConfig with two parameters; every layers class also takes customObjects and fastWeightInit
  // (zero-filled weights instead of running initializers, as tfjs' own loader does when weights follow).
  const [cls, fromConfig] = registered as unknown as [unknown, FromConfigWithFastInit];
  try {
    return fromConfig(cls, converted.config as tf.serialization.ConfigDict, {}, true);
  } catch (error) {
    if (isAdvbenchError(error)) throw error;
    throw inputError('ADVBENCH_ERR_MODEL_FILE', `${file}: the topology cannot be built: ${(error as Error).message}`, { cause: error, details: { file } });
  }
}

type FromConfigWithFastInit = (cls: unknown, config: tf.serialization.ConfigDict, customObjects: tf.serialization.ConfigDict, fastWeightInit: boolean) => LayersModel;

/** Sets a softmax activation on an output layer to linear, so the model outputs logits. */
function dropOutputSoftmax(config: Record<string, unknown>): void {
  const layers = config.layers as Array<{ name?: string; config?: Record<string, unknown> }> | undefined;
  const outputs = config.outputLayers as unknown[] | undefined;
  if (!Array.isArray(layers)) return;
  const outputNames = new Set(Array.isArray(outputs) ? outputs.map((output) => (Array.isArray(output) ? output[0] : undefined)) : [layers[layers.length - 1]?.name]);
  for (const layer of layers) {
    const layerConfig = layer.config;
    if (layerConfig && outputNames.has(layer.name ?? (layerConfig.name as string)) && layerConfig.activation === 'softmax') layerConfig.activation = 'linear';
  }
}
