import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../compute/select-backend.js';
import { predictFixed, randomizeWeights, tinyResnet } from '../testing/tiny-models.js';
import { caffePreprocessing } from '../zoo/caffe-preprocessing-layer.js';
import { fileSystemIOHandler } from './file-system-io-handler.js';

let root: string;

beforeAll(async () => {
  await selectBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'advbench-handler-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('fileSystemIOHandler', () => {
  it('works with model.save and tfl.loadLayersModel on the wasm backend', async () => {
    const model = tinyResnet({ seed: 2 });
    randomizeWeights(model, 2);
    const directory = join(root, 'plain');
    const result = await model.save(fileSystemIOHandler(directory));
    expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);
    expect((await readdir(directory)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const json = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    const loaded = await tfl.loadLayersModel(fileSystemIOHandler(directory));
    expect(Array.from(predictFixed(loaded))).toEqual(Array.from(predictFixed(model)));
    loaded.dispose();
    model.dispose();
  });

  it('round-trips the caffe preprocessing layer through tfjs serialization', async () => {
    const input = tfl.input({ shape: [2, 2, 3] });
    const flat = tfl.layers.flatten().apply(caffePreprocessing().apply(input)) as tfl.SymbolicTensor;
    const output = tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    const directory = join(root, 'caffe');
    await model.save(fileSystemIOHandler(directory));
    const loaded = await tfl.loadLayersModel(fileSystemIOHandler(directory));
    expect(loaded.layers[1].getClassName()).toBe('CaffePreprocessing');
    const [expected, got] = tf.tidy(() => {
      const x = tf.randomUniform([1, 2, 2, 3], 0, 1, 'float32', 4);
      return [(model.predict(x) as tf.Tensor).dataSync(), (loaded.predict(x) as tf.Tensor).dataSync()];
    });
    expect(Array.from(got)).toEqual(Array.from(expected));
    loaded.dispose();
    model.dispose();
  });
});
