import { createHash } from 'node:crypto';
import { inputError } from '../plugin-api/index.js';
import { DATASET_MISSING, DATASET_REFERENCE, fileError } from './dataset-errors.js';
import type { LoadedDataset } from './dataset-types.js';
import { assertFolder } from './folder-check.js';
import { ImageFolderSplit } from './image-folder-split.js';
import { checkImageHeaders } from './image-header-check.js';
import { type ClassIndex, classIndexFromFolders, listClassFolders, listSplit, readClassIndex } from './image-folder-listing.js';

/** Default shorter-side size of the imagefolder loader. */
export const DEFAULT_RESIZE = 256;
/** Default centre-crop size of the imagefolder loader. */
export const DEFAULT_CROP = 224;

/** Options of {@link loadImageFolderDataset}. */
export interface ImageFolderOptions {
  /** Shorter side after resizing (default 256). */
  resize?: number;
  /** Centre-crop size (default 224), at most `resize`. */
  crop?: number;
  /** A class-index JSON file; default: sorted class folder names. */
  classIndex?: string;
  /** Images decoded at once within a batch (default 8). */
  concurrency?: number;
  /** Called after each image is decoded. */
  onImageDecoded?(path: string): void;
}

/**
 * Opens an ImageNet-style tree, `<folder>/train/<class>/*.JPEG` and `<folder>/val/<class>/*.JPEG` (the train folder
 * may be absent for evaluation-only runs). Only file names are listed here; images are decoded batch by batch
 * with sharp when read (resize the shorter side, centre crop, RGB), so the whole set is never in memory, and
 * `checkFiles` reads the headers of those a run uses before it starts. A class folder without images is refused
 * unless a class index lists it.
 */
export async function loadImageFolderDataset(folder: string, options: ImageFolderOptions = {}): Promise<LoadedDataset> {
  const { resize, crop } = imageGeometry(options);
  await assertFolder(folder);
  const trainFolders = await listClassFolders(`${folder}/train`);
  const valFolders = await listClassFolders(`${folder}/val`);
  if (valFolders === undefined) throw fileError(DATASET_MISSING, `${folder}/val`, 'imagefolder needs a val/<class>/ folder of test images');
  const index: ClassIndex = options.classIndex !== undefined ? await readClassIndex(options.classIndex) : classIndexFromFolders([...(trainFolders ?? []), ...valFolders]);
  const train = await listSplit(`${folder}/train`, trainFolders ?? [], index, options.classIndex);
  const test = await listSplit(`${folder}/val`, valFolders, index, options.classIndex);
  if (test.paths.length === 0) throw fileError(DATASET_MISSING, `${folder}/val`, 'contains no images (val/<class>/*.JPEG)');
  const geometry = { resize, crop };
  const splitOptions = { geometry, concurrency: options.concurrency, onImageDecoded: options.onImageDecoded };
  return {
    inputShape: [crop, crop, 3],
    classNames: index.names,
    train: new ImageFolderSplit(train.paths, train.labels, splitOptions),
    test: new ImageFolderSplit(test.paths, test.labels, splitOptions),
    checksumsVerified: false,
    checkFiles: (split, positions) => {
      const paths = (split === 'train' ? train : test).paths;
      return checkImageHeaders(positions === undefined ? paths : Array.from(positions, (position) => paths[position]));
    },
    fingerprint: {
      format: 'imagefolder',
      geometry,
      classes: [...index.labels.entries()],
      train: hashLines(train.entries),
      test: hashLines(test.entries),
    },
  };
}

/**
 * The resize and crop of an image-folder style loader (defaults 256 and 224), checked: integers from 1 to 4096, crop
 * at most resize; anything else is an exit-2 error naming the option.
 */
export function imageGeometry(options: { resize?: number; crop?: number }): { resize: number; crop: number } {
  const resize = options.resize ?? DEFAULT_RESIZE;
  const crop = options.crop ?? DEFAULT_CROP;
  checkSize('dataset.resize', resize);
  checkSize('dataset.crop', crop);
  if (crop > resize) {
    throw inputError(DATASET_REFERENCE, `dataset.crop (${crop}) must not exceed dataset.resize (${resize})`, { details: { path: 'dataset.crop', crop, resize } });
  }
  return { resize, crop };
}

/** SHA-256 of the listing (class folder and file name of every image), so a large tree gives a small fingerprint. */
export function hashLines(lines: string[]): string {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${line}\n`);
  return hash.digest('hex');
}

function checkSize(path: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 4096) {
    throw inputError(DATASET_REFERENCE, `${path} must be an integer from 1 to 4096, got ${value}`, { details: { path, value } });
  }
}
