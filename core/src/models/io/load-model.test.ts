import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../compute/select-backend.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { tinyResnet } from '../testing/tiny-models.js';
import { fileSystemIOHandler, writeModelFolder } from './file-system-io-handler.js';
import { loadModel, recognizeKerasResnet } from './load-model.js';
import { saveModel } from './save-model.js';

let root: string;
let counter = 0;

beforeAll(async () => {
  await selectBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'advbench-load-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Saves a tiny model and returns its folder. */
async function savedTiny(): Promise<string> {
  const model = tinyResnet();
  const directory = join(root, `model-${(counter += 1)}`);
  await saveModel(model, directory);
  model.dispose();
  return directory;
}

/** Captures what a model saves, with its weights decoded by name. */
async function savedArtifacts(model: tfl.LayersModel) {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return artifacts!;
}

async function editModelJson(directory: string, edit: (json: Record<string, any>) => void): Promise<void> {
  const path = join(directory, 'model.json');
  const json = JSON.parse(await readFile(path, 'utf8'));
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

describe('loadModel refuses bad folders with exit-2 errors that name the file and layer', () => {
  it('a tensor whose shape in model.json does not fit its layer', async () => {
    const directory = await savedTiny();
    await editModelJson(directory, (json) => {
      const spec = json.weightsManifest[0].weights.find((weight: { name: string }) => weight.name === 'stage1_block1_1_conv/kernel');
      expect(spec.shape).toEqual([3, 3, 4, 4]);
      spec.shape = [3, 3, 2, 8]; // same byte size, wrong shape
    });
    const before = tf.memory().numTensors;
    const error = await expectInputError(loadModel(directory), 'layer "stage1_block1_1_conv"', '[3, 3, 2, 8]', '[3, 3, 4, 4]', join(directory, 'model.json'));
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({ layer: 'stage1_block1_1_conv' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a weight of another size in the shards (model.json and weights consistent, topology not)', async () => {
    const model = tinyResnet();
    const artifacts = await savedArtifacts(model);
    const named = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    named['predictions/kernel'].dispose();
    named['predictions/kernel'] = tf.zeros([16, 5]);
    const encoded = await tf.io.encodeWeights(named);
    tf.dispose(Object.values(named));
    const directory = join(root, 'resized-head');
    await writeModelFolder(directory, { ...artifacts, weightData: encoded.data, weightSpecs: encoded.specs });
    await expectInputError(loadModel(directory), 'layer "predictions"', '[16, 5]', '[16, 3]');
    model.dispose();
  });

  it('a truncated or missing shard, naming the shard file', async () => {
    const directory = await savedTiny();
    const shard = join(directory, 'group1-shard1of1.bin');
    await truncate(shard, 100);
    await expectInputError(loadModel(directory), shard, 'truncated');
    await unlink(shard);
    await expectInputError(loadModel(directory), shard, 'not found');
  });

  it('a missing or broken model.json, naming it', async () => {
    const directory = await savedTiny();
    await writeFile(join(directory, 'model.json'), '{ "modelTopology": ');
    await expectInputError(loadModel(directory), join(directory, 'model.json'), 'not valid JSON');
    await writeFile(join(directory, 'model.json'), JSON.stringify({ weightsManifest: [] }));
    await expectInputError(loadModel(directory), 'modelTopology');
    await expectInputError(loadModel(join(root, 'nowhere')), join(root, 'nowhere', 'model.json'), 'not found');
  });

  it('a weight the topology needs but the file lacks, naming the layer', async () => {
    const directory = await savedTiny();
    await editModelJson(directory, (json) => {
      const weights = json.weightsManifest[0].weights as Array<{ name: string }>;
      const index = weights.findIndex((weight) => weight.name === 'stage2_block1_0_conv/kernel');
      // Rename instead of removing, so the byte sizes still add up.
      weights[index].name = 'stage9_block1_0_conv/kernel';
    });
    await expectInputError(loadModel(directory), 'stage2_block1_0_conv');
  });

  it('a bad shape entry in the manifest', async () => {
    const directory = await savedTiny();
    await editModelJson(directory, (json) => {
      json.weightsManifest[0].weights[0].shape = [3, -1];
    });
    await expectInputError(loadModel(directory), 'bad shape', 'conv1_conv/kernel');
  });
});

describe('loadModel of a Keras-style classifier', () => {
  it('drops the softmax of the output layer so the model outputs logits', async () => {
    const input = tfl.input({ shape: [4] });
    const output = tfl.layers.dense({ units: 3, activation: 'softmax', name: 'predictions', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tfl.SymbolicTensor;
    const keras = tfl.model({ inputs: input, outputs: output, name: 'classifier' });
    const directory = join(root, 'keras-like');
    await keras.save(fileSystemIOHandler(directory));
    const loaded = await loadModel(directory);
    expect((loaded.getLayer('predictions').getConfig() as { activation: string }).activation).toBe('linear');
    const [logits, probabilities] = tf.tidy(() => {
      const x = tf.tensor2d([[1, 2, 3, 4]]);
      return [(loaded.predict(x) as tf.Tensor).dataSync(), (keras.predict(x) as tf.Tensor).dataSync()];
    });
    const softmax = tf.tidy(() => tf.softmax(tf.tensor1d(Array.from(logits))).dataSync());
    Array.from(softmax).forEach((value, index) => expect(value).toBeCloseTo(probabilities[index], 6));
    loaded.dispose();
    keras.dispose();
  });
});

describe('recognizeKerasResnet', () => {
  const topology = (name: string, extraLayers: Array<Record<string, unknown>> = []) => ({
    keras_version: '3.15.1',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Functional',
      config: {
        name,
        layers: [
          { class_name: 'InputLayer', config: { batch_shape: [null, 64, 48, 3], name: 'input_layer' } },
          ...extraLayers,
          { class_name: 'Conv2D', config: { name: 'conv1_conv', filters: 64 } },
          { class_name: 'Dense', config: { name: 'predictions', units: 7, activation: 'softmax' } },
        ],
      },
    },
  });

  it('reads the architecture, input shape and classes of a converted Keras applications ResNet', () => {
    expect(recognizeKerasResnet(topology('resnet101'))).toEqual({ architecture: 'resnet101', inputShape: [64, 48, 3], classes: 7 });
  });

  it('leaves other models and advbench-saved ones alone', () => {
    expect(recognizeKerasResnet(topology('mobilenet'))).toBeUndefined();
    expect(recognizeKerasResnet(topology('resnet50', [{ class_name: 'CaffePreprocessing', config: { name: 'caffe_preprocessing' } }]))).toBeUndefined();
  });
});
