/**
 * Times the data loaders: `npx tsx core/src/data/data-loading.bench.ts`.
 * - Fashion-MNIST: first open (inflate + SHA-256 + parse), a second open (in-process cache), one epoch of float batches.
 * - imagefolder: decoding generated 500x375 JPEGs to 224x224 (resize 256, centre crop), batch 32, with prefetch.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openDataset } from './open-dataset.js';

async function time<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return result;
}

const fashion = await time('fashion-mnist first open', () => openDataset({ reference: 'fashion-mnist' }, { seed: 0 }));
await time('fashion-mnist second open (cached files)', () => openDataset({ reference: 'fashion-mnist' }, { seed: 0 }));
await time('fashion-mnist 60000 train images as float batches of 128', async () => {
  for await (const batch of fashion.train.batches({ batchSize: 128 })) void batch;
});

const images = 128;
const root = await mkdtemp(join(tmpdir(), 'advbench-bench-'));
try {
  for (let index = 0; index < images; index += 1) {
    const folder = join(root, 'val', `class-${index % 4}`);
    await mkdir(folder, { recursive: true });
    const noise = Buffer.alloc(500 * 375 * 3);
    for (let offset = 0; offset < noise.length; offset += 1) noise[offset] = (offset * 7919 + index * 104729) % 251;
    await sharp(noise, { raw: { width: 500, height: 375, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(folder, `image-${index}.JPEG`));
  }
  const dataset = await openDataset({ reference: `imagefolder:${root}` }, { seed: 0 });
  const seconds = await time(`imagefolder ${images} JPEGs 500x375 -> 224x224, batch 32`, async () => {
    const start = performance.now();
    for await (const batch of dataset.test.batches({ batchSize: 32 })) void batch;
    return (performance.now() - start) / 1000;
  });
  console.log(`imagefolder throughput: ${(images / seconds).toFixed(0)} images/s`);
} finally {
  await rm(root, { recursive: true, force: true });
}
