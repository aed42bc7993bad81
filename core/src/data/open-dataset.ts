import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { DatasetSpec } from '../config/run-spec.js';
import { type DatasetInfo, inputError } from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import { loadCifar10Dataset } from './cifar10-dataset.js';
import { shippedFashionMnistFolder } from './data-location.js';
import { DATASET_REFERENCE, DATASET_SUBSET } from './dataset-errors.js';
import type { DataSplit, Dataset, LabelledSplit, LoadedDataset } from './dataset-types.js';
import { loadIdxDataset } from './idx-dataset.js';
import { loadImageFolderDataset } from './image-folder-dataset.js';
import { loadImagenetDataset } from './imagenet-dataset.js';
import { FASHION_MNIST } from './known-checksums.js';
import { stratifiedSubset } from './stratified-subset.js';
import { SubsetSplit } from './subset-split.js';

/** The dataset references advbench understands. */
export const DATASET_SCHEMES = ['fashion-mnist', 'idx:<folder>', 'cifar10:<folder>', 'imagefolder:<folder>', 'imagenet:<folder>'] as const;

/** Version of the subset rule, part of the content hash so a change of rule changes every cache key. */
const SUBSET_RULE = 'stratified-v1';

/** Options of {@link openDataset}. */
export interface OpenDatasetOptions {
  /** Seed of the subset choice (the run's master seed). */
  seed: number;
  /** Check files against known checksums (default true). */
  verify?: boolean;
  /** imagefolder only: called after each image is decoded. */
  onImageDecoded?(path: string): void;
}

/**
 * Opens the dataset a run spec names, applies `trainSamples` / `testSamples` (stratified by class, seeded,
 * positions in ascending order) and computes the content hash (file checksums or listing, loader options and
 * the subset choice). Bad references, missing or corrupt files are exit-2 errors naming what is wrong.
 */
export async function openDataset(spec: DatasetSpec, options: OpenDatasetOptions): Promise<Dataset> {
  const loaded = await loadReference(spec, options);
  const train = choose(loaded.train, spec.trainSamples, 'dataset.trainSamples', options.seed, 'train');
  const test = choose(loaded.test, spec.testSamples, 'dataset.testSamples', options.seed, 'test');
  // Files that were only listed are checked now, those the run will read, so a bad one stops the run before work.
  await loaded.checkFiles?.('train', train instanceof SubsetSplit ? train.positions : undefined);
  await loaded.checkFiles?.('test', test instanceof SubsetSplit ? test.positions : undefined);
  const subsetting = spec.trainSamples !== undefined || spec.testSamples !== undefined;
  const contentHash = createHash('sha256')
    .update(
      JSON.stringify({
        data: loaded.fingerprint,
        trainSamples: spec.trainSamples ?? 'all',
        testSamples: spec.testSamples ?? 'all',
        subset: subsetting ? { rule: SUBSET_RULE, seed: options.seed } : 'none',
      }),
    )
    .digest('hex');
  const info: DatasetInfo = {
    name: spec.reference,
    inputShape: [...loaded.inputShape],
    classes: loaded.classNames.length,
    classNames: [...loaded.classNames],
    trainCount: train.count,
    testCount: test.count,
    checksumsVerified: loaded.checksumsVerified,
    contentHash,
  };
  return { info, train, test };
}

/** Splits `reference` into its scheme and folder; unknown schemes are exit-2 errors listing the known ones. */
export function parseDatasetReference(reference: string): { scheme: 'fashion-mnist' | 'idx' | 'cifar10' | 'imagefolder' | 'imagenet'; folder?: string } {
  if (reference === 'fashion-mnist') return { scheme: 'fashion-mnist' };
  const match = /^(idx|cifar10|imagefolder|imagenet):(.*)$/.exec(reference);
  if (match === null) {
    throw inputError(DATASET_REFERENCE, `unknown dataset reference "${reference}"; known: ${DATASET_SCHEMES.join(', ')}`, {
      details: { path: 'dataset.reference', reference, known: [...DATASET_SCHEMES] },
    });
  }
  if (match[2].trim() === '') {
    throw inputError(DATASET_REFERENCE, `dataset reference "${reference}" names no folder; write ${match[1]}:<folder>`, { details: { path: 'dataset.reference', reference } });
  }
  return { scheme: match[1] as 'idx' | 'cifar10' | 'imagefolder' | 'imagenet', folder: resolve(match[2]) };
}

async function loadReference(spec: DatasetSpec, options: OpenDatasetOptions): Promise<LoadedDataset> {
  const { scheme, folder } = parseDatasetReference(spec.reference);
  for (const key of ['resize', 'crop', 'classIndex'] as const) {
    const applies = key === 'classIndex' ? scheme === 'imagefolder' : scheme === 'imagefolder' || scheme === 'imagenet';
    if (spec[key] !== undefined && !applies) {
      const which = key === 'classIndex' ? 'imagefolder datasets only (imagenet: always uses the standard 1000-class order)' : 'imagefolder and imagenet datasets only';
      throw inputError(DATASET_REFERENCE, `dataset.${key} applies to ${which}, not to "${spec.reference}"`, { details: { path: `dataset.${key}` } });
    }
  }
  switch (scheme) {
    case 'fashion-mnist':
      return loadIdxDataset(shippedFashionMnistFolder(), { verify: options.verify, expect: FASHION_MNIST });
    case 'idx':
      return loadIdxDataset(folder!, { verify: options.verify });
    case 'cifar10':
      return loadCifar10Dataset(folder!);
    case 'imagefolder':
      return loadImageFolderDataset(folder!, {
        resize: spec.resize,
        crop: spec.crop,
        classIndex: spec.classIndex === undefined ? undefined : resolve(spec.classIndex),
        onImageDecoded: options.onImageDecoded,
      });
    case 'imagenet':
      return loadImagenetDataset(folder!, { resize: spec.resize, crop: spec.crop, onImageDecoded: options.onImageDecoded });
  }
}

function choose(split: LabelledSplit, samples: number | undefined, path: string, seed: number, label: string): DataSplit {
  if (samples === undefined) return split;
  if (!Number.isInteger(samples) || samples < 1 || samples > split.count) {
    throw inputError(DATASET_SUBSET, `${path} must be an integer from 1 to ${split.count} (the ${label} images available), got ${samples}`, {
      details: { path, value: samples, available: split.count },
    });
  }
  if (samples === split.count) return split;
  const positions = stratifiedSubset(split.labels, samples, createRandom(seed).fork(`dataset subset ${label}`));
  return new SubsetSplit(split, positions, split.labels);
}
