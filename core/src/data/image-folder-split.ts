import type { ImageShape } from '../plugin-api/index.js';
import { resolveBatchOrder } from './batch-order.js';
import type { BatchOptions, LabelledSplit, RawBatch } from './dataset-types.js';
import { decodeImage, type ImageGeometry } from './image-decode.js';

/** Options of {@link ImageFolderSplit}. */
export interface ImageFolderSplitOptions {
  /** Resize and crop. */
  geometry: ImageGeometry;
  /** Images decoded at once within a batch (default 8). */
  concurrency?: number;
  /** Called after each image is decoded (for progress and for tests of the memory bound). */
  onImageDecoded?(path: string): void;
}

/**
 * A split of image files decoded on demand: each batch is decoded when it is needed, and the next batch is decoded
 * while the current one is consumed (one batch of prefetch), so at most two batches of pixels are in memory,
 * whatever the size of the split.
 */
export class ImageFolderSplit implements LabelledSplit {
  /** Images in the split. */
  readonly count: number;
  private readonly shape: ImageShape;

  /**
   * @param paths - image files
   * @param labels - label of each file
   * @param options - geometry and decoding options
   */
  constructor(
    private readonly paths: readonly string[],
    readonly labels: Int32Array,
    private readonly options: ImageFolderSplitOptions,
  ) {
    this.count = paths.length;
    this.shape = [options.geometry.crop, options.geometry.crop, 3];
  }

  async *batches(options: BatchOptions): AsyncIterable<RawBatch> {
    const order = resolveBatchOrder(this.count, options.batchSize, options.order);
    const starts: number[] = [];
    for (let start = 0; start < order.length; start += options.batchSize) starts.push(start);
    let pending: Promise<RawBatch> | undefined;
    try {
      for (let index = 0; index < starts.length; index += 1) {
        const current = pending ?? this.decodeBatch(order.slice(starts[index], starts[index] + options.batchSize));
        pending = undefined;
        const batch = await current;
        if (index + 1 < starts.length) {
          pending = this.decodeBatch(order.slice(starts[index + 1], starts[index + 1] + options.batchSize));
          // A prefetch that fails while the consumer is busy is reported when its batch is awaited.
          pending.catch(() => undefined);
        }
        yield batch;
      }
    } finally {
      // The consumer stopped early: let the prefetch settle so no decode outlives the iteration.
      if (pending !== undefined) await pending.catch(() => undefined);
    }
  }

  private async decodeBatch(indices: Int32Array): Promise<RawBatch> {
    const size = this.shape[0] * this.shape[1] * this.shape[2];
    const images = new Float32Array(indices.length * size);
    const labels = new Int32Array(indices.length);
    const concurrency = this.options.concurrency ?? 8;
    let next = 0;
    const worker = async () => {
      while (next < indices.length) {
        const item = next;
        next += 1;
        const path = this.paths[indices[item]];
        const pixels = await decodeImage(path, this.options.geometry);
        const target = item * size;
        for (let offset = 0; offset < size; offset += 1) images[target + offset] = pixels[offset] / 255;
        labels[item] = this.labels[indices[item]];
        this.options.onImageDecoded?.(path);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, indices.length) }, worker));
    return { images, labels, count: indices.length, shape: [...this.shape], indices };
  }
}
