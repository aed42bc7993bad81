import type { DatasetAccess, DatasetInfo, LabelledBatch, RandomSource, Tensor1D, Tensor4D, TensorFlow } from '../../plugin-api/index.js';

/** What {@link createInMemoryDataset} serves. */
export interface InMemoryData {
  /** Training images [n, h, w, c] in [0, 1]. Owned by the caller (kept until the caller disposes them). */
  x: Tensor4D;
  /** Training labels, int32 [n]. Owned by the caller. */
  y: Tensor1D;
  /** Number of classes C. */
  classes: number;
  /** Dataset name for `info.name` (default `in-memory`). */
  name?: string;
}

/**
 * A {@link DatasetAccess} over tensors already in memory, for tests of the training loop and of plugins.
 * Batches are fresh tensors (gathered rows) that the consumer disposes; the source tensors are not touched.
 */
export function createInMemoryDataset(tf: TensorFlow, data: InMemoryData): DatasetAccess {
  const count = data.x.shape[0];
  if (data.y.shape[0] !== count) throw new RangeError(`in-memory dataset: ${count} images but ${data.y.shape[0]} labels`);
  const info: DatasetInfo = {
    name: data.name ?? 'in-memory',
    inputShape: [data.x.shape[1], data.x.shape[2], data.x.shape[3]],
    classes: data.classes,
    classNames: Array.from({ length: data.classes }, (_, index) => `class ${index}`),
    trainCount: count,
    testCount: 0,
    checksumsVerified: false,
    contentHash: `in-memory-${count}x${data.x.shape.slice(1).join('x')}`,
  };
  return {
    info,
    async *trainBatches(options: { batchSize: number; rng: RandomSource; shuffle?: boolean }): AsyncIterable<LabelledBatch> {
      const order = Array.from({ length: count }, (_, index) => index);
      if (options.shuffle !== false) options.rng.shuffle(order);
      for (let start = 0; start < count; start += options.batchSize) {
        const rows = order.slice(start, start + options.batchSize);
        const batch = tf.tidy(() => {
          const indices = tf.tensor1d(rows, 'int32');
          return { x: tf.gather(data.x, indices) as Tensor4D, y: tf.gather(data.y, indices) as Tensor1D };
        });
        yield { ...batch, indices: Int32Array.from(rows) };
      }
    },
  };
}
