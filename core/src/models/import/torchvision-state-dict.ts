import type { LayersModel } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import type { SafetensorsTensor } from './read-safetensors.js';

/** One model weight and the values a state_dict gives it, already in tfjs' layout. */
export interface MappedWeight {
  /** The model variable's name (`layer1_0_conv1/kernel`). */
  variable: string;
  /** The state_dict key it comes from (`layer1.0.conv1.weight`). */
  key: string;
  /** tfjs shape (HWIO for a convolution kernel, [in, out] for a dense kernel). */
  shape: number[];
  /** Values in that shape's row-major order. */
  values: Float32Array;
}

/** How many offending keys an error names in each category. */
const NAMED_KEYS = 5;

/** state_dict suffixes of each layer type, with the tfjs weight they fill (in the layer's weight order). */
const PARAMETERS: Record<string, Array<{ suffix: string; weight: string }>> = {
  Conv2D: [{ suffix: 'weight', weight: 'kernel' }],
  BatchNormalization: [
    { suffix: 'weight', weight: 'gamma' },
    { suffix: 'bias', weight: 'beta' },
    { suffix: 'running_mean', weight: 'moving_mean' },
    { suffix: 'running_var', weight: 'moving_variance' },
  ],
  Dense: [
    { suffix: 'weight', weight: 'kernel' },
    { suffix: 'bias', weight: 'bias' },
  ],
};

/**
 * Maps a torchvision ResNet state_dict onto a zoo `tv-*` model: layer `layer1_0_conv1` takes the keys
 * `layer1.0.conv1.*`; convolution weights go from PyTorch's OIHW to tfjs' HWIO, `fc.weight` from [out, in] to
 * [in, out], batch norm's weight / bias / running_mean / running_var become gamma / beta / moving_mean /
 * moving_variance. `num_batches_tracked` counters are ignored, and a `module.` prefix on every key (a model saved
 * from `nn.DataParallel`) is dropped. Missing keys, unexpected keys and wrong shapes are all checked before
 * anything is returned: any of them throws one exit-2 error naming the file and the first offending keys of each
 * kind.
 */
export function mapTorchvisionStateDict(model: LayersModel, stateDict: ReadonlyMap<string, SafetensorsTensor>, file: string): MappedWeight[] {
  const tensors = withoutDataParallelPrefix(stateDict);
  const expected: Array<{ key: string; variable: string; torchShape: number[]; shape: number[]; layout: 'convolution' | 'dense' | 'vector' }> = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const className = layer.getClassName();
    const parameters = PARAMETERS[className];
    if (!parameters) throw inputError('ADVBENCH_ERR_MODEL_ARCHITECTURE', `${model.name}: layer "${layer.name}" (${className}) has no torchvision mapping`, { details: { layer: layer.name } });
    const prefix = layer.name.replaceAll('_', '.');
    for (const { suffix, weight } of parameters) {
      const variable = layer.weights.find((candidate) => candidate.originalName.endsWith(`/${weight}`));
      if (!variable) throw inputError('ADVBENCH_ERR_MODEL_ARCHITECTURE', `${model.name}: layer "${layer.name}" has no ${weight} weight`, { details: { layer: layer.name } });
      const shape = [...variable.shape] as number[];
      const layout = shape.length === 4 ? 'convolution' : shape.length === 2 ? 'dense' : 'vector';
      const torchShape = layout === 'convolution' ? [shape[3], shape[2], shape[0], shape[1]] : layout === 'dense' ? [shape[1], shape[0]] : shape;
      expected.push({ key: `${prefix}.${suffix}`, variable: variable.originalName, torchShape, shape, layout });
    }
  }
  const expectedKeys = new Set(expected.map((entry) => entry.key));
  const missing = expected.filter((entry) => !tensors.has(entry.key)).map((entry) => entry.key);
  const unexpected = [...tensors.keys()].filter((key) => !expectedKeys.has(key) && !key.endsWith('num_batches_tracked'));
  const wrongShapes = expected
    .filter((entry) => tensors.has(entry.key) && !sameShape(tensors.get(entry.key)!.shape, entry.torchShape))
    .map((entry) => `${entry.key} is [${tensors.get(entry.key)!.shape.join(', ')}], ${model.name} needs [${entry.torchShape.join(', ')}]`);
  if (missing.length + unexpected.length + wrongShapes.length > 0) {
    const parts = [
      listed('missing keys', missing),
      listed('unexpected keys', unexpected),
      listed('wrong shapes', wrongShapes),
    ].filter((part) => part !== undefined);
    throw inputError('ADVBENCH_ERR_MODEL_WEIGHTS', `${file}: the state_dict does not match ${model.name}: ${parts.join('; ')}`, {
      details: { file, architecture: model.name, missing: missing.slice(0, NAMED_KEYS), unexpected: unexpected.slice(0, NAMED_KEYS), wrongShapes: wrongShapes.slice(0, NAMED_KEYS) },
    });
  }
  return expected.map((entry) => {
    const source = tensors.get(entry.key)!;
    const values = entry.layout === 'convolution' ? oihwToHwio(source) : entry.layout === 'dense' ? transpose2d(source) : source.values;
    return { variable: entry.variable, key: entry.key, shape: entry.shape, values };
  });
}

/** The state_dict without a `module.` prefix when every key has one (`nn.DataParallel`). */
function withoutDataParallelPrefix(stateDict: ReadonlyMap<string, SafetensorsTensor>): ReadonlyMap<string, SafetensorsTensor> {
  const keys = [...stateDict.keys()];
  if (keys.length === 0 || !keys.every((key) => key.startsWith('module.'))) return stateDict;
  return new Map([...stateDict].map(([key, tensor]) => [key.slice('module.'.length), tensor]));
}

function listed(what: string, items: string[]): string | undefined {
  if (items.length === 0) return undefined;
  const more = items.length > NAMED_KEYS ? ` (and ${items.length - NAMED_KEYS} more)` : '';
  return `${what} ${items.slice(0, NAMED_KEYS).join(', ')}${more}`;
}

function sameShape(left: readonly number[], right: readonly number[]): boolean {
  return left.length === right.length && left.every((side, index) => side === right[index]);
}

/** [out, in, h, w] (PyTorch) to [h, w, in, out] (tfjs). */
function oihwToHwio(source: SafetensorsTensor): Float32Array {
  const [outputs, inputs, height, width] = source.shape;
  const result = new Float32Array(source.values.length);
  const from = source.values;
  for (let o = 0; o < outputs; o += 1) {
    for (let i = 0; i < inputs; i += 1) {
      for (let h = 0; h < height; h += 1) {
        for (let w = 0; w < width; w += 1) {
          result[((h * width + w) * inputs + i) * outputs + o] = from[((o * inputs + i) * height + h) * width + w];
        }
      }
    }
  }
  return result;
}

/** [rows, columns] to [columns, rows]. */
function transpose2d(source: SafetensorsTensor): Float32Array {
  const [rows, columns] = source.shape;
  const result = new Float32Array(source.values.length);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) result[column * rows + row] = source.values[row * columns + column];
  }
  return result;
}
