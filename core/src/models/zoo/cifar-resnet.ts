import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import { createSeededInitializers, type SeededInitializers } from './initializer-seeds.js';
import type { ModelBuildOptions } from './zoo-types.js';

/** Shape of a CIFAR-style ResNet (He et al. 2016, section 4.2). */
export interface CifarResnetShape {
  /** Model name, for example `resnet20`. */
  name: string;
  /** Channels of the first stage; the second and third stages have 2x and 4x. */
  width: number;
  /** Basic blocks per stage (3 for ResNet-20, 1 for ResNet-8). */
  blocksPerStage: number;
}

const SMALLEST_SIDE = 4;

type Symbolic = tfl.SymbolicTensor;

/**
 * Builds a CIFAR-style ResNet for small images (28x28 grayscale, 32x32 RGB): a 3x3 stem convolution, three stages
 * of basic blocks (two 3x3 convolutions, batch norm, ReLU) at `width`, 2x and 4x channels, the second and third
 * stages starting with stride 2 and a 1x1 projection shortcut, then global average pooling and a linear
 * `predictions` head (logits). Convolutions have no bias (batch norm follows). Layer names:
 * `conv1_conv`, `stage2_block1_0_conv`, `stage2_block1_1_conv`, ..., `avg_pool`, `predictions`.
 */
export function buildCifarResnet(shape: CifarResnetShape, options: ModelBuildOptions): LayersModel {
  const [height, width] = options.inputShape;
  if (height < SMALLEST_SIDE || width < SMALLEST_SIDE) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `${shape.name} needs inputs of at least ${SMALLEST_SIDE}x${SMALLEST_SIDE}, got ${options.inputShape.join('x')}`, {
      details: { model: shape.name, inputShape: options.inputShape },
    });
  }
  const init = createSeededInitializers(options.seed, options.initialization);
  const input = tfl.input({ shape: [...options.inputShape], name: 'input' });
  let x = convolution(init, input, { filters: shape.width, strides: 1, kernelSize: 3, name: 'conv1_conv' });
  x = batchNorm(x, 'conv1_bn');
  x = relu(x, 'conv1_relu');
  let channels = shape.width;
  for (let stage = 1; stage <= 3; stage += 1) {
    const filters = shape.width * 2 ** (stage - 1);
    for (let block = 1; block <= shape.blocksPerStage; block += 1) {
      const stride = stage > 1 && block === 1 ? 2 : 1;
      x = basicBlock(init, x, { filters, stride, projection: stride !== 1 || channels !== filters, name: `stage${stage}_block${block}` });
      channels = filters;
    }
  }
  x = tfl.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as Symbolic;
  const logits = tfl.layers
    .dense({ units: options.classes, kernelInitializer: init.glorotUniform('predictions/kernel'), name: 'predictions' })
    .apply(x) as Symbolic;
  return tfl.model({ inputs: input, outputs: logits, name: shape.name });
}

function basicBlock(
  init: SeededInitializers,
  input: Symbolic,
  options: { filters: number; stride: number; projection: boolean; name: string },
): Symbolic {
  const { filters, stride, name } = options;
  let shortcut = input;
  if (options.projection) {
    shortcut = convolution(init, input, { filters, strides: stride, kernelSize: 1, name: `${name}_0_conv` });
    shortcut = batchNorm(shortcut, `${name}_0_bn`);
  }
  let x = convolution(init, input, { filters, strides: stride, kernelSize: 3, name: `${name}_1_conv` });
  x = batchNorm(x, `${name}_1_bn`);
  x = relu(x, `${name}_1_relu`);
  x = convolution(init, x, { filters, strides: 1, kernelSize: 3, name: `${name}_2_conv` });
  x = batchNorm(x, `${name}_2_bn`);
  x = tfl.layers.add({ name: `${name}_add` }).apply([shortcut, x]) as Symbolic;
  return relu(x, `${name}_out`);
}

function convolution(
  init: SeededInitializers,
  input: Symbolic,
  options: { filters: number; strides: number; kernelSize: number; name: string },
): Symbolic {
  return tfl.layers
    .conv2d({ ...options, padding: 'same', useBias: false, kernelInitializer: init.heNormal(`${options.name}/kernel`) })
    .apply(input) as Symbolic;
}

function batchNorm(input: Symbolic, name: string): Symbolic {
  return tfl.layers.batchNormalization({ axis: 3, name }).apply(input) as Symbolic;
}

function relu(input: Symbolic, name: string): Symbolic {
  return tfl.layers.activation({ activation: 'relu', name }).apply(input) as Symbolic;
}
