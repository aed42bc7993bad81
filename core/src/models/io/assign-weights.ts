import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';

/** Weights read from a layers-format folder. */
export interface WeightSource {
  /** Manifest entries, in shard order. */
  specs: tf.io.WeightsManifestEntry[];
  /** All shards, concatenated. */
  data: ArrayBuffer;
  /** The `model.json` they came from, named in errors. */
  file: string;
}

/**
 * Writes the weights of `source` into the variables of `model`, matched by layer name and weight name
 * (`conv1_conv/kernel`; a `:0` suffix and any prefix such as a Keras model name are ignored; Keras 3 index names
 * `conv1_conv/0` match by position). Every shape is checked before anything is written: a missing weight, a
 * wrong shape or a weight the model lacks throws an exit-2 error naming the layer, both shapes and the file.
 * Layers in `skipLayers` keep their weights, and the source's weights for them are ignored.
 */
export function assignWeights(model: LayersModel, source: WeightSource, options: { skipLayers?: ReadonlySet<string> } = {}): void {
  const skip = options.skipLayers ?? new Set<string>();
  const byKey = new Map<string, tf.io.WeightsManifestEntry>();
  for (const spec of source.specs) {
    const key = weightKey(spec.name, source.file);
    if (byKey.has(key)) throw problem(source.file, `holds two weights named ${key}`, { weight: key });
    byKey.set(key, spec);
  }
  const used = new Set<string>();
  const targets: Array<{ variable: (typeof model.weights)[number]; specName: string }> = [];
  for (const layer of model.layers) {
    if (skip.has(layer.name)) {
      for (const key of byKey.keys()) if (key.startsWith(`${layer.name}/`)) used.add(key);
      continue;
    }
    layer.weights.forEach((variable, index) => {
      const parameter = variable.originalName.split('/').pop() ?? variable.originalName;
      const key = [`${layer.name}/${parameter}`, `${layer.name}/${index}`].find((candidate) => byKey.has(candidate));
      const expected = variable.shape;
      if (key === undefined) {
        throw problem(source.file, `has no weight for layer "${layer.name}" (${layer.name}/${parameter}, shape [${expected.join(', ')}])`, { layer: layer.name, weight: `${layer.name}/${parameter}` });
      }
      const spec = byKey.get(key)!;
      if (!sameShape(spec.shape, expected)) {
        throw problem(source.file, `layer "${layer.name}": weight ${key} has shape [${spec.shape.join(', ')}] in the file but the model expects [${expected.join(', ')}]`, {
          layer: layer.name,
          weight: key,
          fileShape: spec.shape,
          modelShape: expected,
        });
      }
      used.add(key);
      targets.push({ variable, specName: spec.name });
    });
  }
  const extra = [...byKey.keys()].filter((key) => !used.has(key));
  if (extra.length > 0) {
    const layer = extra[0].split('/')[0];
    throw problem(source.file, `holds weights the model has no place for, first of ${extra.length}: ${extra[0]} (is there a layer "${layer}" in this architecture?)`, { layer, weight: extra[0] });
  }
  const decoded = tf.io.decodeWeights(source.data, source.specs);
  try {
    for (const { variable, specName } of targets) {
      const value = decoded[specName];
      if (value.dtype !== variable.dtype) {
        tf.tidy(() => {
          variable.write(tf.cast(value, variable.dtype));
        });
      } else {
        variable.write(value);
      }
    }
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

/** `layer/parameter` of a stored weight name (`resnet50/conv1_conv/kernel:0` becomes `conv1_conv/kernel`). */
function weightKey(name: string, file: string): string {
  const parts = name.replace(/:\d+$/, '').split('/');
  if (parts.length < 2) throw problem(file, `weight "${name}" is not named layer/weight`, { weight: name });
  return parts.slice(-2).join('/');
}

function sameShape(left: readonly number[], right: ReadonlyArray<number | null>): boolean {
  return left.length === right.length && left.every((side, index) => side === right[index]);
}

function problem(file: string, what: string, details: Record<string, unknown>) {
  return inputError('ADVBENCH_ERR_MODEL_WEIGHTS', `${file}: ${what}`, { details: { file, ...details } });
}
