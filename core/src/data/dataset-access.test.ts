import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../random/seeded-random.js';
import { createDatasetAccess } from './dataset-access.js';
import type { Dataset } from './dataset-types.js';
import { encodeIdx } from './idx-encode.js';
import { IDX_FILE_NAMES } from './idx-dataset.js';
import { openDataset } from './open-dataset.js';

let folder: string;
let dataset: Dataset;
const TRAIN = 23;

/** Image i is filled with the value i (so a batch's pixels say which images it holds); label i % 3. */
beforeAll(async () => {
  await tf.setBackend('wasm');
  folder = await mkdtemp(join(tmpdir(), 'advbench-access-'));
  const images = (count: number) => encodeIdx([count, 4, 4], Array.from({ length: count * 16 }, (_, index) => Math.floor(index / 16)));
  const labels = (count: number) => encodeIdx([count], Array.from({ length: count }, (_, index) => index % 3));
  await writeFile(join(folder, IDX_FILE_NAMES.trainImages), images(TRAIN));
  await writeFile(join(folder, IDX_FILE_NAMES.trainLabels), labels(TRAIN));
  await writeFile(join(folder, IDX_FILE_NAMES.testImages), images(6));
  await writeFile(join(folder, IDX_FILE_NAMES.testLabels), labels(6));
  dataset = await openDataset({ reference: `idx:${folder}` }, { seed: 1 });
});
afterAll(() => rm(folder, { recursive: true, force: true }));

/** The image numbers of one epoch, batch by batch, disposing every tensor. */
async function epoch(access: ReturnType<typeof createDatasetAccess>, options: { batchSize: number; seed: number; shuffle?: boolean }): Promise<number[][]> {
  const batches: number[][] = [];
  for await (const { x, y } of access.trainBatches({ batchSize: options.batchSize, rng: createRandom(options.seed), shuffle: options.shuffle })) {
    expect(x.dtype).toBe('float32');
    expect(y.dtype).toBe('int32');
    expect(x.shape.slice(1)).toEqual([4, 4, 1]);
    const pixels = await x.data();
    const numbers = Array.from({ length: x.shape[0] }, (_, item) => Math.round(pixels[item * 16] * 255));
    expect(Array.from(await y.data())).toEqual(numbers.map((number) => number % 3));
    batches.push(numbers);
    x.dispose();
    y.dispose();
  }
  return batches;
}

describe('createDatasetAccess', () => {
  it('exposes the dataset info', () => {
    const access = createDatasetAccess(tf, dataset);
    expect(access.info).toBe(dataset.info);
    expect(access.info.trainCount).toBe(TRAIN);
  });

  it('yields every training image once per epoch as tensors, in order when shuffle is false', async () => {
    const access = createDatasetAccess(tf, dataset);
    const batches = await epoch(access, { batchSize: 10, seed: 1, shuffle: false });
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 3]);
    expect(batches.flat()).toEqual(Array.from({ length: TRAIN }, (_, index) => index));
  });

  it('shuffles by the given rng: same seed same order, another seed another order', async () => {
    const access = createDatasetAccess(tf, dataset);
    const first = (await epoch(access, { batchSize: 8, seed: 5 })).flat();
    const again = (await epoch(access, { batchSize: 8, seed: 5 })).flat();
    const other = (await epoch(access, { batchSize: 8, seed: 6 })).flat();
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: TRAIN }, (_, index) => index));
  });

  it('leaves no tensors behind when the consumer disposes its batches', async () => {
    const access = createDatasetAccess(tf, dataset);
    await epoch(access, { batchSize: 4, seed: 2 });
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) await epoch(access, { batchSize: 4, seed: round });
    expect(tf.memory().numTensors).toBe(before);
  });
});
