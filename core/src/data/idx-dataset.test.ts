import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedFashionMnistFolder } from './data-location.js';
import type { RawBatch } from './dataset-types.js';
import { encodeIdx } from './idx-encode.js';
import { IDX_FILE_NAMES, loadIdxDataset } from './idx-dataset.js';
import { FASHION_MNIST } from './known-checksums.js';

const temporary: string[] = [];
async function temporaryFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'advbench-idx-'));
  temporary.push(folder);
  return folder;
}
afterAll(async () => {
  for (const folder of temporary) await rm(folder, { recursive: true, force: true });
});

async function collect(batches: AsyncIterable<RawBatch>): Promise<RawBatch[]> {
  const result: RawBatch[] = [];
  for await (const batch of batches) result.push(batch);
  return result;
}

/** Writes a tiny MNIST-format folder: 5 train and 3 test images of 2x3 pixels, 3 classes. */
async function writeTinyIdx(folder: string, gzip: boolean): Promise<{ trainPixels: number[]; trainLabels: number[] }> {
  const trainPixels = Array.from({ length: 5 * 6 }, (_, index) => (index * 17) % 256);
  const trainLabels = [0, 1, 2, 1, 0];
  const testPixels = Array.from({ length: 3 * 6 }, (_, index) => 255 - index);
  const testLabels = [2, 2, 0];
  const write = (name: string, bytes: Uint8Array) => writeFile(join(folder, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  await write(IDX_FILE_NAMES.trainImages, encodeIdx([5, 2, 3], trainPixels));
  await write(IDX_FILE_NAMES.trainLabels, encodeIdx([5], trainLabels));
  await write(IDX_FILE_NAMES.testImages, encodeIdx([3, 2, 3], testPixels));
  await write(IDX_FILE_NAMES.testLabels, encodeIdx([3], testLabels));
  return { trainPixels, trainLabels };
}

describe('loadIdxDataset on generated files', () => {
  for (const gzip of [false, true]) {
    it(`reads ${gzip ? 'gzipped' : 'raw'} files into [0, 1] NHWC batches`, async () => {
      const folder = await temporaryFolder();
      const { trainPixels, trainLabels } = await writeTinyIdx(folder, gzip);
      const loaded = await loadIdxDataset(folder);
      expect(loaded.inputShape).toEqual([2, 3, 1]);
      expect(loaded.classNames).toEqual(['0', '1', '2']);
      expect(loaded.checksumsVerified).toBe(false);
      expect(loaded.train.count).toBe(5);
      expect(loaded.test.count).toBe(3);
      const batches = await collect(loaded.train.batches({ batchSize: 2 }));
      expect(batches.map((batch) => batch.count)).toEqual([2, 2, 1]);
      const images = batches.flatMap((batch) => Array.from(batch.images));
      expect(images.length).toBe(trainPixels.length);
      images.forEach((value, index) => expect(value).toBeCloseTo(trainPixels[index] / 255, 6));
      expect(batches.flatMap((batch) => Array.from(batch.labels))).toEqual(trainLabels);
      expect(batches.flatMap((batch) => Array.from(batch.indices))).toEqual([0, 1, 2, 3, 4]);
    });
  }

  it('reads rank-4 (NHWC colour) IDX images', async () => {
    const folder = await temporaryFolder();
    const pixels = Array.from({ length: 2 * 2 * 2 * 3 }, (_, index) => index * 10);
    await writeFile(join(folder, IDX_FILE_NAMES.trainImages), encodeIdx([2, 2, 2, 3], pixels));
    await writeFile(join(folder, IDX_FILE_NAMES.trainLabels), encodeIdx([2], [0, 1]));
    await writeFile(join(folder, IDX_FILE_NAMES.testImages), encodeIdx([1, 2, 2, 3], pixels.slice(0, 12)));
    await writeFile(join(folder, IDX_FILE_NAMES.testLabels), encodeIdx([1], [1]));
    const loaded = await loadIdxDataset(folder);
    expect(loaded.inputShape).toEqual([2, 2, 3]);
    const [batch] = await collect(loaded.train.batches({ batchSize: 2 }));
    expect(batch.images[23]).toBeCloseTo(230 / 255, 6);
    await writeFile(join(folder, IDX_FILE_NAMES.testImages), encodeIdx([1, 2, 2], pixels.slice(0, 4)));
    await expect(loadIdxDataset(folder)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/image shape \[2, 2, 1\] differs from the training images' \[2, 2, 3\]/) });
  });

  it('visits a given order and reports those positions', async () => {
    const folder = await temporaryFolder();
    const { trainPixels, trainLabels } = await writeTinyIdx(folder, false);
    const loaded = await loadIdxDataset(folder);
    const [batch] = await collect(loaded.train.batches({ batchSize: 10, order: [4, 1] }));
    expect(Array.from(batch.indices)).toEqual([4, 1]);
    expect(Array.from(batch.labels)).toEqual([trainLabels[4], trainLabels[1]]);
    expect(batch.images[0]).toBeCloseTo(trainPixels[24] / 255, 6);
    expect(batch.images[6]).toBeCloseTo(trainPixels[6] / 255, 6);
    await expect(collect(loaded.train.batches({ batchSize: 2, order: [5] }))).rejects.toMatchObject({ exitCode: 2 });
    await expect(collect(loaded.train.batches({ batchSize: 0 }))).rejects.toMatchObject({ exitCode: 2 });
  });

  it('takes class names from class-names.txt', async () => {
    const folder = await temporaryFolder();
    await writeTinyIdx(folder, true);
    await writeFile(join(folder, 'class-names.txt'), 'zero\none\ntwo\n');
    expect((await loadIdxDataset(folder)).classNames).toEqual(['zero', 'one', 'two']);
    await writeFile(join(folder, 'class-names.txt'), 'zero\none\n');
    await expect(loadIdxDataset(folder)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/class-names\.txt: lists 2 class names but the labels use 3/) });
  });

  it('names a truncated file, a label count mismatch and a missing file', async () => {
    const folder = await temporaryFolder();
    await writeTinyIdx(folder, false);
    const imagesPath = join(folder, IDX_FILE_NAMES.testImages);
    const images = await readFile(imagesPath);
    await writeFile(imagesPath, images.subarray(0, images.length - 4));
    await expect(loadIdxDataset(folder)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_CORRUPT', message: expect.stringContaining(`${imagesPath}: truncated`) });
    await writeFile(imagesPath, images);
    await writeFile(join(folder, IDX_FILE_NAMES.testLabels), encodeIdx([2], [0, 1]));
    await expect(loadIdxDataset(folder)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/has 2 labels but .* has 3 images/) });
    await rm(join(folder, IDX_FILE_NAMES.trainLabels));
    await expect(loadIdxDataset(folder)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_MISSING', message: expect.stringContaining(IDX_FILE_NAMES.trainLabels) });
    await expect(loadIdxDataset(join(folder, 'no-such-folder'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('dataset folder not found') });
  });
});

describe('the shipped Fashion-MNIST', () => {
  let copy: string;
  beforeAll(async () => {
    copy = await temporaryFolder();
    for (const name of Object.values(IDX_FILE_NAMES)) await copyFile(join(shippedFashionMnistFolder(), `${name}.gz`), join(copy, `${name}.gz`));
  });

  it('loads 60000 / 10000 images of [28, 28, 1] with verified checksums', async () => {
    const loaded = await loadIdxDataset(shippedFashionMnistFolder(), { expect: FASHION_MNIST });
    expect(loaded.train.count).toBe(60_000);
    expect(loaded.test.count).toBe(10_000);
    expect(loaded.inputShape).toEqual([28, 28, 1]);
    expect(loaded.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(loaded.checksumsVerified).toBe(true);
    const counts = new Array(10).fill(0);
    for (const label of loaded.test.labels) counts[label] += 1;
    expect(counts).toEqual(new Array(10).fill(1000));
    const [batch] = await collect(loaded.test.batches({ batchSize: 64 }));
    expect(Math.min(...batch.images)).toBe(0);
    expect(Math.max(...batch.images)).toBe(1);
  });

  it('recognises an idx: copy as Fashion-MNIST and verifies it', async () => {
    const loaded = await loadIdxDataset(copy);
    expect(loaded.checksumsVerified).toBe(true);
    expect(loaded.classNames[9]).toBe('Ankle boot');
  });

  it('names the file when a byte of the decompressed data is flipped (checksum mismatch)', async () => {
    const folder = await temporaryFolder();
    for (const name of Object.values(IDX_FILE_NAMES)) await copyFile(join(copy, `${name}.gz`), join(folder, `${name}.gz`));
    const target = join(folder, `${IDX_FILE_NAMES.testLabels}.gz`);
    const bytes = gunzipSync(await readFile(target));
    bytes[5000] ^= 0x01;
    await writeFile(target, gzipSync(bytes));
    await expect(loadIdxDataset(folder)).rejects.toMatchObject({
      exitCode: 2,
      code: 'ADVBENCH_ERR_DATASET_CHECKSUM',
      message: expect.stringMatching(new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: SHA-256 .* expected 0402a96d.*same size, different content`)),
    });
    const unverified = await loadIdxDataset(folder, { verify: false });
    expect(unverified.checksumsVerified).toBe(false);
    expect(unverified.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const expected = await loadIdxDataset(folder, { verify: false, expect: FASHION_MNIST });
    expect(expected.classNames[0]).toBe('T-shirt/top');
    await expect(loadIdxDataset(folder, { expect: FASHION_MNIST })).rejects.toMatchObject({ code: 'ADVBENCH_ERR_DATASET_CHECKSUM' });
  });

  it('names the file when a byte of the gzip stream is flipped', async () => {
    const folder = await temporaryFolder();
    for (const name of Object.values(IDX_FILE_NAMES)) await copyFile(join(copy, `${name}.gz`), join(folder, `${name}.gz`));
    const target = join(folder, `${IDX_FILE_NAMES.testLabels}.gz`);
    const bytes = await readFile(target);
    bytes[bytes.length - 100] ^= 0xff;
    await writeFile(target, bytes);
    await expect(loadIdxDataset(folder)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_CORRUPT', message: expect.stringContaining(`${target}: gzip data fails to inflate`) });
  });
});
