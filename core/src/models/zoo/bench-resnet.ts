import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape, LayersModel } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import { createSeededInitializers, type SeededInitializers } from './initializer-seeds.js';

/** Options of {@link buildBenchResnet}. */
export interface BenchResnetOptions {
  /** Channels of the stem and first block; the second and third blocks have 2x and 4x. */
  width: number;
  /** [height, width, channels] of the input images. */
  inputShape: ImageShape;
  /** Number of classes (logits out). */
  classes: number;
  /** Seed of the weight initializers (default 0). */
  seed?: number;
}

type Symbolic = tfl.SymbolicTensor;

/** PyTorch BatchNorm2d defaults: momentum 0.1 (tfjs keeps 1 - that) and epsilon 1e-5. */
const BATCH_NORM = { axis: 3, momentum: 0.9, epsilon: 1e-5 } as const;

/**
 * Builds "bench-resnet", the compute benchmark's network, layer for layer as the PyTorch peer
 * (`shared/peer/torch_bench.py`) defines it: a 3x3 stem convolution (no bias) with batch norm and ReLU; three
 * basic blocks of widths w, 2w, 4w and strides 1, 2, 2 (3x3 conv, BN, ReLU, 3x3 conv, BN, plus the input, through
 * a 1x1 projection convolution without bias and without BN when the stride is 2; ReLU after the sum); global
 * average pooling; a dense layer with bias to `classes` logits. Same trainable parameter count as the peer.
 *
 * Padding follows PyTorch's `padding=1` exactly: stride-1 3x3 convolutions use `same` (symmetric), the stride-2
 * ones an explicit 1-pixel zero padding then `valid` (tfjs `same` would pad bottom/right only), the 1x1
 * projections `valid`. Batch norm uses PyTorch's momentum and epsilon.
 *
 * Stable layer names: `stem_conv`, `stem_bn`, `stem_relu`, `block{1,2,3}_{conv1,bn1,relu1,conv2,bn2,add,relu}`,
 * `block{2,3}_pad`, `block{2,3}_shortcut`, `pool`, `logits`.
 */
export function buildBenchResnet(options: BenchResnetOptions): LayersModel {
  const { width, inputShape, classes } = options;
  if (!Number.isInteger(width) || width < 1) {
    throw inputError('ADVBENCH_ERR_MODEL_OPTION', `bench-resnet: width must be a positive integer, got ${width}`, { details: { option: 'width', value: width } });
  }
  if (!Number.isInteger(classes) || classes < 2) {
    throw inputError('ADVBENCH_ERR_MODEL_OPTION', `bench-resnet: classes must be an integer >= 2, got ${classes}`, { details: { option: 'classes', value: classes } });
  }
  if (inputShape.length !== 3 || inputShape.some((side) => !Number.isInteger(side) || side < 1) || inputShape[0] < 4 || inputShape[1] < 4) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `bench-resnet: input shape must be [height >= 4, width >= 4, channels >= 1], got [${inputShape.join(', ')}]`, {
      details: { option: 'inputShape', value: inputShape },
    });
  }
  const init = createSeededInitializers(options.seed ?? 0);
  const input = tfl.input({ shape: [...inputShape], name: 'input' });
  let x = convolution(init, input, { filters: width, strides: 1, kernelSize: 3, padding: 'same', name: 'stem_conv' });
  x = tfl.layers.batchNormalization({ ...BATCH_NORM, name: 'stem_bn' }).apply(x) as Symbolic;
  x = tfl.layers.reLU({ name: 'stem_relu' }).apply(x) as Symbolic;
  x = basicBlock(init, x, { filters: width, stride: 1, name: 'block1' });
  x = basicBlock(init, x, { filters: 2 * width, stride: 2, name: 'block2' });
  x = basicBlock(init, x, { filters: 4 * width, stride: 2, name: 'block3' });
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as Symbolic;
  const logits = tfl.layers
    .dense({ units: classes, kernelInitializer: init.glorotUniform('logits/kernel'), name: 'logits' })
    .apply(x) as Symbolic;
  return tfl.model({ inputs: input, outputs: logits, name: 'bench-resnet' });
}

function basicBlock(init: SeededInitializers, input: Symbolic, options: { filters: number; stride: number; name: string }): Symbolic {
  const { filters, stride, name } = options;
  let x: Symbolic;
  if (stride === 1) {
    x = convolution(init, input, { filters, strides: 1, kernelSize: 3, padding: 'same', name: `${name}_conv1` });
  } else {
    const padded = tfl.layers.zeroPadding2d({ padding: 1, name: `${name}_pad` }).apply(input) as Symbolic;
    x = convolution(init, padded, { filters, strides: stride, kernelSize: 3, padding: 'valid', name: `${name}_conv1` });
  }
  x = tfl.layers.batchNormalization({ ...BATCH_NORM, name: `${name}_bn1` }).apply(x) as Symbolic;
  x = tfl.layers.reLU({ name: `${name}_relu1` }).apply(x) as Symbolic;
  x = convolution(init, x, { filters, strides: 1, kernelSize: 3, padding: 'same', name: `${name}_conv2` });
  x = tfl.layers.batchNormalization({ ...BATCH_NORM, name: `${name}_bn2` }).apply(x) as Symbolic;
  const shortcut = stride === 1
    ? input
    : convolution(init, input, { filters, strides: stride, kernelSize: 1, padding: 'valid', name: `${name}_shortcut` });
  x = tfl.layers.add({ name: `${name}_add` }).apply([x, shortcut]) as Symbolic;
  return tfl.layers.reLU({ name: `${name}_relu` }).apply(x) as Symbolic;
}

function convolution(
  init: SeededInitializers,
  input: Symbolic,
  options: { filters: number; strides: number; kernelSize: number; padding: 'same' | 'valid'; name: string },
): Symbolic {
  return tfl.layers
    .conv2d({ ...options, useBias: false, kernelInitializer: init.heNormal(`${options.name}/kernel`) })
    .apply(input) as Symbolic;
}

/** Trainable parameters of a model (what PyTorch's `sum(p.numel() for p in model.parameters())` counts). */
export function countTrainableParameters(model: LayersModel): number {
  return model.trainableWeights.reduce((total, weight) => total + weight.shape.reduce((a, b) => (a ?? 1) * (b ?? 1), 1)!, 0);
}
