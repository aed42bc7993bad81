import type { ImageShape, LayersModel } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import { buildBenchResnet } from './bench-resnet.js';
import { buildCifarResnet } from './cifar-resnet.js';
import { buildKerasResnet, checkKerasResnetInput } from './keras-resnet.js';
import { buildTorchvisionResnet, checkTorchvisionResnetInput, TORCHVISION_RESNETS, type TorchvisionResnetName } from './torchvision-resnet.js';
import { validateBuildOptions } from './validate-build-options.js';
import type { ModelBuildOptions, ZooEntry } from './zoo-types.js';

/** Width of the zoo's `bench-resnet` (the compute benchmark's network). */
export const BENCH_RESNET_WIDTH = 8;

const entries: readonly ZooEntry[] = [
  {
    name: 'bench-resnet',
    checkInput: (inputShape) => checkSmallInput('bench-resnet', inputShape),
    description: `The compute benchmark's small ResNet at width ${BENCH_RESNET_WIDTH} (28x28 / 32x32 inputs)`,
    defaultInputShape: [32, 32, 3],
    defaultClasses: 10,
    // Small: always built with its own seeded initializers (`initialization: 'zeros'` does not apply).
    build: (options) => buildBenchResnet({ width: BENCH_RESNET_WIDTH, inputShape: options.inputShape, classes: options.classes, seed: options.seed }),
  },
  {
    name: 'resnet8',
    checkInput: (inputShape) => checkSmallInput('resnet8', inputShape),
    description: 'ResNet-8: the bench-resnet structure at width 16 (3 stages x 1 basic block, widths 16/32/64; fast, 28x28 / 32x32 inputs)',
    defaultInputShape: [28, 28, 1],
    defaultClasses: 10,
    build: (options) => {
      const model = buildBenchResnet({ width: 16, inputShape: options.inputShape, classes: options.classes, seed: options.seed });
      model.name = 'resnet8';
      return model;
    },
  },
  {
    name: 'resnet20',
    checkInput: (inputShape) => checkSmallInput('resnet20', inputShape),
    description: 'ResNet-20 (He et al. 2016, CIFAR): 3 stages x 3 basic blocks, widths 16/32/64, ~0.27M parameters',
    defaultInputShape: [32, 32, 3],
    defaultClasses: 10,
    build: (options) => buildCifarResnet({ name: 'resnet20', width: 16, blocksPerStage: 3 }, options),
  },
  ...([50, 101, 152] as const).map(kerasResnetEntry),
  ...(Object.keys(TORCHVISION_RESNETS) as TorchvisionResnetName[]).map(torchvisionResnetEntry),
];

/** torchvision's ResNets (v1.5) and Wide-ResNet-50-2: `advbench models import` loads PyTorch state_dicts into them. */
function torchvisionResnetEntry(name: TorchvisionResnetName): ZooEntry {
  return {
    name,
    description: `torchvision ${TORCHVISION_RESNETS[name].torchvision} (ResNet v1.5 layout; imports PyTorch state_dicts), ImageNet normalization inside`,
    defaultInputShape: [224, 224, 3],
    defaultClasses: 1000,
    checkInput: (inputShape) => checkTorchvisionResnetInput(name, inputShape),
    build: (options) => buildTorchvisionResnet(name, options),
  };
}

/** ResNet-50/101/152: the Keras applications layout, so converted Keras weights load into them. */
function kerasResnetEntry(depth: 50 | 101 | 152): ZooEntry {
  return {
    name: `resnet${depth}`,
    description: `ResNet-${depth} v1, Keras applications layout (loads converted Keras weights), caffe preprocessing inside`,
    defaultInputShape: [224, 224, 3],
    defaultClasses: 1000,
    checkInput: (inputShape) => checkKerasResnetInput(depth, inputShape),
    build: (options) => buildKerasResnet(depth, options),
  };
}

/** The small ResNets take any image of at least 4x4 (two stride-2 stages). */
function checkSmallInput(name: string, inputShape: ImageShape): void {
  if (inputShape[0] < 4 || inputShape[1] < 4) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `${name} needs inputs of at least 4x4, got ${inputShape.join('x')}`, { details: { model: name, inputShape } });
  }
}

/** Every architecture of the zoo, in `advbench models list` order. */
export function listModels(): ZooEntry[] {
  return [...entries];
}

/** The zoo entry called `name`; an unknown name throws an exit-2 error listing the known names. */
export function findModel(name: string): ZooEntry {
  const entry = entries.find((candidate) => candidate.name === name);
  if (!entry) {
    const known = entries.map((candidate) => candidate.name).join(', ');
    throw inputError('ADVBENCH_ERR_MODEL_UNKNOWN', `unknown model "${name}" (known: ${known})`, { details: { model: name, known: entries.map((candidate) => candidate.name) } });
  }
  return entry;
}

/**
 * Builds the zoo model `name` (outputs logits, takes [0, 1] inputs). The caller owns the model and disposes it.
 * Unknown names and unusable options throw exit-2 errors.
 */
export function buildModel(name: string, options: ModelBuildOptions): LayersModel {
  const entry = findModel(name);
  validateBuildOptions(name, options);
  entry.checkInput?.(options.inputShape);
  return entry.build(options);
}
