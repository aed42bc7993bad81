import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape, LayersModel } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import { imagenetNormalization } from './imagenet-normalization-layer.js';
import { createSeededInitializers, type SeededInitializers } from './initializer-seeds.js';
import type { ModelBuildOptions } from './zoo-types.js';

/** One torchvision ResNet: its block type, blocks per stage (layer1..layer4) and bottleneck width factor. */
export interface TorchvisionResnetLayout {
  /** torchvision's function name (`torchvision.models.resnet50`). */
  torchvision: string;
  /** `basic` (two 3x3 convolutions; ResNet-18/34) or `bottleneck` (1x1, 3x3, 1x1; ResNet-50 and deeper). */
  block: 'basic' | 'bottleneck';
  /** Blocks in layer1..layer4. */
  stages: readonly [number, number, number, number];
  /** Bottleneck inner width = planes x this (1 for ResNets, 2 for Wide-ResNet-50-2). */
  widthFactor: number;
}

/** The torchvision architectures of the zoo, by zoo name (`tv-resnet50` is torchvision's `resnet50`). */
export const TORCHVISION_RESNETS = {
  'tv-resnet18': { torchvision: 'resnet18', block: 'basic', stages: [2, 2, 2, 2], widthFactor: 1 },
  'tv-resnet34': { torchvision: 'resnet34', block: 'basic', stages: [3, 4, 6, 3], widthFactor: 1 },
  'tv-resnet50': { torchvision: 'resnet50', block: 'bottleneck', stages: [3, 4, 6, 3], widthFactor: 1 },
  'tv-resnet101': { torchvision: 'resnet101', block: 'bottleneck', stages: [3, 4, 23, 3], widthFactor: 1 },
  'tv-resnet152': { torchvision: 'resnet152', block: 'bottleneck', stages: [3, 8, 36, 3], widthFactor: 1 },
  'tv-wide-resnet50-2': { torchvision: 'wide_resnet50_2', block: 'bottleneck', stages: [3, 4, 6, 3], widthFactor: 2 },
} as const satisfies Record<string, TorchvisionResnetLayout>;

/** A zoo name of {@link TORCHVISION_RESNETS}. */
export type TorchvisionResnetName = keyof typeof TORCHVISION_RESNETS;

/** torchvision's BatchNorm2d epsilon. */
const BATCH_NORM_EPSILON = 1e-5;
const SMALLEST_SIDE = 32;

type Symbolic = tfl.SymbolicTensor;

/**
 * Builds a torchvision-layout ResNet (v1.5: in a bottleneck the stride is on the 3x3 convolution): convolutions
 * without bias, batch-norm epsilon 1e-5, PyTorch's symmetric padding written as explicit zero padding (tfjs' `same`
 * pads strided layers asymmetrically), an `imagenet_normalization` layer after the input (inputs are RGB in
 * [0, 1]) and a linear `fc` head (logits). Layer names are torchvision's state_dict prefixes with `.` written as
 * `_` (`layer1_0_conv1`, `layer2_0_downsample_0`, `fc`), so `advbench models import` maps a state_dict one to one.
 */
export function buildTorchvisionResnet(name: TorchvisionResnetName, options: ModelBuildOptions): LayersModel {
  checkTorchvisionResnetInput(name, options.inputShape);
  const layout: TorchvisionResnetLayout = TORCHVISION_RESNETS[name];
  const init = createSeededInitializers(options.seed, options.initialization);
  const input = tfl.input({ shape: [...options.inputShape], name: 'input' });
  let x = imagenetNormalization().apply(input) as Symbolic;
  x = pad(x, 3, 'conv1_pad');
  x = convolution(init, x, { filters: 64, kernelSize: 7, strides: 2, name: 'conv1' });
  x = relu(batchNorm(x, 'bn1'), 'relu');
  x = pad(x, 1, 'maxpool_pad');
  // Zero padding equals PyTorch's -inf padding here: the input is after a ReLU, and every window holds a real pixel.
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'maxpool' }).apply(x) as Symbolic;
  const expansion = layout.block === 'bottleneck' ? 4 : 1;
  let channels = 64;
  for (let stage = 0; stage < 4; stage += 1) {
    const planes = 64 * 2 ** stage;
    for (let block = 0; block < layout.stages[stage]; block += 1) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const downsample = block === 0 && (stride !== 1 || channels !== planes * expansion);
      const blockOptions = { planes, stride, downsample, name: `layer${stage + 1}_${block}` };
      x = layout.block === 'bottleneck' ? bottleneckBlock(init, x, { ...blockOptions, width: planes * layout.widthFactor }) : basicBlock(init, x, blockOptions);
      channels = planes * expansion;
    }
  }
  x = tfl.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as Symbolic;
  const logits = tfl.layers.dense({ units: options.classes, kernelInitializer: init.glorotUniform('fc/kernel'), name: 'fc' }).apply(x) as Symbolic;
  return tfl.model({ inputs: input, outputs: logits, name });
}

/** Refuses input shapes a torchvision ResNet cannot take: not RGB (the normalization is per RGB channel) or under 32x32. */
export function checkTorchvisionResnetInput(name: string, inputShape: ImageShape): void {
  const [height, width, channels] = inputShape;
  if (channels !== 3) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `${name} needs RGB inputs (3 channels, for the ImageNet channel normalization), got ${inputShape.join('x')}`, {
      details: { model: name, inputShape },
    });
  }
  if (height < SMALLEST_SIDE || width < SMALLEST_SIDE) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `${name} needs inputs of at least ${SMALLEST_SIDE}x${SMALLEST_SIDE}, got ${inputShape.join('x')}`, {
      details: { model: name, inputShape },
    });
  }
}

interface BlockOptions {
  planes: number;
  stride: number;
  downsample: boolean;
  name: string;
}

/** torchvision `BasicBlock`: 3x3 (stride) -> 3x3, identity or 1x1 projection shortcut. */
function basicBlock(init: SeededInitializers, input: Symbolic, options: BlockOptions): Symbolic {
  const { planes, stride, name } = options;
  let x = convolution3x3(init, input, planes, stride, `${name}_conv1`);
  x = relu(batchNorm(x, `${name}_bn1`), `${name}_relu1`);
  x = convolution3x3(init, x, planes, 1, `${name}_conv2`);
  x = batchNorm(x, `${name}_bn2`);
  return residual(init, input, x, { ...options, outputs: planes });
}

/** torchvision `Bottleneck` (v1.5): 1x1 -> 3x3 (stride) -> 1x1 (4 x planes), identity or 1x1 projection shortcut. */
function bottleneckBlock(init: SeededInitializers, input: Symbolic, options: BlockOptions & { width: number }): Symbolic {
  const { planes, width, stride, name } = options;
  let x = convolution(init, input, { filters: width, kernelSize: 1, strides: 1, name: `${name}_conv1` });
  x = relu(batchNorm(x, `${name}_bn1`), `${name}_relu1`);
  x = convolution3x3(init, x, width, stride, `${name}_conv2`);
  x = relu(batchNorm(x, `${name}_bn2`), `${name}_relu2`);
  x = convolution(init, x, { filters: 4 * planes, kernelSize: 1, strides: 1, name: `${name}_conv3` });
  x = batchNorm(x, `${name}_bn3`);
  return residual(init, input, x, { ...options, outputs: 4 * planes });
}

/** Adds the shortcut (a 1x1 strided convolution + batch norm when `downsample`) to `x`, then ReLU. */
function residual(init: SeededInitializers, input: Symbolic, x: Symbolic, options: BlockOptions & { outputs: number }): Symbolic {
  const { name } = options;
  let shortcut = input;
  if (options.downsample) {
    shortcut = convolution(init, input, { filters: options.outputs, kernelSize: 1, strides: options.stride, name: `${name}_downsample_0` });
    shortcut = batchNorm(shortcut, `${name}_downsample_1`);
  }
  const sum = tfl.layers.add({ name: `${name}_add` }).apply([shortcut, x]) as Symbolic;
  return relu(sum, `${name}_out`);
}

/** A 3x3 convolution with PyTorch's padding 1: `same` at stride 1, explicit symmetric zero padding when strided. */
function convolution3x3(init: SeededInitializers, input: Symbolic, filters: number, stride: number, name: string): Symbolic {
  if (stride === 1) return convolution(init, input, { filters, kernelSize: 3, strides: 1, padding: 'same', name });
  return convolution(init, pad(input, 1, `${name}_pad`), { filters, kernelSize: 3, strides: stride, name });
}

function convolution(
  init: SeededInitializers,
  input: Symbolic,
  options: { filters: number; kernelSize: number; strides: number; padding?: 'valid' | 'same'; name: string },
): Symbolic {
  return tfl.layers
    .conv2d({ padding: 'valid', ...options, useBias: false, kernelInitializer: init.heNormal(`${options.name}/kernel`) })
    .apply(input) as Symbolic;
}

function pad(input: Symbolic, size: number, name: string): Symbolic {
  return tfl.layers.zeroPadding2d({ padding: [[size, size], [size, size]], name }).apply(input) as Symbolic;
}

function batchNorm(input: Symbolic, name: string): Symbolic {
  return tfl.layers.batchNormalization({ axis: 3, epsilon: BATCH_NORM_EPSILON, momentum: 0.9, name }).apply(input) as Symbolic;
}

function relu(input: Symbolic, name: string): Symbolic {
  return tfl.layers.activation({ activation: 'relu', name }).apply(input) as Symbolic;
}
