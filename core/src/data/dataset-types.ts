import type { DatasetInfo, ImageShape } from '../plugin-api/index.js';

/** One batch of decoded images, before they become tensors. */
export interface RawBatch {
  /** Images, NHWC, float32 in [0, 1]; `count * height * width * channels` values. */
  images: Float32Array;
  /** Class indices, one per image. */
  labels: Int32Array;
  /** Images in this batch (the last batch of an epoch may be short). */
  count: number;
  /** [height, width, channels] of every image. */
  shape: ImageShape;
  /** Positions of these images within the split (0-based), in batch order. */
  indices: Int32Array;
}

/** Options of {@link DataSplit.batches}. */
export interface BatchOptions {
  /** Images per batch (a positive integer); the last batch may be short. */
  batchSize: number;
  /** Positions to visit, in this order (each in [0, count)); default 0..count-1. */
  order?: ArrayLike<number>;
}

/** One split (train or test) of a dataset, read batch by batch. */
export interface DataSplit {
  /** Images in the split. */
  readonly count: number;
  /** Reads the split (or the positions in `order`) in batches. */
  batches(options: BatchOptions): AsyncIterable<RawBatch>;
}

/** A split whose labels are all known up front (needed for stratified subsets). */
export interface LabelledSplit extends DataSplit {
  /** The class index of every position, `count` entries. */
  readonly labels: Int32Array;
}

/** An opened dataset: facts plus its two splits. */
export interface Dataset {
  /** Facts about the data (counts after subsetting). */
  readonly info: DatasetInfo;
  /** Training split (after `trainSamples`). */
  readonly train: DataSplit;
  /** Test split (after `testSamples`). */
  readonly test: DataSplit;
  /** Releases what the dataset holds (open files, caches). */
  close?(): Promise<void>;
}

/** What a format loader returns, before subsetting and hashing. */
export interface LoadedDataset {
  /** [height, width, channels] of every image. */
  inputShape: ImageShape;
  /** Class names, one per class. */
  classNames: string[];
  /** Training split with its labels. */
  train: LabelledSplit;
  /** Test split with its labels. */
  test: LabelledSplit;
  /** True when the files matched known checksums. */
  checksumsVerified: boolean;
  /** Identifies the content: file checksums or listings and the loader's options (hashed into `contentHash`). */
  fingerprint: Record<string, unknown>;
  /**
   * Checks, before any work, the files a run will read that were only listed so far (image headers of an image
   * folder): `positions` are those of the split the run uses (all when undefined). Throws exit-2 errors naming
   * the file. Absent when loading already read every file.
   */
  checkFiles?(split: 'train' | 'test', positions: Int32Array | undefined): Promise<void>;
}
