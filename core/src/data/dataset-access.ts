import type { DatasetAccess, LabelledBatch, RandomSource, TensorFlow } from '../plugin-api/index.js';
import type { DataSplit, Dataset, RawBatch } from './dataset-types.js';

/** Turns a raw batch into tensors (x: float32 NHWC, y: int32); the caller owns and disposes both. */
export function toLabelledBatch(tf: TensorFlow, batch: RawBatch): LabelledBatch {
  const [height, width, channels] = batch.shape;
  return {
    x: tf.tensor4d(batch.images, [batch.count, height, width, channels], 'float32'),
    y: tf.tensor1d(batch.labels, 'int32'),
    indices: Int32Array.from(batch.indices),
  };
}

/** Reads a split as tensor batches, in `order` (default 0..count-1). The consumer disposes each batch. */
export async function* tensorBatches(tf: TensorFlow, split: DataSplit, options: { batchSize: number; order?: ArrayLike<number> }): AsyncIterable<LabelledBatch> {
  for await (const batch of split.batches(options)) yield toLabelledBatch(tf, batch);
}

/** A random permutation of 0..count-1 drawn from `rng`. */
export function shuffledOrder(count: number, rng: RandomSource): number[] {
  return rng.shuffle(Array.from({ length: count }, (_, index) => index));
}

/**
 * The plugins' view of the run's data: facts plus training batches as tensors. `trainBatches` visits every
 * training image once, shuffled by the given `rng` (unless `shuffle` is false), the last batch possibly short.
 */
export function createDatasetAccess(tf: TensorFlow, dataset: Dataset): DatasetAccess {
  return {
    info: dataset.info,
    trainBatches(options: { batchSize: number; rng: RandomSource; shuffle?: boolean }): AsyncIterable<LabelledBatch> {
      const order = options.shuffle === false ? undefined : shuffledOrder(dataset.train.count, options.rng);
      return tensorBatches(tf, dataset.train, { batchSize: options.batchSize, order });
    },
  };
}
