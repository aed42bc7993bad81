import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawBatch } from './dataset-types.js';
import { encodeIdx } from './idx-encode.js';
import { IDX_FILE_NAMES } from './idx-dataset.js';
import { openDataset, parseDatasetReference } from './open-dataset.js';

let folder: string;

/** 200 train images (image i filled with i % 256... and labelled by a skewed rule) and 50 test images, 3x3 grey. */
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'advbench-open-'));
  const label = (index: number) => (index % 10 < 5 ? 0 : index % 10 < 8 ? 1 : 2);
  const write = async (imagesName: string, labelsName: string, count: number) => {
    await writeFile(join(folder, imagesName), encodeIdx([count, 3, 3], Array.from({ length: count * 9 }, (_, index) => Math.floor(index / 9) % 256)));
    await writeFile(join(folder, labelsName), encodeIdx([count], Array.from({ length: count }, (_, index) => label(index))));
  };
  await write(IDX_FILE_NAMES.trainImages, IDX_FILE_NAMES.trainLabels, 200);
  await write(IDX_FILE_NAMES.testImages, IDX_FILE_NAMES.testLabels, 50);
});
afterAll(() => rm(folder, { recursive: true, force: true }));

async function collect(batches: AsyncIterable<RawBatch>): Promise<RawBatch[]> {
  const result: RawBatch[] = [];
  for await (const batch of batches) result.push(batch);
  return result;
}

describe('parseDatasetReference', () => {
  it('knows the five schemes and lists them for anything else', () => {
    expect(parseDatasetReference('fashion-mnist')).toEqual({ scheme: 'fashion-mnist' });
    expect(parseDatasetReference('idx:/data/mnist')).toEqual({ scheme: 'idx', folder: '/data/mnist' });
    expect(parseDatasetReference('cifar10:/c')).toMatchObject({ scheme: 'cifar10' });
    expect(parseDatasetReference('imagefolder:/i')).toMatchObject({ scheme: 'imagefolder' });
    expect(parseDatasetReference('imagenet:/n')).toMatchObject({ scheme: 'imagenet', folder: '/n' });
    expect(() => parseDatasetReference('mnist')).toThrow(/unknown dataset reference "mnist"; known: fashion-mnist, idx:<folder>, cifar10:<folder>, imagefolder:<folder>, imagenet:<folder>/);
    expect(() => parseDatasetReference('idx:')).toThrow(/names no folder/);
  });
});

describe('openDataset', () => {
  it('gives the info of the whole data without subsets', async () => {
    const dataset = await openDataset({ reference: `idx:${folder}` }, { seed: 0 });
    expect(dataset.info).toMatchObject({ name: `idx:${folder}`, inputShape: [3, 3, 1], classes: 3, classNames: ['0', '1', '2'], trainCount: 200, testCount: 50, checksumsVerified: false });
    expect(dataset.info.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes stratified, seeded subsets whose batches report subset positions and carry the right images', async () => {
    const dataset = await openDataset({ reference: `idx:${folder}`, trainSamples: 20, testSamples: 10 }, { seed: 4 });
    expect(dataset.info.trainCount).toBe(20);
    expect(dataset.info.testCount).toBe(10);
    const batches = await collect(dataset.train.batches({ batchSize: 6 }));
    expect(batches.map((batch) => batch.count)).toEqual([6, 6, 6, 2]);
    expect(batches.flatMap((batch) => Array.from(batch.indices))).toEqual(Array.from({ length: 20 }, (_, index) => index));
    const labels = batches.flatMap((batch) => Array.from(batch.labels));
    expect([0, 1, 2].map((label) => labels.filter((value) => value === label).length)).toEqual([10, 6, 4]);
    // Each image's pixel value is its original position; positions are ascending and consistent with the labels.
    const originals = batches.flatMap((batch) => Array.from({ length: batch.count }, (_, item) => Math.round(batch.images[item * 9] * 255)));
    expect(originals).toEqual([...originals].sort((a, b) => a - b));
    originals.forEach((original, index) => expect(labels[index]).toBe(original % 10 < 5 ? 0 : original % 10 < 8 ? 1 : 2));
    const [reordered] = await collect(dataset.train.batches({ batchSize: 20, order: [19, 0] }));
    expect(Array.from(reordered.indices)).toEqual([19, 0]);
    expect(Math.round(reordered.images[0] * 255)).toBe(originals[19]);
  });

  it('chooses the same subset and hash for the same seed, and different ones otherwise', async () => {
    const spec = { reference: `idx:${folder}`, trainSamples: 30, testSamples: 10 };
    const images = async (seed: number) => {
      const dataset = await openDataset(spec, { seed });
      const batches = await collect(dataset.train.batches({ batchSize: 100 }));
      return { hash: dataset.info.contentHash, pixels: Array.from(batches[0].images) };
    };
    const first = await images(1);
    const again = await images(1);
    const other = await images(2);
    expect(again).toEqual(first);
    expect(other.pixels).not.toEqual(first.pixels);
    expect(other.hash).not.toBe(first.hash);
    const whole = await openDataset({ reference: `idx:${folder}` }, { seed: 1 });
    const wholeOtherSeed = await openDataset({ reference: `idx:${folder}` }, { seed: 2 });
    expect(wholeOtherSeed.info.contentHash).toBe(whole.info.contentHash);
    expect(whole.info.contentHash).not.toBe(first.hash);
  });

  it('refuses sample counts out of range and imagefolder options on other formats', async () => {
    await expect(openDataset({ reference: `idx:${folder}`, trainSamples: 201 }, { seed: 0 })).rejects.toMatchObject({
      exitCode: 2,
      code: 'ADVBENCH_ERR_DATASET_SUBSET',
      message: expect.stringContaining('dataset.trainSamples must be an integer from 1 to 200'),
    });
    await expect(openDataset({ reference: `idx:${folder}`, testSamples: 0 }, { seed: 0 })).rejects.toMatchObject({ exitCode: 2 });
    await expect(openDataset({ reference: `idx:${folder}`, crop: 20 }, { seed: 0 })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('dataset.crop applies to imagefolder and imagenet datasets only') });
    await expect(openDataset({ reference: 'svhn:/x' }, { seed: 0 })).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_REFERENCE' });
  });

  it('opens the shipped Fashion-MNIST with a class-balanced subset', async () => {
    const dataset = await openDataset({ reference: 'fashion-mnist', trainSamples: 1000, testSamples: 100 }, { seed: 3 });
    expect(dataset.info).toMatchObject({ name: 'fashion-mnist', trainCount: 1000, testCount: 100, inputShape: [28, 28, 1], classes: 10, checksumsVerified: true });
    const labels = (await collect(dataset.test.batches({ batchSize: 100 })))[0].labels;
    expect(Array.from({ length: 10 }, (_, label) => labels.filter((value) => value === label).length)).toEqual(new Array(10).fill(10));
  });
});
