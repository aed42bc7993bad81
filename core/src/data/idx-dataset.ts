import { readFile } from 'node:fs/promises';
import type { ImageShape } from '../plugin-api/index.js';
import { DATASET_CHECKSUM, DATASET_MISSING, corruptFile, fileError } from './dataset-errors.js';
import type { LoadedDataset } from './dataset-types.js';
import { InMemorySplit } from './in-memory-split.js';
import { parseIdx } from './idx-parse.js';
import { type KnownDataset, KNOWN_IDX_DATASETS } from './known-checksums.js';
import { type DataFile, locateDataFile, readDataFile } from './read-data-file.js';
import { assertFolder } from './folder-check.js';

/** The four file names of an MNIST-format folder (each may also be gzipped, `<name>.gz`). */
export const IDX_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Optional class-name files of an IDX folder, one name a line, in label order. */
const CLASS_NAME_FILES = ['class-names.txt', 'classes.txt'];

/** Options of {@link loadIdxDataset}. */
export interface IdxLoadOptions {
  /** Compare the files' SHA-256 with known datasets (default true). */
  verify?: boolean;
  /** When set, the files must be this dataset's official files (the shipped `fashion-mnist`). */
  expect?: KnownDataset;
}

/**
 * Loads an MNIST-format folder: the four IDX files (raw or `.gz`), images of rank 3 (grey) or 4 (NHWC), labels of
 * rank 1. With `verify`, files are checked against known datasets: `expect` must match exactly; otherwise a folder
 * in which any file matches a known dataset's official file is taken to be that dataset and all four must match,
 * so a flipped byte in a copy of Fashion-MNIST is an exit-2 error naming the file. Class names come from a known
 * (or expected) dataset, else `class-names.txt` or `classes.txt` in the folder, else the label numbers.
 */
export async function loadIdxDataset(folder: string, options: IdxLoadOptions = {}): Promise<LoadedDataset> {
  await assertFolder(folder);
  const paths = await Promise.all(Object.values(IDX_FILE_NAMES).map((name) => locateDataFile(folder, name)));
  const files = await Promise.all(paths.map((path) => readDataFile(path)));
  const names = Object.values(IDX_FILE_NAMES);
  const [trainImages, trainLabels, testImages, testLabels] = files;
  // Structure first (a truncated file is reported as truncated), then checksums.
  const train = buildSplit(trainImages, trainLabels);
  const test = buildSplit(testImages, testLabels);
  const known = options.verify === false ? undefined : verifyKnown(names, files, options.expect);
  if (train.shape.join() !== test.shape.join()) {
    throw corruptFile(testImages.path, `image shape [${test.shape.join(', ')}] differs from the training images' [${train.shape.join(', ')}] in ${trainImages.path}`);
  }
  const classes = Math.max(maximum(train.labels), maximum(test.labels)) + 1;
  const named = known ?? options.expect;
  const classNames = named !== undefined ? [...named.classNames] : await readClassNames(folder, classes);
  return {
    inputShape: train.shape,
    classNames,
    train: new InMemorySplit(train.pixels, train.labels, train.shape),
    test: new InMemorySplit(test.pixels, test.labels, test.shape),
    checksumsVerified: known !== undefined,
    fingerprint: { format: 'idx', files: Object.fromEntries(names.map((name, index) => [name, files[index].sha256])) },
  };
}

function verifyKnown(names: string[], files: DataFile[], expect: KnownDataset | undefined): KnownDataset | undefined {
  const candidates = expect !== undefined ? [expect] : KNOWN_IDX_DATASETS.filter((dataset) => names.some((name, index) => dataset.sha256[name] === files[index].sha256));
  const dataset = candidates[0];
  if (dataset === undefined) return undefined;
  names.forEach((name, index) => {
    const file = files[index];
    const expected = dataset.sha256[name];
    if (file.sha256 === expected) return;
    const sizeNote = file.bytes.length === dataset.sizes[name] ? 'same size, different content' : `${file.bytes.length} bytes where the official file has ${dataset.sizes[name]}`;
    throw fileError(
      DATASET_CHECKSUM,
      file.path,
      `SHA-256 of the decompressed bytes is ${file.sha256}, expected ${expected} for the official ${dataset.name} file (${sizeNote}): the file is corrupt or modified`,
    );
  });
  return dataset;
}

interface ParsedSplit {
  pixels: Uint8Array;
  labels: Int32Array;
  shape: ImageShape;
}

function buildSplit(imagesFile: DataFile, labelsFile: DataFile): ParsedSplit {
  const images = parseIdx(imagesFile.bytes, imagesFile.path, [3, 4]);
  const labels = parseIdx(labelsFile.bytes, labelsFile.path, [1]);
  const [count, height, width, channels = 1] = images.dimensions;
  if (labels.dimensions[0] !== count) {
    throw corruptFile(labelsFile.path, `has ${labels.dimensions[0]} labels but ${imagesFile.path} has ${count} images`);
  }
  if (height === 0 || width === 0 || channels === 0) throw corruptFile(imagesFile.path, `image shape [${height}, ${width}, ${channels}] has a zero dimension`);
  return { pixels: images.data, labels: Int32Array.from(labels.data), shape: [height, width, channels] };
}

function maximum(values: Int32Array): number {
  let result = -1;
  for (const value of values) if (value > result) result = value;
  return result;
}

async function readClassNames(folder: string, classes: number): Promise<string[]> {
  for (const name of CLASS_NAME_FILES) {
    const path = `${folder}/${name}`;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw fileError(DATASET_MISSING, path, `cannot be read (${(error as Error).message})`, error);
    }
    const names = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
    if (names.length < classes) throw corruptFile(path, `lists ${names.length} class names but the labels use ${classes} classes`);
    return names;
  }
  return Array.from({ length: classes }, (_, index) => String(index));
}
