import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../compute/select-backend.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { randomizeWeights, tinyResnet, weightBytes } from '../testing/tiny-models.js';
import { writeModelFolder } from './file-system-io-handler.js';
import { loadWeightsInto } from './load-weights-into.js';

let root: string;

beforeAll(async () => {
  await selectBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'advbench-weights-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * Writes `model` the way a converted Keras model looks: its own topology (here with a softmax head) and weight
 * names as `rename` makes them (Keras h5 names carry `:0`, nested models a prefix).
 */
async function writeConverted(model: tfl.LayersModel, directory: string, rename: (name: string) => string): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const weightSpecs = artifacts!.weightSpecs!.map((spec) => ({ ...spec, name: rename(spec.name) }));
  await writeModelFolder(directory, { ...artifacts!, weightSpecs });
}

describe('loadWeightsInto', () => {
  it('loads converted weights by layer name, whatever prefix or :0 suffix they carry', async () => {
    for (const [label, rename] of [
      ['plain', (name: string) => name],
      ['keras h5', (name: string) => `tiny-resnet/${name}:0`],
    ] as const) {
      const source = tinyResnet({ seed: 5 });
      randomizeWeights(source, 5);
      const directory = join(root, label.replace(' ', '-'));
      await writeConverted(source, directory, rename);
      const target = tinyResnet({ seed: 6 });
      const before = tf.memory().numTensors;
      await loadWeightsInto(target, directory);
      expect(tf.memory().numTensors).toBe(before);
      const expected = weightBytes(source);
      for (const [name, bytes] of weightBytes(target)) expect(Buffer.from(bytes).equals(Buffer.from(expected.get(name)!)), `${label}: ${name}`).toBe(true);
      source.dispose();
      target.dispose();
    }
  });

  it('with skipHead, loads the body into a model with another number of classes and keeps its head', async () => {
    const source = tinyResnet({ seed: 5, classes: 3 });
    randomizeWeights(source, 7);
    const directory = join(root, 'skip-head');
    await writeConverted(source, directory, (name) => name);
    const target = tinyResnet({ seed: 6, classes: 12 });
    const headBefore = weightBytes(target).get('predictions/kernel')!;
    await loadWeightsInto(target, directory, { skipHead: true });
    const after = weightBytes(target);
    const expected = weightBytes(source);
    for (const [name, bytes] of after) {
      if (name.startsWith('predictions/')) continue;
      expect(Buffer.from(bytes).equals(Buffer.from(expected.get(name)!)), name).toBe(true);
    }
    expect(Buffer.from(after.get('predictions/kernel')!).equals(Buffer.from(headBefore))).toBe(true);
    expect(target.getLayer('predictions').getWeights()[0].shape).toEqual([16, 12]);
    source.dispose();
    target.dispose();
  });

  it('refuses a head of another size without skipHead, naming the layer and both shapes, and changes nothing', async () => {
    const source = tinyResnet({ seed: 5, classes: 3 });
    const directory = join(root, 'wrong-head');
    await writeConverted(source, directory, (name) => name);
    const target = tinyResnet({ seed: 6, classes: 12 });
    const before = weightBytes(target);
    await expectInputError(loadWeightsInto(target, directory), 'layer "predictions"', '[16, 3]', '[16, 12]', join(directory, 'model.json'));
    for (const [name, bytes] of weightBytes(target)) expect(Buffer.from(bytes).equals(Buffer.from(before.get(name)!)), name).toBe(true);
    source.dispose();
    target.dispose();
  });

  it('refuses weights of another architecture, naming the layer', async () => {
    const source = tinyResnet({ seed: 5 });
    const directory = join(root, 'other-architecture');
    await writeConverted(source, directory, (name) => name.replace('stage3_block1_2_conv', 'conv5_block1_2_conv'));
    const target = tinyResnet({ seed: 6 });
    await expectInputError(loadWeightsInto(target, directory), 'stage3_block1_2_conv');
    source.dispose();
    target.dispose();
  });
});
