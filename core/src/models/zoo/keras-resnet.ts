import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape, LayersModel } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import { caffePreprocessing } from './caffe-preprocessing-layer.js';
import { createSeededInitializers, type SeededInitializers } from './initializer-seeds.js';
import type { ModelBuildOptions } from './zoo-types.js';

/** Bottleneck blocks per stage (conv2..conv5) of the Keras applications ResNet v1 depths. */
export const KERAS_RESNET_STAGES = {
  50: [3, 4, 6, 3],
  101: [3, 4, 23, 3],
  152: [3, 8, 36, 3],
} as const;

/** A depth of {@link KERAS_RESNET_STAGES}. */
export type KerasResnetDepth = keyof typeof KERAS_RESNET_STAGES;

const BATCH_NORM_EPSILON = 1.001e-5;
const SMALLEST_SIDE = 32;

type Symbolic = tfl.SymbolicTensor;

/**
 * Builds ResNet-50/101/152 v1 with the layer names, structure and weight shapes of Keras applications
 * (`conv1_pad`, `conv1_conv`, `conv1_bn`, `conv1_relu`, `pool1_pad`, `pool1_pool`, `conv2_block1_0_conv`, ...,
 * `avg_pool`, `predictions`; convolutions with bias, batch-norm epsilon 1.001e-5), so weights converted from Keras
 * load into it. Two differences, both on purpose: a `caffe_preprocessing` layer after the input (inputs are RGB in
 * [0, 1]) and a linear `predictions` head (the model outputs logits; Keras' softmax is left out).
 * Refuses inputs without 3 channels (the caffe means are per RGB channel) or smaller than 32x32.
 */
export function buildKerasResnet(depth: KerasResnetDepth, options: ModelBuildOptions): LayersModel {
  checkKerasResnetInput(depth, options.inputShape);
  const init = createSeededInitializers(options.seed, options.initialization);
  const input = tfl.input({ shape: [...options.inputShape], name: 'input' });
  let x = caffePreprocessing().apply(input) as Symbolic;
  x = tfl.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'conv1_pad' }).apply(x) as Symbolic;
  x = convolution(init, x, { filters: 64, kernelSize: 7, strides: 2, padding: 'valid', name: 'conv1_conv' });
  x = batchNorm(x, 'conv1_bn');
  x = relu(x, 'conv1_relu');
  x = tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pool1_pad' }).apply(x) as Symbolic;
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as Symbolic;
  const stages = KERAS_RESNET_STAGES[depth];
  const filters = [64, 128, 256, 512];
  for (let stage = 0; stage < stages.length; stage += 1) {
    const name = `conv${stage + 2}`;
    x = bottleneckBlock(init, x, { filters: filters[stage], stride: stage === 0 ? 1 : 2, projection: true, name: `${name}_block1` });
    for (let block = 2; block <= stages[stage]; block += 1) {
      x = bottleneckBlock(init, x, { filters: filters[stage], stride: 1, projection: false, name: `${name}_block${block}` });
    }
  }
  x = tfl.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as Symbolic;
  const logits = tfl.layers
    .dense({ units: options.classes, kernelInitializer: init.glorotUniform('predictions/kernel'), name: 'predictions' })
    .apply(x) as Symbolic;
  return tfl.model({ inputs: input, outputs: logits, name: `resnet${depth}` });
}

/** Refuses input shapes a Keras-layout ResNet cannot take: not RGB (the caffe means are per RGB channel) or under 32x32. */
export function checkKerasResnetInput(depth: KerasResnetDepth, inputShape: ImageShape): void {
  const [height, width, channels] = inputShape;
  if (channels !== 3) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `resnet${depth} needs RGB inputs (3 channels, for the caffe channel means), got ${inputShape.join('x')}`, {
      details: { model: `resnet${depth}`, inputShape },
    });
  }
  if (height < SMALLEST_SIDE || width < SMALLEST_SIDE) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `resnet${depth} needs inputs of at least ${SMALLEST_SIDE}x${SMALLEST_SIDE}, got ${inputShape.join('x')}`, {
      details: { model: `resnet${depth}`, inputShape },
    });
  }
}

/** Keras `block1`: 1x1 -> 3x3 -> 1x1 (4x filters) bottleneck, projection shortcut in a stage's first block. */
function bottleneckBlock(
  init: SeededInitializers,
  input: Symbolic,
  options: { filters: number; stride: number; projection: boolean; name: string },
): Symbolic {
  const { filters, stride, name } = options;
  let shortcut = input;
  if (options.projection) {
    shortcut = convolution(init, input, { filters: 4 * filters, kernelSize: 1, strides: stride, padding: 'valid', name: `${name}_0_conv` });
    shortcut = batchNorm(shortcut, `${name}_0_bn`);
  }
  let x = convolution(init, input, { filters, kernelSize: 1, strides: stride, padding: 'valid', name: `${name}_1_conv` });
  x = batchNorm(x, `${name}_1_bn`);
  x = relu(x, `${name}_1_relu`);
  x = convolution(init, x, { filters, kernelSize: 3, strides: 1, padding: 'same', name: `${name}_2_conv` });
  x = batchNorm(x, `${name}_2_bn`);
  x = relu(x, `${name}_2_relu`);
  x = convolution(init, x, { filters: 4 * filters, kernelSize: 1, strides: 1, padding: 'valid', name: `${name}_3_conv` });
  x = batchNorm(x, `${name}_3_bn`);
  x = tfl.layers.add({ name: `${name}_add` }).apply([shortcut, x]) as Symbolic;
  return relu(x, `${name}_out`);
}

function convolution(
  init: SeededInitializers,
  input: Symbolic,
  options: { filters: number; kernelSize: number; strides: number; padding: 'valid' | 'same'; name: string },
): Symbolic {
  return tfl.layers
    .conv2d({ ...options, useBias: true, kernelInitializer: init.heNormal(`${options.name}/kernel`) })
    .apply(input) as Symbolic;
}

function batchNorm(input: Symbolic, name: string): Symbolic {
  return tfl.layers.batchNormalization({ axis: 3, epsilon: BATCH_NORM_EPSILON, name }).apply(input) as Symbolic;
}

function relu(input: Symbolic, name: string): Symbolic {
  return tfl.layers.activation({ activation: 'relu', name }).apply(input) as Symbolic;
}
