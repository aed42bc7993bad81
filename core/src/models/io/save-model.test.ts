import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { predictFixed, randomizeWeights, tinyResnet, weightBytes } from '../testing/tiny-models.js';
import { CHECKPOINT_FILE } from './checkpoint-metadata.js';
import { loadModel } from './load-model.js';
import { saveModel } from './save-model.js';

let root: string;

beforeAll(async () => {
  await selectBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'advbench-save-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('saveModel / loadModel', () => {
  it('loads back bit-identical weights and the same predictions, leaking no tensors', async () => {
    const model = tinyResnet({ seed: 3 });
    randomizeWeights(model, 3);
    const directory = join(root, 'identical', 'checkpoint');
    await saveModel(model, directory);
    const files = await readdir(directory);
    expect(files.sort()).toEqual([CHECKPOINT_FILE, 'group1-shard1of1.bin', 'model.json']);
    const metadata = JSON.parse(await readFile(join(directory, CHECKPOINT_FILE), 'utf8'));
    expect(metadata).toMatchObject({ format: 'advbench-checkpoint', architecture: 'tiny-resnet', classes: 3, inputShape: [8, 8, 1] });

    const before = tf.memory().numTensors;
    const loaded = await loadModel(directory);
    const original = weightBytes(model);
    const copy = weightBytes(loaded);
    expect([...copy.keys()]).toEqual([...original.keys()]);
    for (const [name, bytes] of original) expect(Buffer.from(copy.get(name)!).equals(Buffer.from(bytes)), name).toBe(true);
    expect(Array.from(predictFixed(loaded))).toEqual(Array.from(predictFixed(model)));
    expect(loaded.name).toBe('tiny-resnet');
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('splits large weights into 4 MiB shards and reads them back', async () => {
    const big = tinyResnet({ inputShape: [8, 8, 1], classes: 70_000 }); // head kernel 16 x 70000 x 4 bytes = 4.48 MB
    const directory = join(root, 'sharded');
    await saveModel(big, directory);
    expect((await readdir(directory)).filter((file) => file.endsWith('.bin')).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    const loaded = await loadModel(directory);
    const original = weightBytes(big);
    for (const [name, bytes] of weightBytes(loaded)) expect(Buffer.from(bytes).equals(Buffer.from(original.get(name)!)), name).toBe(true);
    loaded.dispose();
    big.dispose();
  });

  it('replaces an existing checkpoint and leaves no temp folders behind', async () => {
    const directory = join(root, 'replace', 'checkpoint');
    const first = tinyResnet({ seed: 1 });
    const second = tinyResnet({ seed: 2 });
    await saveModel(first, directory);
    await saveModel(second, directory);
    expect(await readdir(join(root, 'replace'))).toEqual(['checkpoint']);
    const loaded = await loadModel(directory);
    expect(Array.from(predictFixed(loaded))).toEqual(Array.from(predictFixed(second)));
    for (const model of [first, second, loaded]) model.dispose();
  });

  it('keeps the old checkpoint when a save fails part-way, and removes its temp folder', async () => {
    const directory = join(root, 'failed', 'checkpoint');
    const good = tinyResnet({ seed: 1 });
    await saveModel(good, directory);
    const broken = tinyResnet({ seed: 2 });
    broken.getLayer('predictions').weights[0].dispose(); // reading it during the save throws
    await expect(saveModel(broken, directory)).rejects.toMatchObject({ code: 'ADVBENCH_ERR_MODEL_SAVE' });
    expect(await readdir(join(root, 'failed'))).toEqual(['checkpoint']);
    const loaded = await loadModel(directory);
    expect(Array.from(predictFixed(loaded))).toEqual(Array.from(predictFixed(good)));
    loaded.dispose();
    good.dispose();
    for (const weight of broken.weights) {
      try {
        weight.dispose();
      } catch {
        // the one disposed above
      }
    }
  });

  it('never picks up the half-written temp folder of an interrupted save', async () => {
    const parent = join(root, 'interrupted');
    const directory = join(parent, 'checkpoint');
    const model = tinyResnet({ seed: 4 });
    // A save interrupted after writing its temp folder (model.json, no metadata, no rename) and no checkpoint yet:
    await saveModel(model, join(parent, 'complete'));
    const temporary = `${directory}.tmp-999-0123abcd`;
    await mkdir(temporary, { recursive: true });
    await writeFile(join(temporary, 'model.json'), await readFile(join(parent, 'complete', 'model.json')));
    await expectInputError(loadModel(directory), directory, 'not found');
    await expectInputError(loadModel(temporary), 'interrupted save');
    // With a complete checkpoint in place, load reads that one and ignores the temp folder beside it.
    await saveModel(model, directory);
    expect((await readdir(parent)).sort()).toEqual(['checkpoint', 'checkpoint.tmp-999-0123abcd', 'complete']);
    const loaded = await loadModel(directory);
    expect(Array.from(predictFixed(loaded))).toEqual(Array.from(predictFixed(model)));
    loaded.dispose();
    model.dispose();
  });
});
