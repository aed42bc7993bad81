import type * as tf from '@tensorflow/tfjs-core';
import { inputError } from '../../plugin-api/index.js';

/** File name of the model topology and weights manifest in a tfjs layers-format folder. */
export const MODEL_JSON = 'model.json';
/** Largest weight shard written, in bytes (the tfjs converter's default). */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** The parts of a layers-format `model.json` advbench reads and writes. */
export interface ModelJson {
  /** Keras-style topology (`{ class_name, config, ... }`, possibly wrapped in `model_config`). */
  modelTopology: Record<string, unknown>;
  /** `layers-model`. */
  format?: string;
  /** Writer of the file. */
  generatedBy?: string;
  /** Converter, for converted Keras models. */
  convertedBy?: string | null;
  /** Weight groups: shard file names and the tensors they hold, in order. */
  weightsManifest: tf.io.WeightsManifestConfig;
  /** Training configuration, kept when present. */
  trainingConfig?: tf.io.TrainingConfig;
  /** Free-form metadata, kept when present. */
  userDefinedMetadata?: Record<string, unknown>;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes one manifest entry takes in the shards; unsupported dtypes are refused naming the weight and file. */
export function weightByteLength(spec: tf.io.WeightsManifestEntry, file: string): number {
  const elements = spec.shape.reduce((product, side) => product * side, 1);
  const storedType = spec.quantization?.dtype ?? spec.dtype;
  const bytes = BYTES_PER_ELEMENT[storedType];
  if (bytes === undefined) {
    throw inputError('ADVBENCH_ERR_MODEL_FILE', `${file}: weight "${spec.name}" has unsupported dtype ${String(storedType)}`, { details: { file, weight: spec.name } });
  }
  return elements * bytes;
}

/**
 * Checks the parsed `model.json` of `file` has a topology and a well-formed weights manifest (names, integer
 * shapes, shard paths that stay inside the folder); throws exit-2 errors naming the file and the entry.
 */
export function validateModelJson(value: unknown, file: string): ModelJson {
  const fail = (what: string, details: Record<string, unknown> = {}) =>
    inputError('ADVBENCH_ERR_MODEL_FILE', `${file}: ${what}`, { details: { file, ...details } });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('is not a JSON object');
  const json = value as Record<string, unknown>;
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null || Array.isArray(json.modelTopology)) {
    throw fail('has no modelTopology object (is it a tfjs layers-format model.json?)');
  }
  if (json.format !== undefined && json.format !== 'layers-model') throw fail(`format is "${String(json.format)}", only "layers-model" is supported`);
  if (!Array.isArray(json.weightsManifest)) throw fail('has no weightsManifest array');
  json.weightsManifest.forEach((group: unknown, groupIndex: number) => {
    const where = `weightsManifest[${groupIndex}]`;
    if (typeof group !== 'object' || group === null) throw fail(`${where} is not an object`);
    const { paths, weights } = group as Record<string, unknown>;
    if (!Array.isArray(paths) || paths.some((path) => typeof path !== 'string' || path.length === 0 || path.includes('/') || path.includes('\\') || path.startsWith('.'))) {
      throw fail(`${where}.paths must be plain file names inside the folder`, { entry: where });
    }
    if (!Array.isArray(weights)) throw fail(`${where}.weights is not an array`, { entry: where });
    weights.forEach((spec: unknown, weightIndex: number) => {
      const entry = `${where}.weights[${weightIndex}]`;
      if (typeof spec !== 'object' || spec === null) throw fail(`${entry} is not an object`, { entry });
      const { name, shape, dtype } = spec as Record<string, unknown>;
      if (typeof name !== 'string' || name.length === 0) throw fail(`${entry}.name is not a string`, { entry });
      if (!Array.isArray(shape) || shape.some((side) => !Number.isInteger(side) || side < 0)) {
        throw fail(`weight "${name}" has a bad shape ${JSON.stringify(shape)} (${entry}.shape)`, { entry, weight: name });
      }
      if (typeof dtype !== 'string') throw fail(`weight "${name}" has no dtype (${entry}.dtype)`, { entry, weight: name });
    });
  });
  return json as unknown as ModelJson;
}
