import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AdvbenchError, inputError } from '../../plugin-api/index.js';
import { MODEL_JSON, SHARD_BYTES, type ModelJson, validateModelJson, weightByteLength } from './model-folder-format.js';

/**
 * A tfjs IOHandler on a local folder in tfjs layers format (`model.json` plus `group1-shardNofM.bin` weight shards),
 * for every backend (no tfjs-node `file://` needed). Use with `model.save(handler)` and `tfl.loadLayersModel(handler)`.
 * Saving writes into `directory` as is (not atomic: {@link saveModel} adds the temp-folder-and-rename).
 */
export function fileSystemIOHandler(directory: string): tf.io.IOHandler {
  return {
    save: (artifacts) => writeModelFolder(directory, artifacts),
    load: () => readModelFolder(directory),
  };
}

/** Writes `artifacts` into `directory` (created when missing): shards first, then `model.json`, each file fsynced. */
export async function writeModelFolder(directory: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology === undefined) {
    throw new AdvbenchError('ADVBENCH_ERR_MODEL_SAVE', `cannot save to ${directory}: only tfjs layers models (JSON topology) are supported`);
  }
  await mkdir(directory, { recursive: true });
  const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const shardCount = Math.max(1, Math.ceil(weightData.byteLength / SHARD_BYTES));
  const paths: string[] = [];
  for (let shard = 0; shard < shardCount; shard += 1) {
    const path = `group1-shard${shard + 1}of${shardCount}.bin`;
    const bytes = new Uint8Array(weightData, shard * SHARD_BYTES, Math.min(SHARD_BYTES, weightData.byteLength - shard * SHARD_BYTES));
    await writeFileSynced(join(directory, path), bytes);
    paths.push(path);
  }
  const modelJson: ModelJson = {
    modelTopology: artifacts.modelTopology as Record<string, unknown>,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata as Record<string, unknown> } : {}),
  };
  await writeFileSynced(join(directory, MODEL_JSON), new TextEncoder().encode(JSON.stringify(modelJson)));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData }) };
}

/**
 * Reads a layers-format folder: `model.json` and its shards, checked against the manifest (every shard present,
 * sizes adding up to what the manifest declares). Problems throw exit-2 errors naming the file.
 */
export async function readModelFolder(directory: string): Promise<tf.io.ModelArtifacts> {
  const { json, path: modelJsonPath } = await readModelJson(directory);
  const groups: Uint8Array[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    const shards: Uint8Array[] = [];
    for (const path of group.paths) shards.push(await readShard(join(directory, path)));
    const found = shards.reduce((sum, shard) => sum + shard.byteLength, 0);
    const declared = group.weights.reduce((sum, spec) => sum + weightByteLength(spec, modelJsonPath), 0);
    if (found !== declared) {
      const files = group.paths.map((path) => join(directory, path)).join(', ');
      throw inputError('ADVBENCH_ERR_MODEL_FILE', `${files}: the shards hold ${found} bytes but ${modelJsonPath} declares ${declared} bytes of weights (truncated or mismatched files)`, {
        details: { file: files, foundBytes: found, declaredBytes: declared },
      });
    }
    groups.push(...shards);
    weightSpecs.push(...group.weights);
  }
  const total = groups.reduce((sum, shard) => sum + shard.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const shard of groups) {
    weightData.set(shard, offset);
    offset += shard.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    weightSpecs,
    weightData: weightData.buffer,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'] } : {}),
  };
}

/** Reads and validates `<directory>/model.json`; exit-2 errors name the file (missing, not JSON, malformed). */
export async function readModelJson(directory: string): Promise<{ json: ModelJson; path: string }> {
  const path = join(directory, MODEL_JSON);
  return { json: validateModelJson(await readJson(path), path), path };
}

/** Writes `bytes` to `path` and fsyncs it, so a rename after it never exposes a half-written file. */
export async function writeFileSynced(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw missingFile(path, error);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError('ADVBENCH_ERR_MODEL_FILE', `${path}: not valid JSON (${(error as Error).message})`, { cause: error, details: { file: path } });
  }
}

async function readShard(path: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw missingFile(path, error);
  }
}

function missingFile(path: string, cause: unknown): AdvbenchError {
  const code = (cause as NodeJS.ErrnoException).code;
  const what = code === 'ENOENT' ? 'not found' : `cannot be read (${(cause as Error).message})`;
  return inputError('ADVBENCH_ERR_MODEL_NOT_FOUND', `${path}: ${what}`, { cause, details: { file: path } });
}
