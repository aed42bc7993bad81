import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageShape, LayersModel } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import { countParameters } from '../count-parameters.js';

/** File name of the checkpoint metadata, written last inside a checkpoint folder. */
export const CHECKPOINT_FILE = 'advbench-checkpoint.json';

/** What `advbench-checkpoint.json` records about a saved model. */
export interface CheckpointMetadata {
  /** Always `advbench-checkpoint`. */
  format: 'advbench-checkpoint';
  /** Metadata format version, 1. */
  version: 1;
  /** Zoo architecture (the model's name, for example `resnet20`). */
  architecture: string;
  /** Outputs of the head. */
  classes: number;
  /** Input [height, width, channels]. */
  inputShape: ImageShape;
  /** Scalar weights, trainable and not. */
  parameters: number;
  /** ISO time of the save. */
  created: string;
}

/** The metadata of `model` as saved now. */
export function checkpointMetadataOf(model: LayersModel): CheckpointMetadata {
  const inputShape = model.inputs[0].shape.slice(1) as ImageShape;
  const outputShape = model.outputs[0].shape;
  return {
    format: 'advbench-checkpoint',
    version: 1,
    architecture: model.name,
    classes: outputShape[outputShape.length - 1] ?? 0,
    inputShape,
    parameters: countParameters(model),
    created: new Date().toISOString(),
  };
}

/**
 * Reads the checkpoint metadata of `directory`; undefined when the folder has none (a converted Keras model).
 * A file that is there but malformed throws an exit-2 error naming it.
 */
export async function readCheckpointMetadata(directory: string): Promise<CheckpointMetadata | undefined> {
  const path = join(directory, CHECKPOINT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw inputError('ADVBENCH_ERR_MODEL_FILE', `${path}: cannot be read (${(error as Error).message})`, { cause: error, details: { file: path } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError('ADVBENCH_ERR_MODEL_FILE', `${path}: not valid JSON (${(error as Error).message})`, { cause: error, details: { file: path } });
  }
  const metadata = value as Partial<CheckpointMetadata> | null;
  if (metadata === null || typeof metadata !== 'object' || metadata.format !== 'advbench-checkpoint' || typeof metadata.architecture !== 'string' || !Number.isInteger(metadata.classes) || !Array.isArray(metadata.inputShape)) {
    throw inputError('ADVBENCH_ERR_MODEL_FILE', `${path}: not an advbench checkpoint description (needs format, architecture, classes, inputShape)`, { details: { file: path } });
  }
  return metadata as CheckpointMetadata;
}
