import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '../plugin-api/index.js';
import { inputError } from '../plugin-api/index.js';
import { buildFromConfig, copyWeights } from './clone-model.js';
import { weightSeed } from './zoo/initializer-seeds.js';

/** The dense output layer of `model` (its head); models with several outputs or another last layer are refused. */
export function headLayer(model: LayersModel): tfl.layers.Layer {
  const outputs = model.outputLayers;
  if (outputs.length !== 1 || outputs[0].getClassName() !== 'Dense') {
    throw inputError('ADVBENCH_ERR_MODEL_HEAD', `model ${model.name} has no single dense output layer to replace (outputs: ${outputs.map((layer) => `${layer.name} (${layer.getClassName()})`).join(', ')})`, {
      details: { model: model.name },
    });
  }
  return outputs[0];
}

/**
 * A new model with the body of `model` (every weight but the head's copied into new variables) and a new dense head
 * of `classes` outputs, same layer name, glorot-uniform kernel seeded from `seed` and zero bias. INN uses this for
 * its `classes x K` head. `model` is left as it was; the caller owns and disposes the new model.
 */
export function replaceHead(model: LayersModel, options: { classes: number; seed: number }): LayersModel {
  if (!Number.isInteger(options.classes) || options.classes < 1) {
    throw inputError('ADVBENCH_ERR_MODEL_CLASSES', `replaceHead: classes must be a positive integer, got ${String(options.classes)}`, { details: { classes: options.classes } });
  }
  const head = headLayer(model);
  const config = structuredClone(model.getConfig()) as { layers: Array<{ name: string; config: Record<string, unknown> }> };
  const headConfig = config.layers.find((layer) => layer.name === head.name);
  if (!headConfig) throw inputError('ADVBENCH_ERR_MODEL_HEAD', `model ${model.name}: the head ${head.name} is missing from its config`, { details: { model: model.name } });
  headConfig.config.units = options.classes;
  headConfig.config.kernelInitializer = { className: 'GlorotUniform', config: { seed: weightSeed(options.seed, `${head.name}/kernel`) } };
  headConfig.config.biasInitializer = { className: 'Zeros', config: {} };
  const replaced = buildFromConfig(model.getClassName(), config as unknown as tf.serialization.ConfigDict);
  try {
    copyWeights(model, replaced, new Set([head.name]));
    const newHead = replaced.getLayer(head.name);
    const [kernel, bias] = newHead.getWeights();
    const initializer = tfl.initializers.glorotUniform({ seed: weightSeed(options.seed, `${head.name}/kernel`) });
    const initial = tf.tidy(() => (bias === undefined ? [initializer.apply(kernel.shape)] : [initializer.apply(kernel.shape), tf.zerosLike(bias)]));
    newHead.setWeights(initial);
    tf.dispose(initial);
  } catch (error) {
    replaced.dispose();
    throw error;
  }
  return replaced;
}
