import { readdir, readFile } from 'node:fs/promises';
import type { ImageShape } from '../plugin-api/index.js';
import { DATASET_MISSING, corruptFile, fileError } from './dataset-errors.js';
import type { LoadedDataset } from './dataset-types.js';
import { assertFolder } from './folder-check.js';
import { InMemorySplit } from './in-memory-split.js';
import { CIFAR10_CLASS_NAMES } from './known-checksums.js';
import { type DataFile, readDataFile } from './read-data-file.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
/** Bytes of one CIFAR-10 record: a label byte, then 1024 red, 1024 green and 1024 blue bytes. */
export const CIFAR10_RECORD_BYTES = 1 + 3 * PLANE;
const SHAPE: ImageShape = [SIDE, SIDE, 3];
const TRAIN_FILE = /^data_batch_(\d+)\.bin$/;
const TEST_FILE = 'test_batch.bin';
const NESTED_FOLDER = 'cifar-10-batches-bin';

/**
 * Loads the CIFAR-10 binary version: `data_batch_<n>.bin` (train, in numeric order) and `test_batch.bin` in
 * `folder` or in its `cifar-10-batches-bin` subfolder; class names from `batches.meta.txt` when present.
 * A file whose size is not a whole number of 3073-byte records, or a label above 9, is an exit-2 error naming it.
 */
export async function loadCifar10Dataset(folder: string): Promise<LoadedDataset> {
  await assertFolder(folder);
  const root = await resolveRoot(folder);
  const entries = await readdir(root);
  const trainNames = entries
    .filter((name) => TRAIN_FILE.test(name))
    .sort((a, b) => Number(TRAIN_FILE.exec(a)![1]) - Number(TRAIN_FILE.exec(b)![1]));
  if (trainNames.length === 0) throw fileError(DATASET_MISSING, `${root}/data_batch_1.bin`, 'no CIFAR-10 training file (data_batch_<n>.bin) in the folder');
  if (!entries.includes(TEST_FILE)) throw fileError(DATASET_MISSING, `${root}/${TEST_FILE}`, 'CIFAR-10 test file not found');
  const trainFiles = await Promise.all(trainNames.map((name) => readDataFile(`${root}/${name}`)));
  const testFile = await readDataFile(`${root}/${TEST_FILE}`);
  const classNames = await readClassNames(root);
  return {
    inputShape: [...SHAPE],
    classNames,
    train: toSplit(trainFiles, classNames.length),
    test: toSplit([testFile], classNames.length),
    checksumsVerified: false,
    fingerprint: { format: 'cifar10', files: Object.fromEntries([...trainFiles, testFile].map((file) => [file.path.slice(root.length + 1), file.sha256])) },
  };
}

async function resolveRoot(folder: string): Promise<string> {
  const entries = await readdir(folder);
  if (!entries.includes(TEST_FILE) && entries.includes(NESTED_FOLDER)) return `${folder}/${NESTED_FOLDER}`;
  return folder;
}

function toSplit(files: DataFile[], classes: number): InMemorySplit {
  let count = 0;
  for (const file of files) {
    if (file.bytes.length === 0 || file.bytes.length % CIFAR10_RECORD_BYTES !== 0) {
      throw corruptFile(file.path, `is ${file.bytes.length} bytes, not a whole number of ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 records (truncated or not CIFAR-10 binary)`);
    }
    count += file.bytes.length / CIFAR10_RECORD_BYTES;
  }
  const pixels = new Uint8Array(count * 3 * PLANE);
  const labels = new Int32Array(count);
  let image = 0;
  for (const file of files) {
    const records = file.bytes.length / CIFAR10_RECORD_BYTES;
    for (let record = 0; record < records; record += 1, image += 1) {
      const start = record * CIFAR10_RECORD_BYTES;
      const label = file.bytes[start];
      if (label >= classes) throw corruptFile(file.path, `record ${record} has label ${label}, but there are ${classes} classes`);
      labels[image] = label;
      const target = image * 3 * PLANE;
      for (let pixel = 0; pixel < PLANE; pixel += 1) {
        pixels[target + pixel * 3] = file.bytes[start + 1 + pixel];
        pixels[target + pixel * 3 + 1] = file.bytes[start + 1 + PLANE + pixel];
        pixels[target + pixel * 3 + 2] = file.bytes[start + 1 + 2 * PLANE + pixel];
      }
    }
  }
  return new InMemorySplit(pixels, labels, [...SHAPE]);
}

async function readClassNames(root: string): Promise<string[]> {
  const path = `${root}/batches.meta.txt`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [...CIFAR10_CLASS_NAMES];
    throw fileError(DATASET_MISSING, path, `cannot be read (${(error as Error).message})`, error);
  }
  const names = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  if (names.length === 0) throw corruptFile(path, 'lists no class names');
  return names;
}
