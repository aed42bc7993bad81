import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawBatch } from './dataset-types.js';
import { loadImageFolderDataset } from './image-folder-dataset.js';

const COLOURS: Record<string, [number, number, number]> = { ant: [200, 30, 30], cat: [30, 200, 30], dog: [30, 30, 200] };
let root: string;

async function solidJpeg(path: string, width: number, height: number, colour: [number, number, number]): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } }).jpeg({ quality: 95 }).toFile(path);
}

/** A tree of 2 train and 4 val JPEGs per class, of mixed sizes and orientations, plus a split-colour PNG. */
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'advbench-imagefolder-'));
  for (const [split, perClass] of [['train', 2], ['val', 4]] as const) {
    for (const [name, colour] of Object.entries(COLOURS)) {
      await mkdir(join(root, split, name), { recursive: true });
      for (let index = 0; index < perClass; index += 1) {
        await solidJpeg(join(root, split, name, `image-${index}.JPEG`), index % 2 === 0 ? 40 : 24, index % 2 === 0 ? 24 : 50, colour);
      }
    }
  }
  await writeFile(join(root, 'train', 'ant', 'notes.txt'), 'not an image');
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function collect(batches: AsyncIterable<RawBatch>): Promise<RawBatch[]> {
  const result: RawBatch[] = [];
  for await (const batch of batches) result.push(batch);
  return result;
}

describe('loadImageFolderDataset', () => {
  it('lists classes from sorted folder names and decodes resized, centre-cropped RGB in [0, 1]', async () => {
    const loaded = await loadImageFolderDataset(root, { resize: 16, crop: 12 });
    expect(loaded.inputShape).toEqual([12, 12, 3]);
    expect(loaded.classNames).toEqual(['ant', 'cat', 'dog']);
    expect(loaded.train.count).toBe(6);
    expect(loaded.test.count).toBe(12);
    expect(Array.from(loaded.test.labels)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    const batches = await collect(loaded.test.batches({ batchSize: 5 }));
    expect(batches.map((batch) => batch.count)).toEqual([5, 5, 2]);
    for (const batch of batches) {
      expect(batch.shape).toEqual([12, 12, 3]);
      expect(batch.images.length).toBe(batch.count * 12 * 12 * 3);
      batch.labels.forEach((label, item) => {
        const colour = COLOURS[loaded.classNames[label]];
        for (let channel = 0; channel < 3; channel += 1) {
          const value = batch.images[item * 432 + 6 * 36 + 6 * 3 + channel];
          expect(Math.abs(value - colour[channel] / 255)).toBeLessThan(0.03);
        }
      });
    }
  });

  it('resizes the shorter side, then crops the centre', async () => {
    const tree = await mkdtemp(join(tmpdir(), 'advbench-crop-'));
    try {
      await mkdir(join(tree, 'val', 'only'), { recursive: true });
      // 128 x 64 in bands: green 0-31, red 32-47, blue 48-95, green 96-127. Shorter side 64 -> 32 gives 64 x 32; the
      // centre 32 x 32 crop keeps original columns 32..95: red in crop columns 0-7, blue in 8-31, no green.
      // Cropping without resizing would keep only blue; squashing the whole image would keep green edges.
      const width = 128;
      const pixels = Buffer.alloc(width * 64 * 3);
      for (let row = 0; row < 64; row += 1) {
        for (let column = 0; column < width; column += 1) {
          const channel = column < 32 || column >= 96 ? 1 : column < 48 ? 0 : 2;
          pixels[(row * width + column) * 3 + channel] = 255;
        }
      }
      await sharp(pixels, { raw: { width, height: 64, channels: 3 } }).png().toFile(join(tree, 'val', 'only', 'split.png'));
      // A one-channel greyscale JPEG comes out as three equal channels.
      await sharp(Buffer.alloc(20 * 20, 90), { raw: { width: 20, height: 20, channels: 1 } }).jpeg().toFile(join(tree, 'val', 'only', 'grey.jpg'));
      const loaded = await loadImageFolderDataset(tree, { resize: 32, crop: 32 });
      const [batch] = await collect(loaded.test.batches({ batchSize: 2 }));
      expect(batch.shape).toEqual([32, 32, 3]);
      const grey = batch.images.subarray(0, 32 * 32 * 3);
      const bands = batch.images.subarray(32 * 32 * 3);
      for (const value of grey) expect(Math.abs(value - 90 / 255)).toBeLessThan(0.02);
      const at = (column: number, channel: number) => bands[(16 * 32 + column) * 3 + channel];
      // Away from the band edges (the resampling filter blurs a pixel or two).
      for (const column of [2, 3, 4, 5]) expect(at(column, 0)).toBeGreaterThan(0.9);
      for (let column = 10; column <= 29; column += 1) expect(at(column, 2)).toBeGreaterThan(0.9);
      for (let column = 2; column <= 29; column += 1) expect(at(column, 1)).toBeLessThan(0.1);
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });

  it('takes the class index from a JSON in any of the three accepted shapes', async () => {
    const shapes = [
      { '0': ['dog', 'Dog (canine)'], '1': ['ant', 'Ant'], '2': ['cat', 'Cat'] },
      { dog: 0, ant: 1, cat: 2 },
      ['dog', 'ant', 'cat'],
    ];
    for (const [index, shape] of shapes.entries()) {
      const path = join(root, `class-index-${index}.json`);
      await writeFile(path, JSON.stringify(shape));
      const loaded = await loadImageFolderDataset(root, { resize: 8, crop: 8, classIndex: path });
      expect(Array.from(loaded.test.labels)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0]);
      expect(loaded.classNames).toEqual(index === 0 ? ['Dog (canine)', 'Ant', 'Cat'] : ['dog', 'ant', 'cat']);
    }
  });

  it('names a class folder missing from the index and a malformed index', async () => {
    const partial = join(root, 'partial-index.json');
    await writeFile(partial, JSON.stringify(['ant', 'cat']));
    await expect(loadImageFolderDataset(root, { classIndex: partial })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(`${join(root, 'train', 'dog')}: class folder is not in the class index`) });
    const gap = join(root, 'gap-index.json');
    await writeFile(gap, JSON.stringify({ ant: 0, cat: 2, dog: 3 }));
    await expect(loadImageFolderDataset(root, { classIndex: gap })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(`${gap}: class-index labels must be 0..2`) });
  });

  it('streams with one batch of prefetch: decoded images stay within two batches of what was consumed', async () => {
    const decoded: string[] = [];
    const loaded = await loadImageFolderDataset(root, { resize: 8, crop: 8, onImageDecoded: (path) => decoded.push(path) });
    expect(decoded.length).toBe(0);
    const iterator = loaded.test.batches({ batchSize: 3 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // While the first batch is being consumed, the second is decoded in the background, and no more.
    for (let wait = 0; wait < 200 && decoded.length < 6; wait += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(decoded.length).toBe(6);
    let consumed = 3;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      consumed += next.value.count;
      expect(decoded.length).toBeLessThanOrEqual(consumed + 3);
      if (consumed === 6) {
        await iterator.return?.();
        break;
      }
    }
    expect(decoded.length).toBeLessThanOrEqual(9);
    const all = await collect(loaded.test.batches({ batchSize: 3 }));
    expect(all.length).toBe(4);
  });

  it('names an image that fails to decode, and refuses bad geometry or a missing val folder', async () => {
    const tree = await mkdtemp(join(tmpdir(), 'advbench-bad-image-'));
    try {
      await mkdir(join(tree, 'val', 'x'), { recursive: true });
      await writeFile(join(tree, 'val', 'x', 'broken.JPEG'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
      const loaded = await loadImageFolderDataset(tree, { resize: 8, crop: 8 });
      await expect(collect(loaded.test.batches({ batchSize: 2 }))).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_CORRUPT', message: expect.stringContaining(`${join(tree, 'val', 'x', 'broken.JPEG')}: image fails to decode`) });
      await expect(loadImageFolderDataset(tree, { resize: 8, crop: 9 })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('dataset.crop (9) must not exceed dataset.resize (8)') });
      await rm(join(tree, 'val'), { recursive: true });
      await expect(loadImageFolderDataset(tree)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(`${join(tree, 'val')}: imagefolder needs a val/<class>/ folder`) });
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });

  it('checks the headers of the images a run uses before any decode, naming the bad file', async () => {
    const tree = await mkdtemp(join(tmpdir(), 'advbench-bad-header-'));
    try {
      await mkdir(join(tree, 'val', 'x'), { recursive: true });
      await solidJpeg(join(tree, 'val', 'x', 'good.JPEG'), 10, 10, [1, 2, 3]);
      await writeFile(join(tree, 'val', 'x', 'x.JPEG'), Buffer.from('this is not an image at all, only text'));
      const loaded = await loadImageFolderDataset(tree, { resize: 8, crop: 8 });
      await expect(loaded.checkFiles!('test', undefined)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_CORRUPT', message: expect.stringContaining(`${join(tree, 'val', 'x', 'x.JPEG')}: not a readable image`) });
      // Only the positions the run uses are read: the good image alone passes.
      await expect(loaded.checkFiles!('test', Int32Array.from([0]))).resolves.toBeUndefined();
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });

  it('refuses an empty class folder, naming it, unless the class index lists it', async () => {
    const tree = await mkdtemp(join(tmpdir(), 'advbench-empty-class-'));
    try {
      await mkdir(join(tree, 'val', 'cat'), { recursive: true });
      await mkdir(join(tree, 'val', 'dog'), { recursive: true });
      await solidJpeg(join(tree, 'val', 'cat', 'a.JPEG'), 10, 10, [1, 2, 3]);
      await writeFile(join(tree, 'val', 'dog', 'notes.txt'), 'no images here');
      await expect(loadImageFolderDataset(tree, { resize: 8, crop: 8 })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(`${join(tree, 'val', 'dog')}: class folder holds no images`) });
      const index = join(tree, 'classes.json');
      await writeFile(index, JSON.stringify(['cat', 'dog']));
      const loaded = await loadImageFolderDataset(tree, { resize: 8, crop: 8, classIndex: index });
      expect(loaded.classNames).toEqual(['cat', 'dog']);
      expect(loaded.test.count).toBe(1);
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });
});
