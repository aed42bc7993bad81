import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_RECORD_BYTES, loadCifar10Dataset } from './cifar10-dataset.js';
import type { RawBatch } from './dataset-types.js';

const temporary: string[] = [];
afterAll(async () => {
  for (const folder of temporary) await rm(folder, { recursive: true, force: true });
});

/** A CIFAR-10 record whose red, green and blue planes hold distinct, position-dependent values. */
function record(label: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(CIFAR10_RECORD_BYTES);
  bytes[0] = label;
  for (let pixel = 0; pixel < 1024; pixel += 1) {
    bytes[1 + pixel] = (seed + pixel) % 256;
    bytes[1 + 1024 + pixel] = (seed * 3 + pixel * 2) % 256;
    bytes[1 + 2048 + pixel] = (seed * 7 + pixel * 5) % 256;
  }
  return bytes;
}

function file(records: Uint8Array[]): Buffer {
  return Buffer.concat(records);
}

async function writeCifar(folder: string): Promise<void> {
  await writeFile(join(folder, 'data_batch_1.bin'), file([record(3, 1), record(9, 2)]));
  await writeFile(join(folder, 'data_batch_2.bin'), file([record(0, 3)]));
  await writeFile(join(folder, 'data_batch_10.bin'), file([record(5, 4)]));
  await writeFile(join(folder, 'test_batch.bin'), file([record(1, 5), record(2, 6), record(7, 7)]));
}

async function collect(batches: AsyncIterable<RawBatch>): Promise<RawBatch[]> {
  const result: RawBatch[] = [];
  for await (const batch of batches) result.push(batch);
  return result;
}

describe('loadCifar10Dataset', () => {
  it('reads the train files in numeric order and converts planes to HWC in [0, 1]', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'advbench-cifar-'));
    temporary.push(folder);
    await writeCifar(folder);
    const loaded = await loadCifar10Dataset(folder);
    expect(loaded.inputShape).toEqual([32, 32, 3]);
    expect(loaded.classNames).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    expect(loaded.train.count).toBe(4);
    expect(loaded.test.count).toBe(3);
    expect(Array.from(loaded.train.labels)).toEqual([3, 9, 0, 5]);
    const [batch] = await collect(loaded.train.batches({ batchSize: 8, order: [3] }));
    expect(batch.shape).toEqual([32, 32, 3]);
    const expected = record(5, 4);
    // Pixel 33 (row 1, column 1): red, green, blue interleaved.
    for (let channel = 0; channel < 3; channel += 1) {
      expect(batch.images[33 * 3 + channel]).toBeCloseTo(expected[1 + channel * 1024 + 33] / 255, 6);
    }
    expect(loaded.checksumsVerified).toBe(false);
  });

  it('accepts the cifar-10-batches-bin subfolder and batches.meta.txt class names', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'advbench-cifar-'));
    temporary.push(folder);
    const nested = join(folder, 'cifar-10-batches-bin');
    await mkdir(nested);
    await writeCifar(nested);
    await writeFile(join(nested, 'batches.meta.txt'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n'));
    const loaded = await loadCifar10Dataset(folder);
    expect(loaded.classNames[9]).toBe('j');
    expect(loaded.test.count).toBe(3);
  });

  it('names a truncated file, a bad label and a missing test file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'advbench-cifar-'));
    temporary.push(folder);
    await writeCifar(folder);
    const cut = join(folder, 'data_batch_2.bin');
    await writeFile(cut, record(0, 3).subarray(0, 3000));
    await expect(loadCifar10Dataset(folder)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_CORRUPT', message: expect.stringContaining(`${cut}: is 3000 bytes, not a whole number of 3073-byte`) });
    await writeFile(cut, record(12, 3));
    await expect(loadCifar10Dataset(folder)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(`${cut}: record 0 has label 12`) });
    await writeFile(cut, record(1, 3));
    await rm(join(folder, 'test_batch.bin'));
    await expect(loadCifar10Dataset(folder)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_MISSING', message: expect.stringContaining('test_batch.bin') });
  });
});
