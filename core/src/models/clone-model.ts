import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '../plugin-api/index.js';
import { AdvbenchError } from '../plugin-api/index.js';
import './zoo/caffe-preprocessing-layer.js';

type FromConfigWithFastInit = (cls: unknown, config: tf.serialization.ConfigDict, customObjects: tf.serialization.ConfigDict, fastWeightInit: boolean) => LayersModel;

/**
 * Builds a new model from `config` (a model's `getConfig()`, possibly edited) of the class `className`, with
 * zero-filled weights: no initializers run, the caller writes the weights.
 */
export function buildFromConfig(className: string, config: tf.serialization.ConfigDict): LayersModel {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!registered) throw new AdvbenchError('ADVBENCH_ERR_MODEL_CLASS', `cannot rebuild a model of class ${className}: the class is not registered`);
  const [cls, fromConfig] = registered as unknown as [unknown, FromConfigWithFastInit];
  return fromConfig(cls, config, {}, true);
}

/** Copies every weight of `source` into the same-named layer of `target`, except the layers in `skipLayers`. */
export function copyWeights(source: LayersModel, target: LayersModel, skipLayers: ReadonlySet<string> = new Set()): void {
  for (const layer of source.layers) {
    if (skipLayers.has(layer.name) || layer.weights.length === 0) continue;
    target.getLayer(layer.name).setWeights(layer.getWeights());
  }
}

/**
 * A deep copy of `model`: same topology, layer names and model name, new variables holding the same values
 * (training one never changes the other). The caller owns and disposes the copy.
 */
export function cloneModel(model: LayersModel): LayersModel {
  const copy = buildFromConfig(model.getClassName(), structuredClone(model.getConfig()));
  try {
    copyWeights(model, copy);
  } catch (error) {
    copy.dispose();
    throw error;
  }
  return copy;
}
